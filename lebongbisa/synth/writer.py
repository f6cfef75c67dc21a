"""Write raw deliveries the way offices produce them: xlsx with title and total rows,
`;`/`|`-delimited text, Windows-1252, IDs typed as numbers. Returns each data row's
1-based spreadsheet row number so the truth can point at it (contract: `source_row`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter


def write_xlsx(
    path: Path,
    df: pd.DataFrame,
    title_lines: list[str],
    total: dict | None = None,
    numeric_cols: tuple[str, ...] = (),
) -> np.ndarray:
    """Write one sheet: title lines, a blank row, the header, data and an optional total row.

    Dates become Excel date cells; digit strings in `numeric_cols` become number cells, as an
    office that typed IDs into a General column produces."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws = wb.add_worksheet("Sheet1")
    for i, line in enumerate(title_lines):
        ws.write_string(i, 0, line)
    cols = list(df.columns)
    first = len(title_lines) + 3  # 1-based row of the first data row
    ws.write_row(first - 2, 0, cols)
    num_idx = {cols.index(c) for c in numeric_cols if c in cols}
    for i, row in enumerate(df.itertuples(index=False, name=None), start=first - 1):
        for j, v in enumerate(row):
            if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
                continue
            if isinstance(v, str):
                if j in num_idx and v.isdigit():
                    ws.write_number(i, j, int(v))
                else:
                    ws.write_string(i, j, v)
            elif isinstance(v, dt.datetime | dt.date):
                ws.write_datetime(i, j, v, date_fmt)
            else:
                ws.write_number(i, j, v)
    if total:
        ws.write_row(first - 1 + len(df), 0, [total.get(c) for c in cols])
    wb.close()
    return np.arange(first, first + len(df))


def write_delimited(
    path: Path, df: pd.DataFrame, sep: str = ",", encoding: str = "utf-8"
) -> np.ndarray:
    """Write text with a header line; data row i is on line i + 2."""
    df.to_csv(
        path,
        sep=sep,
        index=False,
        encoding=encoding,
        lineterminator="\r\n" if encoding == "cp1252" else "\n",
    )
    return np.arange(2, 2 + len(df))


def write_xls(
    path: Path,
    df: pd.DataFrame,
    title: list[str] | None = None,
    total: dict | None = None,
    sheet: str = "Sheet1",
    first_sheet: str | None = None,
) -> np.ndarray:
    """Write an old-Excel `.xls` (BIFF8, with xlwt): optional instruction sheet first, then
    the data sheet with title lines, a blank row, the header, data and a total row.

    Returns the 1-based row numbers of the data rows as a spreadsheet program shows them."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    if first_sheet:
        info = wb.add_sheet(first_sheet)
        info.write(0, 0, "Petunjuk pengisian: satu baris per penerima; NIK 16 digit sebagai teks.")
    ws = wb.add_sheet(sheet)
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    title = title or []
    for i, line in enumerate(title):
        ws.write(i, 0, line)
    cols = list(df.columns)
    header = len(title) + 1 if title else 0  # 0-based header row (blank row after the title)
    for j, c in enumerate(cols):
        ws.write(header, j, c)
    for i, row in enumerate(df.itertuples(index=False, name=None), start=header + 1):
        for j, v in enumerate(row):
            if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
                continue
            if isinstance(v, dt.datetime | dt.date):
                ws.write(i, j, v, date_style)
            elif isinstance(v, np.integer | np.floating):
                ws.write(i, j, v.item())
            else:
                ws.write(i, j, v)
    if total:
        for j, c in enumerate(cols):
            if total.get(c) is not None:
                ws.write(header + 1 + len(df), j, total[c])
    wb.save(str(path))
    return np.arange(header + 2, header + 2 + len(df))
