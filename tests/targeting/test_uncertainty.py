"""Linkage uncertainty carried into the targeting headline: intervals that widen only where links
are uncertain, and that cover the value with the true identities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lebongbisa import indicators
from lebongbisa.folder import PeriodFolder
from lebongbisa.indicators import Collector
from lebongbisa.targeting import uncertainty
from lebongbisa.targeting.evaluate import compare_with_truth

CATALOG = [{"code": "P", "target_rule": "desil <= 1"}]


def _world(p_keep: float, p_join: float, households=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two desil-1 households h1, h2 and a list-only household h3; one recipient in h1 and
    one (found nowhere) in h3 whose best candidate is h2."""
    h = pd.DataFrame(
        {
            "household_key": ["h1", "h2", "h3"],
            "desil": pd.array([1, 1, pd.NA], dtype="Int64"),
            "programs": [1, 0, 1],
            "receives_P": [True, False, True],
        }
    )
    links = pd.DataFrame(
        {
            "program": ["P", "P"],
            "attribute": [None, None],
            "household_key": ["h1", "h3"],
            "person_key": ["a", "b"],
            "p_keep": [p_keep, 1.0],
            "candidate": [None, "h2"],
            "p_join": [0.0, p_join],
            "households": [households, np.nan],
        }
    )
    return h, links


def test_certain_links_give_no_spread():
    h, links = _world(1.0, 0.0)
    s = uncertainty.draws(links, h, CATALOG, {"P"}, 50)
    assert s.nunique().max() == 1
    assert s["exclusion_error_any_program|1707"].iloc[0] == 0.5
    assert s["inclusion_error|P"].iloc[0] == 0.5


def test_an_uncertain_candidate_spreads_the_errors_both_ways():
    h, links = _world(1.0, 0.5)
    s = uncertainty.draws(links, h, CATALOG, {"P"}, 400)
    assert set(s["exclusion_error_any_program|1707"]) == {0.0, 0.5}
    assert 0.35 < (s["inclusion_error|P"] == 0.0).mean() < 0.65
    h, links = _world(0.5, 0.0)  # a link that may not hold: the recipient alone, no desil
    s = uncertainty.draws(links, h, CATALOG, {"P"}, 400)
    assert set(s["exclusion_error_any_program|1707"]) == {0.5, 1.0}


def test_a_person_in_two_registry_households_may_belong_to_either():
    h, links = _world(1.0, 0.0, households=["h1", "h2"])
    h["desil"] = pd.array([1, 5, pd.NA], dtype="Int64")  # only h1 is in the target
    s = uncertainty.draws(links, h, CATALOG, {"P"}, 400)
    assert set(s["exclusion_error|P"]) == {0.0, 1.0}
    assert 0.35 < (s["exclusion_error|P"] == 0.0).mean() < 0.65  # h1 or h2, as likely


def test_a_business_row_moves_with_its_person_and_the_targets_follow():
    """Recipient b (found nowhere) also has a UMKM registry row; both have candidate h2. They
    join together or not at all: when they do, h2 has a business, is the only target of a
    program for desil-1 businesses and receives it; a business row joining alone would leave
    h2 a target without the program."""
    h, links = _world(1.0, 0.5)
    h["has_business"] = False
    business = links.iloc[[1]].assign(program=None, attribute="has_business")
    links = pd.concat([links, business], ignore_index=True)
    catalog = [{"code": "P", "target_rule": "desil <= 1 and has_business"}]
    s = uncertainty.draws(links, h, catalog, {"P"}, 400)["exclusion_error|P"]
    assert set(s.dropna()) == {0.0}  # together: h2 in the target and reached
    assert 0.35 < s.isna().mean() < 0.65  # apart: no household has a business, no target


def test_intervals_include_the_published_value_and_skip_what_is_not_published():
    sample = pd.DataFrame({"exclusion_error|P": [0.2, 0.3, 0.4], "inclusion_error|P": [0.1] * 3})
    published = pd.DataFrame(
        {
            "indicator": ["exclusion_error", "inclusion_error"],
            "scope_code": ["P", "P"],
            "value": [0.5, np.nan],
        }
    )
    c = Collector("2025Q1")
    uncertainty.intervals(c, published, sample)
    out = c.frame().set_index("indicator").value
    assert out["exclusion_error_low"] == pytest.approx(0.21)
    assert out["exclusion_error_high"] == 0.5  # widened to the published value
    assert "inclusion_error_low" not in out


def _coverage(data, period) -> pd.Series:
    ind = pd.read_csv(PeriodFolder.of(period, data).path("targeting_indicators"))
    truth = compare_with_truth(data, period).set_index(["indicator", "scope_code"]).truth
    linkage = {name for name, _ in indicators.with_interval()}  # not the Rupiah ranges
    bounds = {
        side: ind[ind.indicator.str.endswith(f"_{side}")]
        .assign(indicator=lambda d, s=side: d.indicator.str[: -len(s) - 1])
        .loc[lambda d: d.indicator.isin(linkage)]
        .set_index(["indicator", "scope_code"])
        .value
        for side in ("low", "high")
    }
    t = truth.reindex(bounds["low"].index)
    return (t >= bounds["low"] - 1e-12) & (t <= bounds["high"] + 1e-12)


def test_intervals_cover_the_value_with_the_true_identities(small_series, worlds):
    """On the small series and two scenario worlds, the 90% intervals of the published
    headline cover the value computed with perfect linkage in at least 80% of cases."""
    covered = [_coverage(small_series, p) for p in ("2025Q1", "2025Q2")]
    for name in ("pilot", "formats"):
        data, _ = worlds(name)
        covered.append(_coverage(data, "2025Q1"))
    c = pd.concat(covered)
    assert len(c) >= 40
    assert c.mean() >= 0.80, c[~c]
