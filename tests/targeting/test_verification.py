"""Field results come back: lists carry keys and a result drop-down, a returned list is read as
a delivery of the next quarter, and its results change that quarter's lists and counts as
docs/outputs.md says (unit rules by hand, then a two-quarter round trip on the synthetic
Lebong with its truth)."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook

from lebongbisa import indicators, stages
from lebongbisa import verification as fields
from lebongbisa.ingest.propose import propose_file
from lebongbisa.ingest.sources import load_catalog
from lebongbisa.report import summary
from lebongbisa.synth.verification import return_lists
from lebongbisa.targeting import verification as ver
from lebongbisa.targeting.definitions import TargetingSettings

from ..worlds import TEST_RUN_YML


def _log(rows: list[tuple]) -> pd.DataFrame:
    cols = ["period", "person", "household", "village_code", "result", "program"]
    log = pd.DataFrame(rows, columns=cols).assign(verified_on="2025-01-20", list="a")
    return log.reindex(columns=ver.LOG_COLUMNS)


def test_each_result_holds_as_long_as_its_setting_says():
    log = _log(
        [
            ("2024Q1", "dead", "k1", "1707010001", "died", None),
            ("2025Q1", "moved-now", "k2", "1707010001", "moved", None),
            ("2024Q1", "moved-long-ago", "k3", "1707010001", "moved", None),
            ("2025Q1", "enrolled", "k4", "1707010001", "enrolled", "PKH"),
            ("2024Q4", "lost", "k5", "1707010001", "not_found", None),
            ("2025Q1", "lost-recently", "k6", "1707010001", "not_found", None),
            ("2024Q3", "lost-then-found", "k7", "1707010001", "not_found", None),
            ("2025Q1", "lost-then-found", "k7", "1707010001", "found", None),
        ]
    )
    fx = ver.effects(log, "2025Q2", TargetingSettings())  # 4, 4 and 2 quarters
    assert fx.died == {"dead"}  # for good
    assert fx.moved == {"moved-now"}  # 5 quarters ago is past the hold of 4
    assert list(fx.enrolled.person) == ["enrolled"]
    assert list(fx.checks.person) == ["lost"]  # two quarters; the later 'found' wins for k7
    assert fx.last["lost-then-found"] == "ditemukan 2025-01-20"  # as officers wrote it
    hold = TargetingSettings(hold_moved=6, hold_enrolled=0, not_found_after=3)
    fx = ver.effects(log, "2025Q2", hold)
    assert fx.moved == {"moved-now", "moved-long-ago"} and fx.enrolled.empty and fx.checks.empty


def test_a_dead_person_leaves_every_record_and_a_moved_one_the_lists_of_the_old_desa():
    acc = pd.DataFrame(
        {
            "person_key": ["p1", "p1", "p2", "p3"],
            "household_key": ["h1", "h1", "h1", "h2"],
            "identity_key": ["k-dtsen", "k-pkh", "k2", "k3"],
        }
    )
    kept, dead = ver.drop_deceased(acc, {"k-pkh"})  # one record's key finds the person
    assert list(kept.person_key) == ["p2", "p3"] and len(dead) == 2  # h1 stays with p2
    lists = {
        "a": pd.DataFrame({"_person": ["k2", "k3"], "_household": ["h1", "h2"]}),
        "b": pd.DataFrame({"_person": ["k2", "k3"], "_household": ["h1", "h2"]}),
    }
    fx = ver.Effects(moved={"k3"})
    out, off = ver.apply_to_lists(lists, fx, pd.Index(["h1"]))  # h1 already enrolled
    assert out["a"].empty  # k3 moved, h1 enrolled
    assert list(out["b"]._person) == ["k2"]  # enrolment takes a household off a and f only
    assert sorted(off._list) == ["a", "a", "b"]


@pytest.fixture(scope="module")
def round_trip(small_ingested, tmp_path_factory):
    """2024Q4's lists returned with field results in 2025Q1, then 2025Q1 run again."""
    data = tmp_path_factory.mktemp("verified") / "data"
    shutil.copytree(small_ingested, data)
    for period in ("2024Q4", "2025Q1"):  # the intervals' draws are not what is tested here
        no_draws = TEST_RUN_YML + "targeting: {uncertainty_draws: 0}\n"
        (data / "raw" / period / "run.yml").write_text(no_draws)
    reports = data.parent / "reports"
    stages.link("2024Q4", data, reports)
    stages.targeting("2024Q4", data, reports)
    sent = stages.folder("2024Q4", data, reports)
    written = return_lists(sent, data / "raw" / "2025Q1", data / "truth" / "2025Q1", seed=3)
    stages.ingest("2025Q1", data, progress=False)
    stages.link("2025Q1", data, reports)
    stages.targeting("2025Q1", data, reports)
    return written, sent, stages.folder("2025Q1", data, reports)


