"""Restricted by-name outputs (README, "Privacy"): owner-only folder, a handling note in Indonesian,
and Excel workbooks whose ID columns are stored as text so NIKs keep all 16 digits."""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import xlsxwriter

from lebongbisa.io import atomic_write, restricted_dir

README_ID = """DATA TERBATAS — BERISI DATA PRIBADI (UU 27/2022 tentang Pelindungan Data Pribadi)

Folder ini berisi daftar by-name (NIK, nama, alamat) untuk verifikasi dan kunjungan rumah.
- Hanya untuk petugas dinas yang ditugaskan memverifikasi data pada periode ini.
- Jangan diunggah ke grup percakapan, surel pribadi, atau situs publik.
- Simpan di komputer kantor yang terkunci; hapus salinan setelah verifikasi selesai.
- Laporan untuk pimpinan (index.html) tidak pernah menautkan folder ini.
Kolom NIK dan No KK disimpan sebagai teks: jangan ubah formatnya menjadi angka di Excel.
"""

#: Column headers that hold identifiers: always written as text.
ID_HEADERS = ("NIK", "NO KK", "NOMOR KK", "ID", "KODE DESA", "NIK 1", "NIK 2", "NO KK 1", "NO KK 2")


def restricted_folder(path: Path) -> Path:
    """Create `path` readable only by its owner, with the handling note."""
    folder = restricted_dir(Path(path))
    note = folder / "BACA_SAYA.txt"
    if not note.exists():
        atomic_write(note, lambda p: p.write_text(README_ID, encoding="utf-8"), mode=0o600)
    return folder


def sheet_title(name: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name (no / \\ ? * [ ] :, at most 31 characters)."""
    base = re.sub(r"[/\\?*\[\]:]", "-", str(name)).strip("'") or "Sheet"
    title, i = base[:31], 2
    while title in used:
        title = f"{base[:27]} ({i})"
        i += 1
    return title


#: Below this many cells, the workbooks of a batch are written one after another here: a
#: process of its own costs about a second to start.
PARALLEL_CELLS = 200_000
_batch: list[tuple] | None = None  # the workbooks queued by `workbooks_in_parallel`


def write_workbook(
    path: Path,
    sheets: dict[str, pd.DataFrame],
    notes: list[str] | None = None,
    all_text: bool = False,
    choices: dict[str, list[str]] | None = None,
) -> Path:
    """Write sheets to an .xlsx (owner-only); ID columns (every column with `all_text`, for a
    file an office edits and sends back) as text, header bold and frozen; a column named in
    `choices` offers those values as a drop-down on every row. Inside `workbooks_in_parallel`
    the workbook is written when the block ends.

    XlsxWriter in constant-memory mode streams rows to disk: a list of 100,000 rows is written
    in seconds without holding the sheet in memory."""
    job = (Path(path), sheets, notes, all_text, choices)
    if _batch is not None:
        _batch.append(job)
        return Path(path)
    return _write_now(*job)


@contextlib.contextmanager
def workbooks_in_parallel(processes: int = 2, min_cells: int = PARALLEL_CELLS):
    """Queue the workbooks written in the block and write them when it ends: by `processes`
    processes when they hold `min_cells` cells or more. XlsxWriter is pure Python (some 10 µs
    a cell) and a kabupaten's lists hold close to a million cells. If the block raises, none
    is written."""
    global _batch
    outer, _batch = _batch, []
    try:
        yield
        jobs = _batch
    finally:
        _batch = outer
    sized = sorted(  # largest first, each to the least loaded process: even loads
        ((sum(df.size for df in job[1].values()), job) for job in jobs),
        key=lambda pair: pair[0],
        reverse=True,
    )
    workers = min(processes, os.cpu_count() or 1, len(jobs))
    if workers < 2 or sum(n for n, _ in sized) < min_cells:
        for job in jobs:
            _write_now(*job)
        return
    groups: list[list[tuple]] = [[] for _ in range(workers)]
    load = [0] * workers
    for n, job in sized:
        i = load.index(min(load))
        groups[i].append(job)
        load[i] += n
    _write_in_processes(groups)


def _write_in_processes(groups: list[list[tuple]]) -> None:
    """Each group of workbooks written by a Python process of its own, the frames sent
    through its standard input (never to disk). A process started this way, unlike one of
    multiprocessing's, never runs the caller's script again."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in groups
    ]
    for proc, group in zip(procs, groups, strict=True):
        with contextlib.suppress(BrokenPipeError), proc.stdin:  # a worker that died says why
            proc.stdin.write(pickle.dumps(group, protocol=pickle.HIGHEST_PROTOCOL))
    failed = [p.stderr.read().decode(errors="replace") for p in procs if p.wait() != 0]
    for proc in procs:
        proc.stderr.close()
    if failed:
        raise RuntimeError(f"writing the by-name workbooks failed:\n{failed[0][-2000:]}")


def _write_now(
    path: Path,
    sheets: dict[str, pd.DataFrame],
    notes: list[str] | None,
    all_text: bool,
    choices: dict[str, list[str]] | None,
) -> Path:
    def write(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
        header = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})
        text = wb.add_format({"num_format": "@"})
        if notes:
            ws = wb.add_worksheet("PETUNJUK")
            ws.set_column(0, 0, 120)
            for i, line in enumerate(notes):
                ws.write_string(i, 0, line)
        used: set[str] = set()
        for name, df in sheets.items():
            title = sheet_title(name, used)
            used.add(title)
            ws = wb.add_worksheet(title)
            ws.freeze_panes(1, 0)
            text_cols = [
                j
                for j, c in enumerate(df.columns)
                if all_text or any(str(c).upper().startswith(h) for h in ID_HEADERS)
            ]
            for j, c in enumerate(df.columns):
                width = max([len(str(c))] + [len(str(v)) for v in df[c].head(200)])
                ws.set_column(j, j, min(max(width + 2, 8), 45), text if j in text_cols else None)
            ws.write_row(0, 0, [str(c) for c in df.columns], header)
            for i, row in enumerate(_cells(df, text_cols), start=1):
                for j, v in enumerate(row):
                    if v is None:
                        continue
                    if j in text_cols or isinstance(v, str):
                        ws.write_string(i, j, str(v), text if j in text_cols else None)
                    else:
                        ws.write(i, j, v)
            for j, c in enumerate(df.columns):
                if choices and c in choices and len(df):
                    ws.data_validation(1, j, len(df), j, {"validate": "list", "source": choices[c]})
        wb.close()

    atomic_write(path, write, mode=0o600)
    os.chmod(path, 0o600)
    return path


def _cells(df: pd.DataFrame, text_cols: list[int]) -> list[tuple]:
    """Rows of plain Python values; missing values as None, ID columns as text."""
    out = df.astype(object).where(df.notna(), None)
    for j in text_cols:
        col = out.iloc[:, j]
        out.iloc[:, j] = col.map(lambda v: None if v is None else str(v))
    return list(out.itertuples(index=False, name=None))


if __name__ == "__main__":  # a worker of `workbooks_in_parallel`: its jobs come on stdin
    for queued in pickle.load(sys.stdin.buffer):
        _write_now(*queued)
