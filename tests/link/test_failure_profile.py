"""Who fails to link: program-list rows not found in any registry, by group, with the truth's
missed links; a group that stands out gets one sentence in the summary."""

from __future__ import annotations

import pandas as pd

from lebongbisa.folder import PeriodFolder
from lebongbisa.link import diagnostics
from lebongbisa.report.summary import linkage_notes


def _rows(folder: PeriodFolder) -> pd.DataFrame:
    records = pd.read_parquet(folder.path("records"))
    clean = pd.read_parquet(folder.path("clean"))
    rows = diagnostics.list_rows(records, clean, 0.95)
    return diagnostics.with_truth(rows, records, clean, diagnostics.truth_by_row(folder, records))


def test_every_list_row_is_counted_once_in_each_dimension(small_series):
    rows = _rows(PeriodFolder.of("2025Q2", small_series))
    prof = diagnostics.link_failure_profile(rows)
    assert set(prof.dimension) == set(diagnostics.DIMENSIONS)
    assert (prof.groupby("dimension").rows.sum() == len(rows)).all()
    assert prof.not_found.between(0, 1).all() and prof.missed.dropna().between(0, 1).all()


def test_a_quarter_without_lists_has_an_empty_profile_and_no_standout(small_series):
    """A registries-only delivery: nothing to profile, and no error (a scenario found it)."""
    folder = PeriodFolder.of("2025Q2", small_series)
    records = pd.read_parquet(folder.path("records"))
    clean = pd.read_parquet(folder.path("clean"))
    rows = diagnostics.list_rows(records, clean, 0.95).iloc[:0]
    rows = diagnostics.with_truth(rows, records, clean, diagnostics.truth_by_row(folder, records))
    prof = diagnostics.link_failure_profile(rows)
    assert prof.empty and diagnostics.standout(prof) is None


def test_the_profile_finds_where_linkage_truly_fails(small_series):
    """Against the truth: rows with a damaged or missing NIK are the ones truly missed more
    often, and the profile (which has no truth) shows them as not found more often too."""
    for period in ("2025Q1", "2025Q2"):
        rows = _rows(PeriodFolder.of(period, small_series))
        damaged = rows.nik_status != "valid"
        truly = rows.in_registry_truth
        missed = [rows.missed[truly & g].mean() for g in (~damaged, damaged)]
        not_found = [rows.not_found[g].mean() for g in (~damaged, damaged)]
        assert missed[0] < missed[1] and not_found[0] < not_found[1]
        assert rows.missed[truly].mean() < 0.02  # few recipients truly in a registry are missed
        # not found = not truly in a registry, or missed: the two differ by the false links only
        gap = rows.not_found.mean() - ((~truly).mean() + rows.missed.mean())
        assert abs(gap) < 0.01


def test_a_group_that_stands_out_is_named_in_one_summary_sentence():
    prof = pd.DataFrame(
        {
            "dimension": ["source", "source", "nik_status", "nik_status", "desa"],
            "group": ["PKH", "BLT-DD", "valid", "missing", "1707012001"],
            "rows": [900, 100, 950, 50, 40],
            "not_found": [0.02, 0.05, 0.01, 0.40, 0.90],
            "low_confidence": [0.0] * 5,
        }
    )
    g = diagnostics.standout(prof)
    assert (g["dimension"], g["group"]) == ("nik_status", "missing")  # a desa is never named
    assert diagnostics.standout(prof.assign(not_found=0.03)) is None
    unknown = pd.concat([prof, prof.iloc[[3]].assign(dimension="age_group", group="?")])
    assert (
        diagnostics.standout(
            unknown.assign(not_found=unknown.not_found.where(unknown.group != "missing", 0.01))
        )
        is None
    )
    S = {
        "ind": pd.DataFrame({"indicator": pd.Series([], dtype=str)}),
        "link_summary": {"standout": g.to_dict()},
    }
    (note,) = linkage_notes(S, "id")
    assert "NIK kosong" in note and "40,0%" in note
    (note,) = linkage_notes(S, "en")
    assert "no NIK" in note
