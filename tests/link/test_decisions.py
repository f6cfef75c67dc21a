"""Clerical decisions that stick: the log keeps the newest decision per pair of identities,
applies it in later quarters, reports the ones new evidence contradicts, and the review
workbook offers the most decisive pairs within its budget."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from lebongbisa import stages
from lebongbisa.folder import PeriodFolder
from lebongbisa.link import decisions
from lebongbisa.synth.officer import answer_review


def _log(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=decisions.LOG_COLUMNS[:6])


def test_the_newest_decision_on_a_pair_wins_whatever_its_spelling():
    old = _log(
        [("b", "a", True, "Ani", "2025-01-10", "2025Q1"), ("c", "d", True, "Ani", "x", "2025Q1")]
    )
    new = _log(
        [("a", "b", False, "Budi", "2025-04-02", "2025Q2"), ("e", "e", True, "Budi", "x", "2025Q2")]
    )
    log = decisions.merge_log(old, new)
    assert len(log) == 2  # (a, b) once, the self-pair (e, e) dropped
    ab = log[(log.key_1 == "a") & (log.key_2 == "b")].iloc[0]
    assert not ab.same and ab.decided_by == "Budi" and ab.period == "2025Q2"
    assert decisions.merge_log(None, decisions.empty_log()).empty


def test_decisions_are_applied_contradicted_or_absent_by_the_records_evidence():
    keys = pd.Series(["k1", "k2", "k3", "k4", "k5", "k6"], index=[10, 11, 12, 13, 14, 15])
    nik = pd.Series(["A", None, "B", "C", "D", "D"], index=keys.index)
    log = _log(
        [
            ("k1", "k2", True, "x", "d", "q"),  # one side has no NIK: applied
            ("k3", "k4", True, "x", "d", "q"),  # two different valid NIKs: contradicted
            ("k5", "k6", False, "x", "d", "q"),  # BEDA but the same valid NIK: contradicted
            ("k1", "k3", False, "x", "d", "q"),  # BEDA, different NIKs: applied
            ("k1", "zz", True, "x", "d", "q"),  # zz is not in this quarter: absent
        ]
    )
    pairs, status = decisions.apply(log, keys, nik)
    assert status.status.tolist() == [
        "applied",
        "contradicted",
        "contradicted",
        "applied",
        "absent",
    ]
    assert set(map(tuple, pairs.to_numpy().tolist())) == {(10, 11, True), (10, 12, False)}


def test_review_offers_the_most_decisive_pairs_within_the_budget_and_not_decided_ones():
    clusters = pd.DataFrame(
        {
            "unique_id": [0, 1, 2, 3, 4, 5],
            "cluster": [0, 1, 2, 3, 4, 4],
            "match_type": ["none"] * 4 + ["probabilistic"] * 2,
            "match_probability": [np.nan] * 4 + [0.82, 0.82],
        }
    )
    scored = pd.DataFrame(
        {
            "uid_l": [0, 2, 0, 4],
            "uid_r": [1, 3, 3, 5],
            "match_probability": [0.90, 0.60, 0.52, 0.82],
        }
    )
    keys = pd.Series([f"k{i}" for i in range(6)], index=range(6))
    log = _log([("k0", "k1", True, "x", "d", "q")])
    out = decisions.for_review(scored, clusters, keys, log, 0.95, 0.50, budget=2)
    # (0,1) is decided already; SAMA on (2,3) flips it with chance 0.60, BEDA on the attached
    # (4,5) with 0.18, SAMA on (0,3) with 0.52: the two largest are offered
    assert list(zip(out.uid_l, out.uid_r, strict=True)) == [(2, 3), (0, 3)]
    assert (
        decisions.for_review(scored, clusters, keys, log, 0.95, 0.50, budget=10).linked.sum() == 1
    )


@pytest.fixture(scope="module")
def two_quarters(small_series, tmp_path_factory):
    """A copy of the small series' data with stage 2 run in both quarters."""
    data = tmp_path_factory.mktemp("decisions") / "data"
    shutil.copytree(small_series / "raw", data / "raw")
    shutil.copytree(small_series / "truth", data / "truth")
    reports = data.parent / "reports"
    for p in ("2025Q1", "2025Q2"):
        stages.ingest(p, data, reports, progress=False)
        stages.link(p, data, reports)
    return data, reports


def test_decisions_carry_to_the_next_quarter_and_contradictions_are_reported(two_quarters):
    data, reports = two_quarters
    q1, q2 = PeriodFolder.of("2025Q1", data, reports), PeriodFolder.of("2025Q2", data, reports)
    rec1 = pd.read_parquet(q1.path("records"))
    assert answer_review(q1, name="Petugas Uji") > 0
    table = pd.read_excel(q1.path("decisions"), sheet_name="TINJAUAN", dtype=str, engine="calamine")
    # and one decision new evidence contradicts next quarter: two records whose NIKs are both
    # valid and different, said to be one person
    rec2 = pd.read_parquet(q2.path("records"))
    ident2 = pd.read_parquet(q2.path("identity"))
    valid = rec2.identity_key.notna() & ident2.nik.notna()
    both = rec2[valid].drop_duplicates("identity_key")
    both = both[both.identity_key.isin(set(rec1.identity_key.dropna()))].head(2)
    wrong = table.iloc[:1].copy()
    wrong[["KUNCI 1", "KUNCI 2"]] = both.identity_key.tolist()
    wrong["KEPUTUSAN (SAMA/BEDA)"] = "SAMA"
    with pd.ExcelWriter(q1.path("decisions")) as xw:
        pd.concat([table, wrong]).to_excel(xw, sheet_name="TINJAUAN", index=False)

    assert stages.link("2025Q1", data, reports)  # the workbook changed its inputs
    s1 = json.loads(q1.path("link_summary").read_text())
    assert s1["decisions_new"] == len(table) + 1  # every offered pair can be remembered
    assert stages.link("2025Q2", data, reports)  # the earlier log changed its inputs
    s2 = json.loads(q2.path("link_summary").read_text())
    log = pd.read_csv(q2.path("decisions_log"), dtype=str, encoding="utf-8-sig")
    assert len(log) == s1["decisions_in_log"] and (log.period == "2025Q1").all()
    assert (log.decided_by == "Petugas Uji").all()
    assert s2["decisions_contradicted"] >= 1 and s2["decisions_applied"] >= 1
    assert s2["decisions_applied"] + s2["decisions_contradicted"] + s2["decisions_absent"] == len(
        log
    )
    rec2 = pd.read_parquet(q2.path("records")).set_index("identity_key")
    k1, k2 = both.identity_key
    assert rec2.person_key[k1] != rec2.person_key[k2]  # the contradicted SAMA is not applied
    sheet = pd.read_excel(
        q2.path("review"), sheet_name="BERTENTANGAN", dtype=str, engine="calamine"
    )
    assert {k1, k2} <= set(sheet["KUNCI 1"]) | set(sheet["KUNCI 2"])
    # a decided pair is never offered again
    offered = pd.read_excel(q2.path("review"), sheet_name="TINJAUAN", dtype=str, engine="calamine")
    decided = set(zip(log.key_1, log.key_2, strict=True))
    again = {
        tuple(sorted(p)) for p in zip(offered["KUNCI 1"], offered["KUNCI 2"], strict=True)
    } & decided
    assert not again
