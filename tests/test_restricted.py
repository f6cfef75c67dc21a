"""By-name workbooks (restricted.py): a batch written by two processes gives the same files as
one written here, no workbook appears before the batch ends, and none when it fails."""

from __future__ import annotations

import stat
import subprocess
import sys
import time

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
        assert not list((tmp_path / "pool").glob("daftar_*"))  # it appears when the block ends
    for name in jobs:
        here, pool = tmp_path / "here" / name, tmp_path / "pool" / name
        assert _cells(pool) == _cells(here)
        assert stat.S_IMODE(pool.stat().st_mode) == 0o600
    nik = _cells(tmp_path / "pool" / "daftar_a.xlsx")["Dinas Sosial"]
    assert nik[40][0] == "1707011200000039"  # 16 digits, as text


def _staged(folder, timeout: float = 60.0) -> list:
    """The workbooks a batch's workers have finished, under their staged names."""
    deadline = time.monotonic() + timeout
    while not (done := list(folder.glob(".*.batch.tmp"))) and time.monotonic() < deadline:
        time.sleep(0.05)
    return done


def test_a_batch_writes_its_workbooks_while_the_block_goes_on(tmp_path):
    with workbooks_in_parallel(processes=2, min_cells=0):
        write_workbook(tmp_path / "daftar_a.xlsx", _sheets(3))
        assert _staged(tmp_path), "nothing was written while the block ran"
        assert not (tmp_path / "daftar_a.xlsx").exists()
    assert _cells(tmp_path / "daftar_a.xlsx")["Dinas Sosial"][3][0] == "1707011200000002"
    assert [p.name for p in tmp_path.iterdir()] == ["daftar_a.xlsx"]


def test_a_batch_that_fails_writes_none_of_its_workbooks(tmp_path):
    with pytest.raises(RuntimeError), workbooks_in_parallel(min_cells=0):
        write_workbook(tmp_path / "daftar_a.xlsx", _sheets(3))
        assert _staged(tmp_path)  # one finished before the failure is removed too
        raise RuntimeError("stage failed")
    assert not list(tmp_path.iterdir())
    write_workbook(tmp_path / "daftar_a.xlsx", _sheets(3))  # outside a batch: written at once
    assert (tmp_path / "daftar_a.xlsx").exists()


def test_a_script_without_a_main_guard_is_not_run_again_by_the_workers(tmp_path):
    """An analyst's script that writes workbooks in parallel runs once: the workers do not
    import the caller's __main__ (multiprocessing's spawn and forkserver would run it again)."""
    script = tmp_path / "analyst.py"
    script.write_text(
        "from pathlib import Path\n"
        "import pandas as pd\n"
        "from lebongbisa.restricted import workbooks_in_parallel, write_workbook\n"
        "with open('runs.txt', 'a') as f:\n"
        "    f.write('run\\n')\n"
        "with workbooks_in_parallel(processes=2, min_cells=0):\n"
        "    for i in range(2):\n"
        "        write_workbook(Path(f'daftar_{i}.xlsx'), {'A': pd.DataFrame({'NIK': ['1']})})\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "runs.txt").read_text() == "run\n"
    assert (tmp_path / "daftar_0.xlsx").exists() and (tmp_path / "daftar_1.xlsx").exists()


def test_the_workers_write_with_this_package_whatever_the_working_folder_holds(
    tmp_path, monkeypatch
):
    """A worker imports the package its batch came from, not a `lebongbisa` folder in the
    working folder (an older checkout, a colleague's copy)."""
    other = tmp_path / "lebongbisa"
    other.mkdir()
    (other / "__init__.py").write_text("")
    (other / "restricted.py").write_text("raise SystemExit('the wrong package was imported')\n")
    monkeypatch.chdir(tmp_path)
    with workbooks_in_parallel(processes=2, min_cells=0):
        write_workbook(tmp_path / "out" / "daftar_a.xlsx", _sheets(3))
    assert _cells(tmp_path / "out" / "daftar_a.xlsx")["Dinas Sosial"][1][0] == "1707011200000000"
