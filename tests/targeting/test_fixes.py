"""Data fixed at its source: each dinas's rows to fix, in its own file's row numbers and column
names, and a raw file fixed as the workbook says passes the next ingest."""

from __future__ import annotations

import csv
import io
import shutil

import pandas as pd

from lebongbisa import stages
from lebongbisa.flags import REASON_LABELS
from lebongbisa.folder import PeriodFolder
from lebongbisa.ingest.headers import map_headers
from lebongbisa.ingest.readers import detect_encoding
from lebongbisa.ingest.stage import load_manifest
from lebongbisa.targeting import fixes

PERIOD, FILE = "2025Q1", "BPNT_SEMBAKO_2025_Q1.csv"


def test_a_dinas_gets_its_own_rows_with_the_problem_and_the_fix():
    manifest = {
        "programs": [{"code": "P", "agency": "Dinas Sosial"}],
        "sources": [
            {"file": "p.csv", "kind": "program", "program": "P"},
            {"file": "u.csv", "kind": "umkm"},
            {"file": "dtsen.csv", "kind": "dtsen"},
        ],
    }
    owner = fixes.owners(manifest)
    assert owner == {"p.csv": "Dinas Sosial", "u.csv": "Dinas Perindagkop dan UKM (UMKM)"}
    rows = pd.DataFrame(
        {
            "source_file": ["p.csv", "p.csv", "p.csv", "dtsen.csv", "u.csv"],
            "source_row": [2, 3, 4, 2, 7],
            "reason": [
                "nik_excel_truncated;village_unmatched;nik_excel_scientific;nik_excel_truncated",
                "",
                "kk_invalid",  # not the office's to fix in this file
                "nik_length",  # a national registry: fixed where it is kept
                "duplicate_row",
            ],
        }
    )
    fix = fixes.rows_to_fix(rows, owner).set_index(["source_file", "source_row"])
    assert set(fix.index) == {("p.csv", 2), ("u.csv", 7)}
    assert "rusak oleh Excel" in fix.MASALAH[("p.csv", 2)]
    assert "Format Cells > Text" in fix.PERBAIKAN[("p.csv", 2)]
    assert "lembar DESA" in fix.PERBAIKAN[("p.csv", 2)]
    # each problem once, in the order found; one fix for the two Excel problems
    labels = [REASON_LABELS[f] for f in ("nik_excel_truncated", "village_unmatched")]
    labels.append(REASON_LABELS["nik_excel_scientific"])
    assert fix.MASALAH[("p.csv", 2)] == "; ".join(labels)
    excel, desa = fixes.FIXES["nik_excel_truncated"], fixes.FIXES["village_unmatched"]
    assert fix.PERBAIKAN[("p.csv", 2)] == f"{excel}; {desa}"
    assert fix.MASALAH[("u.csv", 7)] == REASON_LABELS["duplicate_row"]
    assert fix.dinas[("u.csv", 7)] == "Dinas Perindagkop dan UKM (UMKM)"


def _fix_csv(path, to_fix: pd.DataFrame, truth: pd.DataFrame) -> int:
    """Apply the workbook's fixes to a delivered CSV the way an officer would: NIK, birth date
    and desa retyped from the KTP/KK (the synthetic truth). Returns the rows changed."""
    text, encoding = detect_encoding(path.read_bytes())
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if "NIK" in line.upper())
    delim = ";" if lines[header].count(";") > lines[header].count(",") else ","
    names = next(csv.reader([lines[header]], delimiter=delim))
    field = {v: names.index(k) for k, v in map_headers(names, {}).items()}
    changed = 0
    for r in to_fix.itertuples():
        true = truth.loc[r.source_row]
        cells = next(csv.reader([lines[r.source_row - 1]], delimiter=delim))
        cells[field["nik"]] = true.nik
        cells[field["birth_date"]] = pd.Timestamp(true.birth_date).strftime("%d-%m-%Y")
        cells[field["village"]] = true.village_name
        out = io.StringIO()
        csv.writer(out, delimiter=delim, lineterminator="").writerow(cells)
        lines[r.source_row - 1] = out.getvalue()
        changed += 1
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return changed


def test_rows_fixed_as_the_workbook_says_pass_the_next_ingest(small_ingested, tmp_path):
    before = PeriodFolder.of(PERIOD, small_ingested)
    rows = pd.read_parquet(before.path("rows"))
    owner = fixes.owners(load_manifest(before))
    to_fix = fixes.rows_to_fix(rows, owner)
    to_fix = to_fix[(to_fix.source_file == FILE) & ~to_fix.MASALAH.str.contains("ganda")]
    assert len(to_fix) >= 20 and to_fix.MASALAH.str.contains("Excel").any()
    # the officer's copy: the same delivery, this file fixed from the KTP/KK
    data = tmp_path / "data"
    shutil.copytree(before.raw, data / "raw" / PERIOD)
    truth_rows = pd.read_parquet(small_ingested / "truth" / PERIOD / "rows.parquet")
    persons = pd.read_parquet(small_ingested / "truth" / PERIOD / "persons.parquet")
    villages = pd.read_parquet(small_ingested / "truth" / PERIOD / "villages.parquet")
    truth = (
        truth_rows[truth_rows.source_file == FILE]
        .merge(persons[["person_id", "nik", "birth_date", "village_code"]], on="person_id")
        .merge(villages[["village_code", "village_name"]], on="village_code")
        .set_index("source_row")
    )
    assert _fix_csv(data / "raw" / PERIOD / FILE, to_fix, truth) == len(to_fix)
    stages.ingest(PERIOD, data, progress=False)
    after = pd.read_parquet(PeriodFolder.of(PERIOD, data).path("rows"))
    again = fixes.rows_to_fix(after, owner)
    again = again[(again.source_file == FILE) & again.source_row.isin(to_fix.source_row)]
    # what remains is only a person listed twice (fixing the NIK can reveal it): no NIK,
    # birth date or desa problem is left on the fixed rows
    assert again.MASALAH.str.contains("ganda").all(), again.MASALAH.value_counts()
    assert (after.source_file == FILE).sum() == (rows.source_file == FILE).sum()
