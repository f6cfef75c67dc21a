"""Every valid delivery gets its whole report: each scenario world (`synth/scenarios.py`) runs
through every stage and notebook as a user runs it (`lebongbisa run`, in the background
worker of tests/worlds.py), and is checked for exit code, pages, reconciliation, indicators
against its own truth, and clean pages and console (a stage forced to fail:
tests/test_deliveries.py)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from lebongbisa import indicators
from lebongbisa.folder import PeriodFolder
from lebongbisa.ingest.stage import load_manifest
from lebongbisa.synth import SCENARIOS
from lebongbisa.targeting.evaluate import compare_with_truth

from .worlds import world_pages

NAMES = [n for n in SCENARIOS if n != "default"]  # the default world has its own tests

#: the default world's tolerances (tests/targeting); a scenario's is never tighter than three
#: binomial standard errors of its own denominator, and never looser than these where it is
#: as large as the default world
TOLERANCE = {"exclusion_error_any_program": 0.01, "exclusion_error": 0.03, "inclusion_error": 0.03}
COUNT_TOLERANCE = 0.03  # persons and households, relative
#: where a scenario cannot reach that: without any registry there is no household id, and
#: children in person lists (PIP) cannot be grouped with their parents' household
SCENARIO_COUNT_TOLERANCE = {"lists_only": 0.05}


def _pages(data: Path, period: str) -> list[Path]:
    return sorted((data.parent / "reports" / period).glob("*.html"))


def _visible_text(page: Path) -> str:
    """What a reader sees: the page without embedded images, styles and scripts."""
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", "", text)
    return re.sub(r"<(style|script)\b.*?</\1>", "", text, flags=re.S | re.I)


BAD_TEXT = re.compile(r"(?<![\w.-])(nan|NaN|inf|-inf)(?![\w-])|nan%|Traceback|\w+Warning:")


@pytest.mark.parametrize("name", NAMES)
def test_every_scenario_renders_its_pages_and_exits_zero(worlds, name):
    data, runs = worlds(name)
    for period, res in runs.items():
        assert res.returncode == 0, (name, period, res.stderr[-2000:])
        pages = {p.stem for p in _pages(data, period)}
        expected = world_pages(name, period)
        assert expected | {"index"} <= pages, (name, period, pages)
        index = (data.parent / "reports" / period / "index.html").read_text()
        assert 'href="06_ringkasan.html"' in index and "Tahap yang gagal" not in index


@pytest.mark.parametrize("name", NAMES)
def test_console_shows_progress_and_plain_messages_only(worlds, name):
    _, runs = worlds(name)
    for res in runs.values():
        console = res.stdout + res.stderr
        for noise in ("Traceback", "WARNING", "ERROR", "Warning:", "KeyboardInterrupt"):
            assert noise not in console, (name, noise, console[-1500:])


@pytest.mark.parametrize("name", NAMES)
def test_published_pages_show_no_nan_inf_or_traceback(worlds, name):
    data, runs = worlds(name)
    for period in runs:
        for page in _pages(data, period):
            found = BAD_TEXT.search(_visible_text(page))
            assert found is None, (
                name,
                page.name,
                found and _visible_text(page)[max(found.start() - 200, 0) : found.end() + 100],
            )


@pytest.mark.parametrize("name", NAMES)
def test_every_raw_row_is_accepted_or_quarantined(worlds, name):
    data, runs = worlds(name)
    for period in runs:
        processed = PeriodFolder.of(period, data).processed
        manifest = json.loads((processed / "manifest.json").read_text())
        records = pd.read_parquet(processed / "records.parquet")
        truth = pd.read_parquet(data / "truth" / period / "rows.parquet")
        total = records.reason.fillna("").str.contains("total_row")  # JUMLAH rows: read, kept
        per_file = records.groupby("source_file").size()
        data_rows = records[~total].groupby("source_file").size()
        written = truth.groupby("source_file").size()
        for s in manifest["sources"]:
            assert s["rows_read"] == s["rows_accepted"] + s["rows_quarantined"], s
            assert s["rows_read"] == per_file.get(s["file"], 0), s
            assert data_rows.get(s["file"], 0) == written.get(s["file"], 0), s
        # every data row's provenance points at the row the truth says it came from
        got = records[~total][["source_file", "source_row"]].merge(
            truth, how="left", indicator=True
        )
        assert (got._merge == "both").all(), got[got._merge != "both"].head()


def _tolerance(indicator: str, value: float, denominator: float) -> float:
    base = TOLERANCE.get(indicator, 0.03)
    if not denominator or math.isnan(denominator):
        return base
    return max(base, 3 * math.sqrt(max(value * (1 - value), 0.01) / denominator))


def largest_error(data: Path, period: str, count_tolerance: float = COUNT_TOLERANCE) -> float:
    """The largest |estimate - truth| over the headline rates (0 when none is computable);
    asserts that every rate is within its tolerance and is computable exactly when its truth
    is, and that persons, households and each household program's recipient households are
    within COUNT_TOLERANCE."""
    cmp = compare_with_truth(data, period)
    ind = indicators.read(PeriodFolder.of(period, data).processed).set_index(
        ["indicator", "scope_type", "scope_code"]
    )
    catalog = load_manifest(PeriodFolder.of(period, data).processed)["programs"]
    person_unit = {p["code"] for p in catalog if p.get("unit") == "person"}
    worst = 0.0
    for r in cmp.itertuples(index=False):
        assert pd.isna(r.estimate) == pd.isna(r.truth), r
        if pd.isna(r.estimate):
            continue
        if r.indicator == "recipients_households" and r.scope_code in person_unit:
            continue  # a person list's households are the grouping the _persons rows avoid
        if r.indicator in ("persons", "households", "recipients_households"):
            assert abs(r.estimate - r.truth) <= count_tolerance * r.truth, r
            continue
        if r.indicator.endswith("_persons") or r.indicator == "coverage":
            continue
        den = ind.denominator.get((r.indicator, r.scope_type, r.scope_code), float("nan"))
        tol = _tolerance(r.indicator, r.truth, den)
        assert abs(r.error) <= tol, (r, den, tol)
        worst = max(worst, abs(r.error))
    return worst


@pytest.mark.parametrize("name", NAMES)
def test_indicators_are_within_tolerance_of_the_scenario_truth(worlds, name):
    data, runs = worlds(name)
    for period in runs:
        err = largest_error(data, period, SCENARIO_COUNT_TOLERANCE.get(name, COUNT_TOLERANCE))
        print(f"{name} {period}: largest headline error {err:.4f}")


def _ind(data: Path, period: str) -> pd.DataFrame:
    return indicators.read(PeriodFolder.of(period, data).processed)


def _program_rows(ind: pd.DataFrame, code: str) -> set[str]:
    return set(ind.indicator[(ind.scope_type == "program") & (ind.scope_code == code)])


def _value(ind: pd.DataFrame, indicator: str, scope_type="kabupaten", code="1707") -> float:
    return indicators.lookup(ind, indicator, scope_type, code)


@pytest.mark.world("own_catalog")
def test_own_catalog_is_the_whole_catalog_and_names_its_undelivered_program(world):
    data, _ = world
    ind = _ind(data, "2025Q1")
    codes = set(ind.scope_code[ind.scope_type == "program"])
    own = {"PKH-REG", "SEMBAKO", "BLTDD", "BEDAH-RUMAH", "BANTUAN-LANSIA"}
    assert codes == own  # none of the packaged default's programs
    assert _program_rows(ind, "BANTUAN-LANSIA") == {"program_list_delivered"}
    assert _value(ind, "program_list_delivered", "program", "BANTUAN-LANSIA") == 0
    summary = (data.parent / "reports" / "2025Q1" / "06_ringkasan.html").read_text()
    assert "BANTUAN-LANSIA" in summary and "daftar tidak dikirim" in summary


@pytest.mark.world("undelivered")
def test_undelivered_programs_have_the_flag_and_no_rate(world):
    data, _ = world
    ind = _ind(data, "2025Q1")
    for code in ("PIP", "SAPROTAN"):
        assert _program_rows(ind, code) == {"program_list_delivered"}
        assert _value(ind, "program_list_delivered", "program", code) == 0
    assert _value(ind, "program_list_delivered", "program", "PKH") == 1
    assert not ind.scope_code[ind.scope_type == "program_pair"].str.contains("PIP").any()


@pytest.mark.world("header_only")
def test_a_header_only_list_is_delivered_with_zero_recipients(world):
    data, _ = world
    ind = _ind(data, "2025Q1")
    assert _value(ind, "program_list_delivered", "program", "RTLH") == 1
    assert _value(ind, "recipients_households", "program", "RTLH") == 0
    assert math.isnan(_value(ind, "inclusion_error", "program", "RTLH"))  # 0 recipients
    assert _value(ind, "exclusion_error", "program", "RTLH") == 1  # targets, none reached
    manifest = json.loads(PeriodFolder.of("2025Q1", data).path("manifest").read_text())
    assert any("header only" in w for w in manifest["warnings"])


@pytest.mark.world("registries_only")
def test_without_a_program_list_the_program_rates_are_not_computable(world):
    data, _ = world
    ind = _ind(data, "2024Q4")
    flags = ind[ind.indicator == "program_list_delivered"]
    assert len(flags) == 8 and (flags.value == 0).all()
    assert set(ind.indicator[ind.scope_type == "program"]) == {"program_list_delivered"}
    row = ind[(ind.indicator == "exclusion_error_any_program") & (ind.scope_type == "kabupaten")]
    assert len(row) == 1 and row.value.isna().all()
    assert _value(ind, "households_desil1") > 0


@pytest.mark.world("lists_only")
def test_without_a_registry_desil_based_rates_are_not_computable(world):
    data, _ = world
    ind = _ind(data, "2025Q1")
    assert _value(ind, "households_desil1") == 0
    for code in ("PKH", "BPNT", "BLT-DD"):
        assert _value(ind, "recipients_households", "program", code) > 0
        for rate in ("exclusion_error", "inclusion_error"):
            assert math.isnan(_value(ind, rate, "program", code)), (code, rate)
    assert math.isnan(_value(ind, "exclusion_error_any_program"))
    assert math.isnan(_value(ind, "working_poverty_rate"))
    assert (ind.indicator == "jaccard").any()  # overlaps still matter
    summary = (data.parent / "reports" / "2025Q1" / "06_ringkasan.html").read_text()
    assert "tidak ada registri" in summary


@pytest.mark.world("no_employment")
def test_without_employment_columns_the_working_poor_are_not_computable(world):
    data, _ = world
    processed = PeriodFolder.of("2025Q1", data).processed
    assert math.isnan(_value(_ind(data, "2025Q1"), "working_poverty_rate"))
    model = json.loads((processed / "working_poor_model.json").read_text())
    assert model["estimated"] is False and "households" in model["reason"]
    # targeting does not need employment columns: the headline is computed, and right
    truth = compare_with_truth(data, "2025Q1").set_index(["indicator", "scope_code"]).truth
    value = _value(_ind(data, "2025Q1"), "exclusion_error_any_program")
    assert not math.isnan(value)
    assert abs(value - truth[("exclusion_error_any_program", "1707")]) <= 0.03


@pytest.mark.world("pilot")
def test_a_pilot_ranks_only_the_villages_that_have_records(world):
    data, _ = world
    processed = PeriodFolder.of("2025Q1", data).processed
    table = pd.read_parquet(processed / "village_indicators.parquet")
    prio = pd.read_parquet(processed / "desa_binaan.parquet")
    with_records = set(table.village_code[table.households > 0])
    assert len(table) == 104 and 5 < len(with_records) < 40
    assert set(prio.village_code) == with_records
    assert set(prio.village_code.str[:6]) <= {"170704", "170710"}
    ranks = _ind(data, "2025Q1")
    ranked = ranks[(ranks.indicator == "priority_rank") & (ranks.scope_type == "desa")]
    assert set(ranked.scope_code) == with_records


@pytest.mark.world("formats")
def test_old_xls_and_other_formats_are_read_with_their_row_numbers(world):
    data, _ = world
    raw = data / "raw" / "2025Q1"
    assert (raw / "PKH_TAHAP1_2025.xls").read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")
    manifest = json.loads(PeriodFolder.of("2025Q1", data).path("manifest").read_text())
    by_file = {s["file"]: s for s in manifest["sources"]}
    for name in ("PKH_TAHAP1_2025.xls", "RTLH_PERKIM_2025_Q1.xls", "PIP_2025_Q1.txt"):
        assert by_file[name]["status"] == "ok" and by_file[name]["rows_accepted"] > 0, name
    assert by_file["PIP_2025_Q1.txt"]["delimiter"] == "\t"
    assert by_file["PBI_JK_LEBONG_2025Q1.csv"]["delimiter"] == ";"


@pytest.mark.world("regime_change")
def test_both_registry_regimes_in_one_series(world):
    data, runs = world
    assert list(runs) == ["2024Q4", "2025Q1"]
    kinds = [
        {
            s["kind"]
            for s in json.loads(PeriodFolder.of(p, data).path("manifest").read_text())["sources"]
        }
        for p in runs
    ]
    assert {"dtks", "p3ke"} <= kinds[0] and "dtsen" in kinds[1]
