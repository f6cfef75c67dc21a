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
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lebongbisa.errors import Problem
from lebongbisa.ingest.headers import header_score

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
DELIMITERS = [",", ";", "|", "\t"]
_TOTAL = re.compile(r"^\s*(JUMLAH|TOTAL|GRAND ?TOTAL|SUB ?TOTAL|JML)\b", re.I)
HEADER_SEARCH_ROWS = 40
CHUNK_ROWS = 100_000


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


def _read_excel_rows(path: Path, sheet: str | int) -> Iterator[list]:
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
    return ws.iter_rows()


def detect_encoding(raw: bytes) -> tuple[str, str]:
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def detect_delimiter(lines: list[str]) -> str:
    """The delimiter that splits most sample lines into the same, largest number of fields
    (lines without it, such as titles or one-cell rows, do not vote)."""
    best, best_score = ",", (0, 0)
    sample = [ln for ln in lines if ln.strip()][:60]
    for d in DELIMITERS:
        counts = [n for n in (ln.count(d) for ln in sample) if n]
        if not counts:
            continue
        mode, freq = Counter(counts).most_common(1)[0]
        score = (freq, mode)
        if score > best_score:
            best, best_score = d, score
    return best


def _read_text_rows(path: Path) -> tuple[Iterator[list], np.ndarray | None, str, str]:
    """Rows of a delimited file and the line each starts on (None: row i is on line i + 1,
    which holds whenever no quoted field spans lines; the rows are then streamed)."""
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
    del raw
    delim = detect_delimiter(text[:200_000].splitlines()[:200])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        if '"' not in text:
            return reader, None, enc, delim
        rows, starts, prev = [], [], 0
        for rec in reader:  # quoted fields may span lines: record where each row starts
            rows.append(rec)
            starts.append(prev + 1)
            prev = reader.line_num
    except csv.Error as exc:
        line = reader.line_num
        raise ReadError(
            Problem(path.name, f"line {line}: {exc}", "check quotes on that line")
        ) from exc
    return iter(rows), np.asarray(starts), enc, delim


def read_table(path: Path, sheet: str | int = 0, columns: dict[str, str] | None = None) -> RawTable:
    """Read one delivered file; raise ReadError with a Problem when it cannot be used.

    Cells are converted to text column by column, in blocks of CHUNK_ROWS rows, so a list of
    half a million rows is read with bounded memory and no Python work per cell."""
    columns = columns or {}
    suffix = path.suffix.lower()
    is_text = suffix in TEXT_SUFFIXES
    starts = None
    if suffix in EXCEL_SUFFIXES:
        rows = _read_excel_rows(path, sheet)
        enc = delim = ""
    elif is_text:
        rows, starts, enc, delim = _read_text_rows(path)
    else:
        raise ReadError(
            Problem(
                path.name, f"unsupported file type {suffix!r}", "deliver .xlsx, .xls, .csv or .txt"
            )
        )
    try:
        head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    except Exception as exc:  # calamine raises several error types for corrupt sheets
        raise _unreadable(path, exc) from exc
    # header: the row among the first ones that names the most known fields
    scores = [header_score(r, columns) for r in head]
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
    header = [_cell_text(c)[0] for c in head[h]]
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    names, seen = [], Counter()
    for i, c in enumerate(header[:width]):
        name = c or f"column_{i + 1}"
        seen[name] += 1
        names.append(name if seen[name] == 1 else f"{name}.{seen[name]}")

    blocks, first = [], h + 1  # 0-based position of the block's first row in the file
    body = itertools.chain(head[h + 1 :], rows)
    while True:
        try:
            chunk = list(itertools.islice(body, CHUNK_ROWS))
        except Exception as exc:
            raise _unreadable(path, exc) from exc
        if not chunk:
            break
        blocks.append(_convert_block(chunk, width, first, all_text=is_text))
        first += len(chunk)
    data = [b[0] for b in blocks]
    data = pd.concat(data, ignore_index=True) if data else pd.DataFrame(columns=range(width))
    numeric = pd.concat([b[1] for b in blocks], ignore_index=True) if blocks else data.copy()
    position = np.concatenate([b[2] for b in blocks]) if blocks else np.array([], dtype=int)
    blanks = sum(b[3] for b in blocks)
    data.columns = numeric.columns = names
    data = data.astype("str")  # Arrow-backed text: a fraction of the memory of objects
    numeric = numeric.astype(bool)
    source_row = position + 1 if starts is None else starts[position]
    return RawTable(
        data=data,
        numeric=numeric,
        source_row=np.asarray(source_row, dtype=int),
        is_total=_total_rows(data),
        header_row=int(h + 1 if starts is None else starts[h]),
        blank_rows=blanks,
        encoding=enc,
        delimiter=delim,
    )


