"""Linkage accuracy at kabupaten scale (115,000 persons), once per session."""

from __future__ import annotations

from lebongbisa.link.diagnostics import accuracy_vs_truth


def test_full_scale_linkage_meets_the_targets(full_processed):
    a = accuracy_vs_truth(full_processed, "2025Q1").set_index(["level", "method"])
    assert a.loc[("person", "lebongbisa"), "f1"] >= 0.98
    assert a.loc[("household", "lebongbisa"), "f1"] >= 0.97
    for level in ("person", "household"):
        assert (
            a.loc[(level, "lebongbisa"), "recall"]
            >= a.loc[(level, "exact NIK join"), "recall"] + 0.1
        )
        assert (
            a.loc[(level, "lebongbisa"), "precision"]
            >= a.loc[(level, "exact NIK join"), "precision"]
        )