def test_every_list_row_carries_its_keys_and_a_drop_down_of_the_results(round_trip):
    _, sent, _ = round_trip
    book = load_workbook(sent.path("worklist_b"))
    ws = book[book.sheetnames[1]]
    header = [c.value for c in ws[1]]
    assert {"DAFTAR", "KUNCI ORANG", "KUNCI KELUARGA", "HASIL TERAKHIR", "HASIL VERIFIKASI"} <= set(
        header
    )
    rules = ws.data_validations.dataValidation
    formulas = [r.formula1 for r in rules]
    assert any("meninggal" in f and "tidak ditemukan" in f for f in formulas), formulas
    keys = pd.read_parquet(sent.path("list_keys"))
    assert set(keys.list) >= {"b", "c", "d", "e"} and keys.person.str.len().eq(16).all()


def test_returned_rows_are_matched_or_quarantined_and_none_is_lost(round_trip):
    written, _, back = round_trip
    manifest = json.loads(back.path("manifest").read_text())
    returned = [s for s in manifest["sources"] if s["kind"] == "verification"]
    assert len(returned) == written.list.nunique()
    for s in returned:
        assert s["rows_read"] == s["rows_accepted"] + s["rows_quarantined"]
    rows = pd.read_parquet(back.path("verification"))
    quarantined = rows[rows.status == "quarantined"]
    # exactly the mistyped keys are quarantined, each with its reason
    assert len(quarantined) == written.key_damaged.sum() > 0
    assert set(quarantined.reason) == {"verification_key_unknown"}
    assert sum(s["rows_quarantined"] for s in returned) == len(quarantined)
    got = rows[rows.status == "accepted"].result.value_counts().sort_index()
    sent = written[~written.key_damaged].result.map(fields.RESULTS).value_counts().sort_index()
    assert got.to_dict() == sent.to_dict()
    # verification rows are not persons of the quarter
    assert not pd.read_parquet(back.path("rows")).kind.eq("verification").any()


def test_results_take_the_dead_and_the_moved_off_the_next_lists_and_counts(round_trip):
    written, _, back = round_trip
    log = ver.read_log(back.path("verification_log"))
    died = set(log.person[log.result == "died"])
    moved = set(log.person[log.result == "moved"])
    assert died and moved
    keys = pd.read_parquet(back.path("list_keys"))
    assert not keys.person.isin(died | moved).any()
    records = pd.read_parquet(back.path("records"))
    acc = records[records.status == "accepted"]
    dead_persons = acc.person_key[acc.identity_key.isin(died)].unique()
    assert len(dead_persons)  # the registry still lists the dead: that is the point
    ind = indicators.read(back.processed).set_index(["indicator", "scope_type"])
    persons = ind.loc[("persons", "kabupaten"), "value"]
    assert persons == acc.person_key.nunique() - len(dead_persons)
    removed = ind.loc[("verification_persons_removed", "kabupaten"), "value"]
    assert removed >= len(dead_persons)
    assert ind.loc[("verification_returned", "kabupaten"), "value"] == len(log)
    # most results agree with the truth: the officers err on a few rows only
    agree = (written.result == written.true_result).mean()
    assert 0.9 <= agree < 1.0
    # a person still on a list shows the latest result known
    book = pd.read_excel(back.path("worklist_b"), sheet_name=None, dtype=str)
    shown = pd.concat([d for n, d in book.items() if "HASIL TERAKHIR" in d])
    assert shown["HASIL TERAKHIR"].dropna().str.startswith("ditemukan 20").any()


