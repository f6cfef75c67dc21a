"""By-name workbooks (restricted.py): a batch written by two processes gives the same files as
one written here, nothing is written before the batch ends, and nothing when it fails."""

from __future__ import annotations

import stat

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from lebongbisa.restricted import workbooks_in_parallel, write_workbook


def _sheets(n: int) -> dict[str, pd.DataFrame]:
    return {
        "Dinas Sosial": pd.DataFrame(
            {
                "NIK": [f"17070112{i:08d}" for i in range(n)],
                "NAMA": [f"WARGA {i}" for i in range(n)],
                "JUMLAH": [float(i) * 1.5 for i in range(n)],
                "CATATAN": [None if i % 3 else "cek" for i in range(n)],
            }
        ),
        "DESA": pd.DataFrame({"KODE DESA": ["1707012002", "1707012003"], "DESA": ["A", "B"]}),
    }


def _cells(path) -> dict[str, list[list]]:
    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def test_workbooks_written_by_two_processes_equal_those_written_one_by_one(tmp_path):
    jobs = {f"daftar_{k}.xlsx": _sheets(n) for k, n in [("a", 40), ("b", 7), ("c", 0)]}
    for name, sheets in jobs.items():
        write_workbook(tmp_path / "here" / name, sheets, ["Periode 2025Q1."], choices=None)
    with workbooks_in_parallel(processes=2, min_cells=0):
        for name, sheets in jobs.items():
            write_workbook(tmp_path / "pool" / name, sheets, ["Periode 2025Q1."], choices=None)
        assert not (tmp_path / "pool").exists()  # queued until the block ends
    for name in jobs:
        here, pool = tmp_path / "here" / name, tmp_path / "pool" / name
        assert _cells(pool) == _cells(here)
        assert stat.S_IMODE(pool.stat().st_mode) == 0o600
    nik = _cells(tmp_path / "pool" / "daftar_a.xlsx")["Dinas Sosial"]
    assert nik[40][0] == "1707011200000039"  # 16 digits, as text


def test_a_batch_that_fails_writes_none_of_its_workbooks(tmp_path):
    with pytest.raises(RuntimeError), workbooks_in_parallel(min_cells=0):
        write_workbook(tmp_path / "daftar_a.xlsx", _sheets(3))
        raise RuntimeError("stage failed")
    assert not list(tmp_path.iterdir())
    write_workbook(tmp_path / "daftar_a.xlsx", _sheets(3))  # outside a batch: written at once
    assert (tmp_path / "daftar_a.xlsx").exists()