def _total_rows(data: pd.DataFrame) -> np.ndarray:
    """Rows whose first filled cell starts with JUMLAH, TOTAL and the like."""
    if not len(data.columns):
        return np.zeros(len(data), dtype=bool)
    lead = data.iloc[:, 0].fillna("")
    for c in range(1, len(data.columns)):  # first filled cell: few rows leave column 1 empty
        empty = lead == ""
        if not empty.any():
            break
        lead = lead.where(~empty, data.iloc[:, c].fillna(""))
    return lead.str.match(_TOTAL).to_numpy(dtype=bool)


def _unreadable(path: Path, exc: Exception) -> ReadError:
    if isinstance(exc, csv.Error):
        return ReadError(Problem(path.name, str(exc), "check the quotes in the file"))
    return ReadError(
        Problem(
            path.name,
            f"cannot be read as a spreadsheet ({exc})",
            "open it in Excel or LibreOffice and save it again as .xlsx, or export it as CSV",
        )
    )


def _convert_block(
    chunk: list[list], width: int, first: int, all_text: bool
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, int]:
    """Text cells, numeric flags and 0-based file positions of the non-blank rows of a block;
    cells beyond the header's width are kept, joined with `;`, in the last column."""
    if all_text:  # delimited text: Arrow strings, stripped in C++
        raw = pd.DataFrame(chunk, dtype="str")
        text = raw.apply(lambda c: c.str.strip().fillna(""))
        numeric = pd.DataFrame(False, index=raw.index, columns=raw.columns)
    else:
        raw = pd.DataFrame(chunk, dtype=object)
        pairs = {j: _column_text(raw[j]) for j in raw.columns}
        text = pd.DataFrame({j: t for j, (t, _) in pairs.items()})
        numeric = pd.DataFrame({j: n for j, (_, n) in pairs.items()})
    for j in range(text.shape[1], max(width, 1)):
        text[j], numeric[j] = "", False
    filled = text != ""
    keep = filled.any(axis=1).to_numpy()
    width = max(width, 1)
    if text.shape[1] > width:
        extra = filled.iloc[:, width:].any(axis=1)
        if extra.any():  # more cells than headers: keep them visible in the last column
            joined = (
                text.loc[extra]
                .iloc[:, width - 1 :]
                .apply(lambda r: ";".join(v for v in r if v), axis=1)
            )
            text.loc[extra, text.columns[width - 1]] = joined
    text, numeric = text.iloc[keep, :width], numeric.iloc[keep, :width]
    position = first + np.flatnonzero(keep)
    return text.reset_index(drop=True), numeric.reset_index(drop=True), position, int((~keep).sum())


def _column_text(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A column of spreadsheet or CSV values as stripped text, and where a number was stored.

    Whole numbers are written digit by digit (never 1.70701E+15); other values by type."""
    kind = col.map(type)
    out = pd.Series("", index=col.index, dtype=object)
    is_str = (kind == str).to_numpy()  # noqa: E721 (exact types, not subclasses)
    if is_str.all():
        return col.str.strip(), pd.Series(False, index=col.index)
    out[is_str] = col[is_str].str.strip()
    is_float = (kind == float).to_numpy()  # noqa: E721
    is_int = kind.isin([int, np.int64]).to_numpy()
    numeric = is_int.copy()
    if is_int.any():
        out[is_int] = col[is_int].astype(str)
    if is_float.any():
        v = col[is_float].astype(float).to_numpy()
        ok = ~np.isnan(v)
        whole = ok & (np.floor(v) == v) & (np.abs(v) < 1e18)
        idx = np.flatnonzero(is_float)
        out.iloc[idx[whole]] = v[whole].astype(np.int64).astype(str)
        out.iloc[idx[ok & ~whole]] = [repr(x) for x in v[ok & ~whole]]
        numeric[idx[ok]] = True
    other = ~(is_str | is_float | is_int) & col.notna().to_numpy()
    if other.any():
        out[other] = [_cell_text(v)[0] for v in col[other]]
    return out, pd.Series(numeric, index=col.index)
