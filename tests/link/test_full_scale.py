"""Linkage accuracy at kabupaten scale (115,000 persons), once per session."""

from __future__ import annotations

import pytest

from lebongbisa import stages
from lebongbisa.link.report import accuracy_vs_truth


@pytest.fixture(scope="module")
def full_linked(full_lebong, tmp_path_factory):
    reports = tmp_path_factory.mktemp("full_reports")
    stages.ingest("2025Q1", full_lebong, progress=False)
    stages.link("2025Q1", full_lebong, reports)
    return full_lebong


def test_full_scale_linkage_meets_the_targets(full_linked):
    a = accuracy_vs_truth(full_linked, "2025Q1").set_index(["level", "method"])
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
