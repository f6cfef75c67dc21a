"""Restricted by-name outputs (README, "Privacy"): owner-only folder, a handling note in Indonesian,
and Excel workbooks whose ID columns are stored as text so NIKs keep all 16 digits."""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import re
import subprocess
import sys
import threading
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
_batch: _Batch | None = None  # the batch of the innermost `workbooks_in_parallel` block


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
    the workbook appears when the block ends.

    XlsxWriter in constant-memory mode streams rows to disk: a list of 100,000 rows is written
    in seconds without holding the sheet in memory."""
    job = (Path(path), sheets, notes, all_text, choices)
    if _batch is not None:
        _batch.add(job)
        return Path(path)
    return _write_now(*job)


@contextlib.contextmanager
def workbooks_in_parallel(processes: int = 2, min_cells: int = PARALLEL_CELLS):
    """Write the workbooks of the block by `processes` worker processes while the block goes
    on, once they hold `min_cells` cells (fewer are written here when the block ends).
    XlsxWriter is pure Python (some 4 µs a cell) and a kabupaten's lists hold close to a
    million cells, so a stage that computes after queueing its workbooks gets them nearly
    free. Each workbook appears under its name only when the block ends; if the block raises,
    the workers are stopped and none appears."""
    global _batch
    batch = _Batch(processes, min_cells)
    outer, _batch = _batch, batch
    try:
        yield
    except BaseException:
        batch.abandon()
        raise
    finally:
        _batch = outer
    batch.finish()


class _Batch:
    """The workbooks of one `workbooks_in_parallel` block: held here until they reach the
    size worth the processes, then streamed to them."""

    def __init__(self, processes: int, min_cells: int) -> None:
        self.processes = min(processes, os.cpu_count() or 1)
        self.min_cells = min_cells
        self.held: list[tuple] = []
        self.cells = 0
        self.writers: _Writers | None = None

    def add(self, job: tuple) -> None:
        if self.writers is not None:
            self.writers.submit(job)
            return
        self.held.append(job)
        self.cells += _size(job)
        if self.processes >= 2 and self.cells >= self.min_cells:
            self.writers = _Writers(self.processes)
            for held in self.held:
                self.writers.submit(held)
            self.held = []

    def finish(self) -> None:
        if self.writers is not None:
            self.writers.finish()
        for job in self.held:
            _write_now(*job)

    def abandon(self) -> None:
        if self.writers is not None:
            self.writers.abandon()


def _size(job: tuple) -> int:
    return sum(df.size for df in job[1].values())


class _Writers:
    """Python processes of their own that write workbooks as they are submitted, the frames
    sent through their standard input (never to disk) by a thread each, so the caller never
    waits on a pipe. Each workbook is written under a staged name (a `.tmp` a later run
    removes) and renamed into place by `finish`. A process started this way, unlike one of
    multiprocessing's, never runs the caller's script again."""

    def __init__(self, processes: int) -> None:
        # this very package, whatever the working folder holds (-P: not the folder first)
        here = str(Path(__file__).resolve().parents[1])
        path = os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))
        self.procs = [
            subprocess.Popen(
                [sys.executable, "-P", "-m", __name__],
                stdin=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={**os.environ, "PYTHONPATH": path},
            )
            for _ in range(processes)
        ]
        self.queues: list[queue.SimpleQueue] = [queue.SimpleQueue() for _ in self.procs]
        self.errors = [b""] * processes
        self.load = [0] * processes
        self.staged: list[tuple[Path, Path]] = []
        self.threads = [
            threading.Thread(target=self._feed, args=(i,), daemon=True) for i in range(processes)
        ]
        for thread in self.threads:
            thread.start()

    def submit(self, job: tuple) -> None:
        """To the least loaded process (in cells); pickled now, so later changes to the
        frames do not reach the file."""
        path = job[0]
        staged = path.with_name(f".{path.name}.batch.tmp")
        self.staged.append((staged, path))
        i = self.load.index(min(self.load))
        self.load[i] += _size(job)
        self.queues[i].put(pickle.dumps((staged, *job[1:]), protocol=pickle.HIGHEST_PROTOCOL))

    def _feed(self, i: int) -> None:
        proc = self.procs[i]
        with contextlib.suppress(BrokenPipeError), proc.stdin:  # a worker that died says why
            while (data := self.queues[i].get()) is not None:
                proc.stdin.write(data)
                proc.stdin.flush()
        self.errors[i] = proc.stderr.read()
        proc.stderr.close()

    def _stop(self) -> list[str]:
        for q in self.queues:
            q.put(None)
        for thread in self.threads:
            thread.join()
        return [
            self.errors[i].decode(errors="replace")
            for i, proc in enumerate(self.procs)
            if proc.wait() != 0
        ]

    def finish(self) -> None:
        failed = self._stop()
        if failed:
            self._remove_staged()
            raise RuntimeError(f"writing the by-name workbooks failed:\n{failed[0][-2000:]}")
        for staged, path in self.staged:
            os.replace(staged, path)

    def abandon(self) -> None:
        for proc in self.procs:
            proc.kill()
        self._stop()
        self._remove_staged()

    def _remove_staged(self) -> None:
        for staged, _ in self.staged:
            staged.unlink(missing_ok=True)
            for partial in staged.parent.glob(f".{staged.name}.*.tmp"):  # killed mid-write
                partial.unlink(missing_ok=True)


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
    while True:
        try:
            queued = pickle.load(sys.stdin.buffer)
        except EOFError:
            break
        _write_now(*queued)
