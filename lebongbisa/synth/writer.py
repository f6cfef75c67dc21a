"""Write raw deliveries the way offices produce them: xlsx with title and total rows,
`;`/`|`-delimited text, Windows-1252, IDs typed as numbers. Returns each data row's
1-based spreadsheet row number so the truth can point at it (contract: `source_row`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook


def write_xlsx(
    path: Path,
    df: pd.DataFrame,
    title_lines: list[str],
    total: dict | None = None,
    numeric_cols: tuple[str, ...] = (),
) -> np.ndarray:
    """Write one sheet: title lines, a blank row, the header, data and an optional total row."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    for line in title_lines:
        ws.append([line])
    ws.append([])
    ws.append(list(df.columns))
    first = len(title_lines) + 3
    cols = list(df.columns)
    num_idx = {cols.index(c) for c in numeric_cols if c in cols}
    for row in df.itertuples(index=False, name=None):
        out = []
        for j, v in enumerate(row):
            if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
                out.append(None)
            elif j in num_idx and isinstance(v, str) and v.isdigit():
                out.append(int(v))
            elif isinstance(v, pd.Timestamp):
                out.append(v.to_pydatetime())
            elif isinstance(v, np.integer):
                out.append(int(v))
            else:
                out.append(v)
        ws.append(out)
    if total:
        ws.append([total.get(c) for c in cols])
    wb.save(path)
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


def excel_dates(dates: pd.Series) -> list:
    """Dates as Python datetimes for openpyxl (Excel date cells)."""
    return [d.to_pydatetime() if pd.notna(d) else None for d in dates]


__all__ = ["write_xlsx", "write_delimited", "excel_dates", "dt"]
