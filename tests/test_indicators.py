"""indicators.csv: schema checked, parts combined, changes only when a previous period exists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandera.errors import SchemaError

from lebongbisa import indicators, schemas
from lebongbisa.indicators import Collector


def _part(period, value):
    c = Collector(period)
    c.rate("coverage", "program", "PKH", value * 10, 10)
    c.count("households", "kabupaten", "1707", 100)
    return c.frame()


def test_changes_are_added_only_against_a_previous_period(tmp_path):
    for period, value in (("2024Q3", 0.2), ("2024Q4", 0.35)):
        proc = tmp_path / period
        proc.mkdir()
        df = indicators.with_changes(
            _part(period, value),
            indicators.previous_part(proc, "targeting_indicators"),
            ["coverage"],
        )
        indicators.write_part(df, proc, "targeting_indicators")
    first = indicators.read(tmp_path / "2024Q3")
    second = indicators.read(tmp_path / "2024Q4")
    assert not first.indicator.str.startswith("change_").any()
    assert np.isclose(indicators.lookup(second, "change_coverage", "program", "PKH"), 0.15)


def test_schema_refuses_a_broken_indicator_table():
    bad = _part("2024Q3", 0.2)
    bad.loc[0, "scope_type"] = "provinsi"
    with pytest.raises(SchemaError):
        schemas.INDICATORS.validate(bad)


def test_schema_refuses_records_outside_the_contract():
    rec = pd.DataFrame(
        {
            "source_file": ["a.csv"],
            "source_row": [2],
            "kind": ["program"],
            "program": ["PKH"],
            "status": ["ok"],
            "reason": [""],
            "person_key": [None],
            "household_key": [None],
            "match_type": ["none"],
            "match_probability": [np.nan],
        }
    )
    with pytest.raises(SchemaError):
        schemas.RECORDS.validate(rec)
    rec["status"] = "accepted"
    schemas.RECORDS.validate(rec)


def test_the_summary_shows_the_catalogs_headline_list_in_its_order():
    from lebongbisa.i18n import Translator
    from lebongbisa.report.summary import headline

    names = indicators.headline("kabupaten")
    assert names[:3] == ["households", "persons", "households_desil1"]
    c = Collector("2025Q2")
    for n in reversed(names):  # published in another order than shown
        if n in ("households", "persons", "households_desil1"):
            c.count(n, "kabupaten", "1707", 10)
        else:
            c.rate(n, "kabupaten", "1707", 3, 10)
    shown = headline(c.frame(), None, "en").iloc[:, 0].tolist()
    assert shown == [Translator("en").label(f"headline_{n}") for n in names]


def test_every_headline_indicator_is_defined_and_intervals_follow_the_catalog():
    names = indicators.headline()
    assert len(set(names)) == len(names)
    assert set(indicators.headline("kabupaten")) < set(names)
    assert "exclusion_error" in indicators.headline("program")
    assert "exclusion_error" not in indicators.headline("kabupaten")
    assert indicators.with_interval() == [
        ("exclusion_error_any_program", "kabupaten"),
        ("exclusion_error", "program"),
        ("inclusion_error", "program"),
    ]
    with pytest.raises(KeyError, match="not defined"):
        indicators._scopes("no_such_indicator")
