"""The stage cache fingerprints everything a stage reads: the previous quarter's outputs it
compares with, and the restricted identity table its worklists use."""

from __future__ import annotations

import shutil

import pandas as pd

from lebongbisa import stages
from lebongbisa.folder import PeriodFolder


def test_a_changed_earlier_quarter_or_identity_table_makes_targeting_recompute(
    small_targeted, tmp_path
):
    data, reports = tmp_path / "data", tmp_path / "reports"
    for part in ("raw", "processed"):  # a copy keeps the stage cache: same contents and times
        shutil.copytree(small_targeted[0] / part, data / part)
    shutil.copytree(small_targeted[1], reports)
    for period in ("2024Q4", "2025Q1"):
        stages.ensure(period, "03_targeting", data, reports, progress=False)
    assert not stages.targeting("2025Q1", data, reports)  # fresh: nothing changed

    earlier = PeriodFolder.of("2024Q4", data).path("targeting_indicators")
    part = pd.read_csv(earlier, dtype={"scope_code": str})
    part.loc[part.indicator == "households", "value"] += 1  # 2024Q4 reprocessed differently
    part.to_csv(earlier, index=False)
    assert stages.targeting("2025Q1", data, reports)  # its change rows are stale
    assert not stages.targeting("2025Q1", data, reports)

    ident = PeriodFolder.of("2025Q1", data).path("identity")
    table = pd.read_parquet(ident)
    table.iloc[:0].pipe(lambda t: pd.concat([table, t])).to_parquet(ident, index=True)
    assert stages.targeting("2025Q1", data, reports)


def test_a_default_option_given_or_left_out_fingerprints_a_stage_the_same(small_ingested, tmp_path):
    """The runner passes every option, a notebook only its own: a stage must not recompute
    because one caller spelled out a default the other left out."""
    data = tmp_path / "data"
    shutil.copytree(small_ingested / "raw" / "2025Q1", data / "raw" / "2025Q1")
    reports = tmp_path / "reports"
    stages.ensure("2025Q1", "02_link", data, reports, allow_partial=False, retrain=False)
    assert not stages.ingest("2025Q1", data, reports)
    assert not stages.link("2025Q1", data, reports)
    assert not stages.ingest("2025Q1", data, reports, allow_partial=False, progress=False)
    assert stages.ingest("2025Q1", data, reports, allow_partial=True)  # not the default