def test_init_recognises_a_returned_list_and_the_summary_says_what_came_back(round_trip):
    written, _, back = round_trip
    returned = sorted((back.raw / "verifikasi").glob("*.xlsx"))
    catalog = load_catalog()
    assert returned and all(propose_file(p, catalog).kind == "verification" for p in returned)
    ind = indicators.read(back.processed)
    lines = summary.verification_lines(ind, "id", min_cell=1)
    n = int((~written.key_damaged).sum())
    assert lines[0].startswith(f"{n} hasil verifikasi lapangan kembali triwulan ini.")
    per_dinas = [line for line in lines if line.startswith("Hasil kembali per dinas: ")]
    assert len(per_dinas) == 1 and "Dinas Sosial " in per_dinas[0]
    english = summary.verification_lines(ind, "en", min_cell=1)
    assert english[0].startswith(f"{n} field verification results came back")
    assert summary.verification_lines(ind[~ind.indicator.str.startswith("verification")]) == []


def test_a_list_sent_before_a_key_rotation_is_read_after_it():
    from lebongbisa.ingest.sources import Source
    from lebongbisa.ingest.verification import standardize_returned

    rows = pd.DataFrame(
        {
            "verification_key": ["old-key", "unknown"],
            "verification_result": ["MENINGGAL", "ditemukan"],
            "sheet": "Amen",
            "source_row": [2, 3],
            "raw": "{}",
        }
    )
    issued = pd.DataFrame(
        {
            "list": ["a"],
            "person": ["new-key"],
            "household": ["kk"],
            "village_code": ["1707011004"],
            "district_code": ["170701"],
            "dinas": [None],
        }
    )
    src = Source("back.xlsx", "verification", None)
    on = pd.Timestamp("2025-04-01")
    plain = standardize_returned(src, rows, issued, on)
    assert list(plain.status) == ["quarantined", "quarantined"]
    moved = standardize_returned(src, rows, issued, on, pd.Series({"old-key": "new-key"}))
    assert list(moved.status) == ["accepted", "quarantined"]
    assert moved.person[0] == "new-key" and moved.result[0] == "died"
    assert moved.reason[1] == "verification_key_unknown"


def test_each_key_rotation_extends_the_kept_translation(tmp_path):
    from lebongbisa.link.rekey import keep_translation

    path = tmp_path / "restricted" / "translation.parquet"
    keep_translation(path, pd.Series({"k0": "k1", "j0": "j1"}))
    keep_translation(path, pd.Series({"k1": "k2"}))  # j1 is in no quarter kept: dropped
    kept = pd.read_parquet(path).set_index("old").new.to_dict()
    assert kept == {"k0": "k2", "k1": "k2"}  # a list of either earlier key is read
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_a_desa_brief_shows_the_results_that_came_back_there(round_trip):
    from lebongbisa.briefs.content import AreaIndicators, key_figures

    _, _, back = round_trip
    ind = indicators.read(back.processed)
    desa = ind[(ind.indicator == "verification_returned") & (ind.scope_type == "desa")]
    code = desa.sort_values("value").scope_code.iloc[-1]
    shown = key_figures(AreaIndicators(ind), None, "desa", code).set_index("indicator")
    assert shown.loc["verification_returned", "value"] == desa.value.max()
    assert "verification_persons_removed" in shown.index


def test_a_returned_list_without_its_key_or_result_column_is_refused_with_the_fix(tmp_path):
    from lebongbisa.ingest.readers import ReadError
    from lebongbisa.ingest.sources import Source
    from lebongbisa.ingest.verification import read_returned

    for dropped, named in (("KUNCI ORANG", "KUNCI ORANG"), ("HASIL VERIFIKASI", "HASIL")):
        df = pd.DataFrame(
            {"NIK": ["1707010101900001"], "KUNCI ORANG": ["k"], "HASIL VERIFIKASI": ["pindah"]}
        ).drop(columns=dropped)
        path = tmp_path / f"back_{named}.csv"
        df.to_csv(path, index=False)
        with pytest.raises(ReadError) as err:
            read_returned(Source(path.name, "verification", path))
        assert dropped in str(err.value) and "return the list as it was sent" in str(err.value)
