"""Stage 1 on the synthetic Lebong: reconciliation, accuracy against the truth, privacy."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from lebongbisa.folder import PeriodFolder
from lebongbisa.ingest import quality

PERIODS = ("2024Q4", "2025Q1")


def _load(data, period):
    proc = PeriodFolder.of(period, data).processed
    truth = pd.read_parquet(data / "truth" / period / "rows.parquet")
    rec = pd.read_parquet(proc / "rows.parquet")
    clean = pd.read_parquet(proc / "clean.parquet")
    ident = pd.read_parquet(proc / "restricted" / "identity.parquet")
    manifest = json.loads((proc / "manifest.json").read_text())
    return proc, truth, rec, clean, ident, manifest


@pytest.mark.parametrize("period", PERIODS)
def test_every_raw_row_is_accounted_for(small_ingested, period):
    _, truth, rec, clean, ident, manifest = _load(small_ingested, period)
    for s in manifest["sources"]:
        assert s["rows_read"] == s["rows_accepted"] + s["rows_quarantined"], s["file"]
        assert (rec.source_file == s["file"]).sum() == s["rows_read"]
    assert len(rec) == len(clean) == len(ident)
    assert not rec.duplicated(["source_file", "source_row"]).any()
    # every truth row (a data row the generator wrote) is accepted at its row number
    merged = truth.merge(rec, on=["source_file", "source_row"], how="left")
    assert merged.status.eq("accepted").all()
    # the only other rows are quarantined totals
    extra = rec.merge(truth, on=["source_file", "source_row"], how="left", indicator=True)
    extra = extra[extra._merge == "left_only"]
    assert (extra.status == "quarantined").all() and extra.reason.str.startswith("total_row").all()


@pytest.mark.parametrize("period", PERIODS)
def test_excel_damaged_niks_are_detected_and_valid_niks_are_kept(small_ingested, period):
    _, truth, rec, _, ident, _ = _load(small_ingested, period)
    persons = pd.read_parquet(small_ingested / "truth" / period / "persons.parquet")
    t = truth.merge(rec, on=["source_file", "source_row"]).merge(
        ident, on=["source_file", "source_row"]
    )
    damaged = t.defects.str.contains("excel_")
    detected = t.reason.str.contains("nik_excel_")
    assert detected[damaged].mean() > 0.97  # detection rate
    assert not detected[~damaged].any()  # no false alarms
    assert t.nik[damaged].isna().all()  # a damaged NIK is never trusted
    clean_rows = ~t.defects.str.contains("nik_|excel_")
    true_nik = t.person_id.map(persons.set_index("person_id").nik)
    assert (t.nik[clean_rows] == true_nik[clean_rows]).mean() > 0.995  # valid NIKs not rejected
    invalid = t.defects.str.contains("nik_(?:length|day_zero|month_invalid|serial_zero)")
    assert t.nik[invalid].isna().mean() > 0.97  # structurally invalid ones are caught


@pytest.mark.parametrize("period", PERIODS)
def test_villages_are_matched_to_the_truth(small_ingested, period):
    _, truth, _, clean, _, _ = _load(small_ingested, period)
    persons = pd.read_parquet(small_ingested / "truth" / period / "persons.parquet")
    t = truth.merge(clean, on=["source_file", "source_row"])
    programs = t[t.kind.isin(["program", "umkm"])]
    assert programs.village_code.notna().mean() > 0.99
    true_village = programs.person_id.map(persons.set_index("person_id").village_code)
    assert (programs.village_code == true_village).mean() > 0.98


def test_analytic_tables_carry_no_nik_or_names(small_ingested):
    _, _, rec, clean, ident, _ = _load(small_ingested, "2025Q1")
    niks = {n for n in set(ident.nik.dropna()) | set(ident.nik_raw.dropna()) if len(n) >= 10}
    names = {n for n in ident.name_clean.dropna() if len(n) >= 4}
    for table in (rec, clean):
        text = set(table.astype(str).to_numpy().ravel())
        assert not (text & niks)
        assert not (text & names)
    proc = small_ingested / "processed" / "2025Q1" / "restricted"
    assert oct(proc.stat().st_mode & 0o777) == "0o700"
    assert oct((proc / "identity.parquet").stat().st_mode & 0o777) == "0o600"
    assert "UU 27/2022" in (proc / "BACA_SAYA.txt").read_text()  # who may receive, how to handle


def test_pseudonymous_keys_are_stable_across_periods(small_ingested):
    a = pd.read_parquet(PeriodFolder.of("2024Q4", small_ingested).path("clean"))
    b = pd.read_parquet(PeriodFolder.of("2025Q1", small_ingested).path("clean"))
    ia = pd.read_parquet(PeriodFolder.of("2024Q4", small_ingested).path("identity"))
    ib = pd.read_parquet(PeriodFolder.of("2025Q1", small_ingested).path("identity"))
    ka = dict(zip(ia.nik, a.nik_key, strict=True))
    kb = dict(zip(ib.nik, b.nik_key, strict=True))
    common = [n for n in ka if isinstance(n, str) and n in kb]
    assert len(common) > 100 and all(ka[n] == kb[n] for n in common)


def test_scorecard_names_each_dinas_and_what_to_fix(small_ingested):
    _, _, rec, clean, _, manifest = _load(small_ingested, "2024Q4")
    card = quality.scorecard(rec, clean, manifest["programs"])
    assert {"Dinas Sosial", "Dinas Pertanian", "Dinas Sosial (DTKS)"} <= set(card.dinas)
    pertanian = card.set_index("dinas").loc["Dinas Pertanian"]
    assert pertanian.grade == "D" and "Teks" in pertanian.what_to_fix  # Excel-damaged NIKs
    assert card.grade.isin(list("ABCD")).all()
