"""Read a delivered file into text cells with the row numbers a person sees.

Excel (.xlsx, .xls, .ods via python-calamine) and delimited text (.csv, .txt; delimiter `,` `;`
`|` or tab, UTF-8 or Windows-1252, detected). Title rows above the header are skipped (the
header is the row that looks most like known headers), blank rows are counted and skipped,
total rows (JUMLAH, TOTAL) are marked. Every cell becomes text; a number stored in an Excel cell
is written out digit by digit (never through scientific notation) and remembered as numeric,
because a 16-digit NIK stored as a number has already lost its last digit. Delimited text whose
records are each one line of one width (the usual export) is parsed by Arrow's CSV reader in
C++; any other (titles above the header, ragged rows, quoted values spanning lines) by Python's
csv module, row by row: the same cells either way.
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
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pa_csv

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


def _read_text_rows(
    path: Path,
) -> tuple[Iterator[list], np.ndarray | None, str, str, pa.Table | None]:
    """Rows of a delimited file, the line each starts on (None: row i is on line i + 1,
    which holds whenever no quoted field spans lines; the rows are then streamed), and the
    whole file as an Arrow table of text when `_arrow_rows` could parse it (then the rows
    returned are its first HEADER_SEARCH_ROWS, for finding the header)."""
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
    table = _arrow_rows(text, delim)
    if table is not None:
        head = table.slice(0, HEADER_SEARCH_ROWS).to_pydict().values()
        return iter([list(r) for r in zip(*head, strict=True)]), None, enc, delim, table
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        if '"' not in text:
            return reader, None, enc, delim, None
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
    return iter(rows), np.asarray(starts), enc, delim, None


def _arrow_rows(text: str, delim: str) -> pa.Table | None:
    """The file parsed by Arrow's CSV reader, every field as text, when that gives exactly
    the cells Python's csv module gives: every record one line, all of one width, no NUL and
    no field over csv's size limit. None otherwise (a title above the header, ragged rows,
    quoted values spanning lines): Python's reader handles those, row by row."""
    if not text or "\x00" in text:
        return None
    ragged = []
    try:
        first = next(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
        table = pa_csv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=pa_csv.ParseOptions(
                delimiter=delim,
                newlines_in_values=True,
                ignore_empty_lines=False,  # a blank line is a row (counted and skipped later)
                invalid_row_handler=lambda row: ragged.append(row) or "skip",
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(max(len(first), 1))},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (csv.Error, pa.ArrowInvalid):
        return None
    lines = text.count("\n") + text.count("\r") - text.count("\r\n")
    lines += not text.endswith(("\n", "\r"))
    if ragged or table.num_rows != lines or table.num_columns != len(first):
        return None
    longest = max((pc.max(pc.utf8_length(c)).as_py() or 0 for c in table.columns), default=0)
    return None if longest > csv.field_size_limit() else table


#: the dtype Python rows get from `pd.DataFrame(rows, dtype="str")`: Arrow-backed text from
#: pandas 3 on (Arrow's text then needs no conversion), Python objects before
_TEXT = pd.Series(dtype="str").dtype


def _arrow_block(table: pa.Table) -> pd.DataFrame:
    as_text = isinstance(_TEXT, pd.api.extensions.ExtensionDtype)
    frame = table.to_pandas(types_mapper={pa.string(): _TEXT}.get if as_text else None)
    frame.columns = range(table.num_columns)
    return frame


def read_table(path: Path, sheet: str | int = 0, columns: dict[str, str] | None = None) -> RawTable:
    """Read one delivered file; raise ReadError with a Problem when it cannot be used.

    Cells are converted to text column by column, in blocks of CHUNK_ROWS rows, so a list of
    half a million rows is read with bounded memory and no Python work per cell."""
    columns = columns or {}
    suffix = path.suffix.lower()
    is_text = suffix in TEXT_SUFFIXES
    starts = parsed = None
    if suffix in EXCEL_SUFFIXES:
        rows = _read_excel_rows(path, sheet)
        enc = delim = ""
    elif is_text:
        rows, starts, enc, delim, parsed = _read_text_rows(path)
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

    first = h + 1  # 0-based position in the file of the first row below the header
    if parsed is not None:  # parsed by Arrow: the blocks are slices of its table
        blocks = [
            _text_block(_arrow_block(parsed.slice(at, CHUNK_ROWS)), width, at)
            for at in range(first, parsed.num_rows, CHUNK_ROWS)
        ]
    else:
        body = itertools.chain(head[h + 1 :], rows)
        blocks = list(_row_blocks(path, body, width, first, is_text))
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


def _row_blocks(path: Path, rows: Iterator[list], width: int, first: int, all_text: bool):
    """`_convert_block` of each CHUNK_ROWS rows read row by row (`first`: the position of the
    first in the file)."""
    while True:
        try:
            chunk = list(itertools.islice(rows, CHUNK_ROWS))
        except Exception as exc:  # calamine and csv raise while iterating a damaged file
            raise _unreadable(path, exc) from exc
        if not chunk:
            return
        yield _convert_block(chunk, width, first, all_text=all_text)
        first += len(chunk)


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
    if all_text:
        widest = max(map(len, chunk))
        if any(len(r) < widest for r in chunk):  # ragged rows padded (pandas 4 will not pad)
            chunk = [r + [None] * (widest - len(r)) for r in chunk]
        return _text_block(pd.DataFrame(chunk, dtype="str"), width, first)
    raw = pd.DataFrame(chunk, dtype=object)
    pairs = {j: _column_text(raw[j]) for j in raw.columns}
    text = pd.DataFrame({j: t for j, (t, _) in pairs.items()})
    numeric = pd.DataFrame({j: n for j, (_, n) in pairs.items()})
    return _kept(text, numeric, width, first)


def _text_block(
    raw: pd.DataFrame, width: int, first: int
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, int]:
    """`_convert_block` of delimited text (cells already text): Arrow strings, stripped in C++."""
    text = raw.apply(lambda c: c.str.strip().fillna(""))
    numeric = pd.DataFrame(False, index=raw.index, columns=raw.columns)
    return _kept(text, numeric, width, first)


def _kept(
    text: pd.DataFrame, numeric: pd.DataFrame, width: int, first: int
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, int]:
    """The non-blank rows of a block, their positions, and how many were blank."""
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
