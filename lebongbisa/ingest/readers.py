"""Read a delivered file into text cells with the row numbers a person sees.

Excel (.xlsx, .xls, .ods via python-calamine) and delimited text (.csv, .txt; delimiter `,` `;`
`|` or tab, UTF-8 or Windows-1252, detected). Title rows above the header are skipped (the
header is the row that looks most like known headers), blank rows are counted and skipped,
total rows (JUMLAH, TOTAL) are marked. Every cell becomes text; a number stored in an Excel cell
is written out digit by digit (never through scientific notation) and remembered as numeric,
because a 16-digit NIK stored as a number has already lost its last digit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lebongbisa.ingest.errors import Problem
from lebongbisa.ingest.headers import header_score

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
DELIMITERS = [",", ";", "|", "\t"]
_TOTAL = re.compile(r"^\s*(JUMLAH|TOTAL|GRAND ?TOTAL|SUB ?TOTAL|JML)\b", re.I)
HEADER_SEARCH_ROWS = 40


class ReadError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


@dataclass
class RawTable:
    """Cells as text below the header: `data` columns are the raw headers."""

    data: pd.DataFrame
    numeric: pd.DataFrame  # True where the spreadsheet stored a number
    source_row: np.ndarray  # 1-based row/line number as seen in a spreadsheet or editor
    is_total: np.ndarray
    header_row: int
    blank_rows: int
    encoding: str = ""
    delimiter: str = ""


def _cell_text(v: object) -> tuple[str, bool]:
    if v is None:
        return "", False
    if isinstance(v, str):
        return v.strip(), False
    if isinstance(v, bool):
        return ("TRUE" if v else "FALSE"), False
    if isinstance(v, float):
        if v != v:  # NaN
            return "", False
        if v.is_integer() and abs(v) < 1e18:
            return str(int(v)), True
        return repr(v), True
    if isinstance(v, int):
        return str(v), True
    if isinstance(v, dt.datetime):
        return v.date().isoformat(), False
    if isinstance(v, dt.date):
        return v.isoformat(), False
    return str(v).strip(), False


def _read_excel_rows(path: Path, sheet: str | int) -> list[list]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several error types for corrupt files
        raise ReadError(
            Problem(
                path.name,
                f"cannot be read as a spreadsheet ({exc})",
                "open it in Excel or LibreOffice and save it again as .xlsx, or export it as CSV",
            )
        ) from exc
    names = wb.sheet_names
    try:
        if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit()):
            ws = wb.get_sheet_by_index(int(sheet))
        else:
            ws = wb.get_sheet_by_name(str(sheet))
    except Exception as exc:
        raise ReadError(
            Problem(
                path.name,
                f"sheet {sheet!r} not found; the file has {names}",
                "set `sheet:` in sources.yml to one of these",
            )
        ) from exc
    return ws.to_python(skip_empty_area=False)


def detect_encoding(raw: bytes) -> tuple[str, str]:
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def detect_delimiter(lines: list[str]) -> str:
    """The delimiter that splits most sample lines into the same, largest number of fields."""
    best, best_score = ",", (0, 0)
    sample = [ln for ln in lines if ln.strip()][:60]
    for d in DELIMITERS:
        counts = [ln.count(d) for ln in sample]
        if not counts:
            continue
        mode, freq = Counter(counts).most_common(1)[0]
        if mode == 0:
            continue
        score = (freq, mode)
        if score > best_score:
            best, best_score = d, score
    return best


def _read_text_rows(path: Path) -> tuple[list[list], list[int], str, str]:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise ReadError(
            Problem(
                path.name,
                "is not a text file (binary content)",
                "check the file type; Excel files must end in .xlsx or .xls",
            )
        )
    text, enc = detect_encoding(raw)
    delim = detect_delimiter(text.splitlines()[:200])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    rows, starts = [], []
    prev = 0
    try:
        for rec in reader:
            rows.append(rec)
            starts.append(prev + 1)
            prev = reader.line_num
    except csv.Error as exc:
        raise ReadError(
            Problem(path.name, f"line {prev + 1}: {exc}", "check quotes on that line")
        ) from exc
    return rows, starts, enc, delim


def read_table(path: Path, sheet: str | int = 0, columns: dict[str, str] | None = None) -> RawTable:
    """Read one delivered file; raise ReadError with a Problem when it cannot be used."""
    columns = columns or {}
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        rows = _read_excel_rows(path, sheet)
        starts = list(range(1, len(rows) + 1))
        enc = delim = ""
    elif suffix in TEXT_SUFFIXES:
        rows, starts, enc, delim = _read_text_rows(path)
    else:
        raise ReadError(
            Problem(
                path.name, f"unsupported file type {suffix!r}", "deliver .xlsx, .xls, .csv or .txt"
            )
        )
    # header: the row among the first ones that names the most known fields
    scores = [header_score(r, columns) for r in rows[:HEADER_SEARCH_ROWS]]
    if not scores or max(scores) == 0:
        raise ReadError(
            Problem(
                path.name,
                f"no header row recognized in the first {HEADER_SEARCH_ROWS} rows",
                "make sure the column names are in one row, or map them with "
                "`columns:` in sources.yml",
            )
        )
    h = int(np.argmax(scores))
    header = [_cell_text(c)[0] for c in rows[h]]
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    names, seen = [], Counter()
    for i, c in enumerate(header[:width]):
        name = c or f"column_{i + 1}"
        seen[name] += 1
        names.append(name if seen[name] == 1 else f"{name}.{seen[name]}")

    cells, numeric, src, blanks = [], [], [], 0
    for r, line in zip(rows[h + 1 :], starts[h + 1 :], strict=True):
        conv = [(v.strip(), False) if isinstance(v, str) else _cell_text(v) for v in r]
        texts = [t for t, _ in conv]
        if not any(texts):
            blanks += 1
            continue
        extra = [t for t in texts[width:] if t]
        texts = texts[:width] + [""] * (width - len(texts))
        nums = [n for _, n in conv[:width]] + [False] * (width - len(conv))
        if extra:  # more cells than headers: keep them visible in the last column
            texts[-1] = ";".join([texts[-1], *extra]).strip(";")
        cells.append(texts)
        numeric.append(nums)
        src.append(line)
    data = (
        pd.DataFrame(cells, columns=names, dtype=object)
        if cells
        else pd.DataFrame(columns=names, dtype=object)
    )
    num = (
        pd.DataFrame(numeric, columns=names, dtype=bool)
        if numeric
        else pd.DataFrame(columns=names, dtype=bool)
    )
    is_total = np.zeros(len(data), dtype=bool)
    if len(data):
        lead = data.replace("", None).bfill(axis=1).iloc[:, 0].fillna("")
        is_total = lead.astype(str).str.match(_TOTAL).to_numpy()
    return RawTable(
        data=data,
        numeric=num,
        source_row=np.asarray(src, dtype=int),
        is_total=is_total,
        header_row=starts[h],
        blank_rows=blanks,
        encoding=enc,
        delimiter=delim,
    )
