"""The synthetic Lebong writes the input contract, with one truth row per raw row."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from lebongbisa.synth import Generation, expand_periods, generate

KINDS = {"dtks", "p3ke", "dtsen", "program", "umkm"}


def _data_rows(path: Path, first_row: int) -> set[int]:
    """1-based spreadsheet rows holding data (below the header, above a JUMLAH total)."""
    if path.suffix == ".xlsx":
        ws = load_workbook(path, read_only=True).active
        rows = set()
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if i < first_row or all(v is None for v in row):
                continue
            if any(isinstance(v, str) and v.strip().upper() == "JUMLAH" for v in row):
                continue
            rows.add(i)
        return rows
    enc = "cp1252" if "BPNT" in path.name else "utf-8"
    n = len(path.read_text(encoding=enc).splitlines())
    return set(range(2, n + 1))


def test_periods_expand_over_year_boundaries():
    assert expand_periods("2024Q3:2025Q2") == ["2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    assert expand_periods("2024Q1") == ["2024Q1"]
    with pytest.raises(ValueError, match="ends before"):
        expand_periods("2025Q1:2024Q1")


def test_every_raw_row_has_exactly_one_truth_row(small_lebong):
    for period in ("2024Q4", "2025Q1"):
        truth = pd.read_parquet(small_lebong / "truth" / period / "rows.parquet")
        assert not truth.duplicated(["source_file", "source_row"]).any()
        spec = yaml.safe_load((small_lebong / "raw" / period / "sources.yml").read_text())
        for src in spec["sources"]:
            t = truth[truth.source_file == src["file"]]
            assert len(t) > 0, src["file"]
            rows = _data_rows(small_lebong / "raw" / period / src["file"], t.source_row.min())
            assert rows == set(t.source_row), src["file"]


def test_sources_yml_follows_the_input_contract(small_lebong):
    for period, registries in (("2024Q4", {"dtks", "p3ke"}), ("2025Q1", {"dtsen"})):
        spec = yaml.safe_load((small_lebong / "raw" / period / "sources.yml").read_text())
        assert spec["period"] == period
        kinds = {s["kind"] for s in spec["sources"]}
        assert kinds <= KINDS and registries <= kinds and "umkm" in kinds
        assert not ({"dtks", "p3ke", "dtsen"} - registries) & kinds, "one registry regime per year"
        for s in spec["sources"]:
            assert (small_lebong / "raw" / period / s["file"]).stat().st_size > 0
            assert (s["kind"] == "program") == ("program" in s)


def test_same_seed_gives_identical_files(tmp_path):
    def digest(root: Path) -> dict[str, str]:
        out = {}
        for f in sorted((root / "raw").rglob("*")):
            if f.is_file() and f.suffix != ".xlsx":  # xlsx zip headers carry a timestamp
                out[str(f.relative_to(root))] = hashlib.sha256(f.read_bytes()).hexdigest()
            elif f.is_file():
                ws = load_workbook(f, read_only=True).active
                cells = repr(list(ws.iter_rows(values_only=True))).encode()
                out[str(f.relative_to(root))] = hashlib.sha256(cells).hexdigest()
        return out

    generate("2024Q4:2025Q1", seed=11, out=tmp_path / "a" / "raw", persons=1500, progress=False)
    # in a process of its own, as `lebongbisa report` generates: the same files, each quarter
    # complete when `ready` returns
    with Generation("2024Q4:2025Q1", seed=11, out=tmp_path / "b" / "raw", persons=1500) as g:
        g.ready("2024Q4")
        assert (tmp_path / "b" / "truth" / "2024Q4" / "rows.parquet").exists()
        g.ready("2025Q1")
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    generate("2024Q4", seed=12, out=tmp_path / "c" / "raw", persons=1500, progress=False)
    a, c = digest(tmp_path / "a"), digest(tmp_path / "c")
    assert a["raw/2024Q4/sources.yml"] == c["raw/2024Q4/sources.yml"]
    assert a["raw/2024Q4/PBI_JK_LEBONG_2024Q4.csv"] != c["raw/2024Q4/PBI_JK_LEBONG_2024Q4.csv"]


def test_a_generation_that_fails_in_its_process_says_why_when_a_quarter_is_awaited(tmp_path):
    taken = tmp_path / "raw"
    taken.write_text("a file where the folder should be")
    failed = pytest.raises(RuntimeError, match="generating the synthetic Lebong failed: .*raw")
    with failed, Generation("2024Q4", seed=11, out=taken, persons=300) as g:
        g.ready("2024Q4")


def test_true_niks_are_unique_and_well_formed(small_lebong):
    p = pd.read_parquet(small_lebong / "truth" / "2025Q1" / "persons.parquet")
    assert p.nik.is_unique
    assert p.nik.str.fullmatch(r"\d{16}").all()
    day = p.nik.str[6:8].astype(int)
    assert ((day > 40) == (p.sex == "P")).all()
    assert (p.nik.str[8:10].astype(int) == p.birth_date.dt.month).all()


def test_excel_damaged_files_hold_numbers_not_text(small_lebong):
    ws = load_workbook(
        small_lebong / "raw" / "2024Q4" / "BLT_DANA_DESA_2024_TW4.xlsx", read_only=True
    ).active
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "NO")
    niks = [r[1] for r in rows[header + 1 :] if r[0] != "JUMLAH" and r[1] is not None]
    numeric = [v for v in niks if isinstance(v, int)]
    assert len(numeric) > 0.9 * len(niks)
    assert all(v % 10 == 0 for v in numeric)  # Excel kept 15 significant digits
