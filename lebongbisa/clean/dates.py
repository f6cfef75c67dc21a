"""Birth dates as offices write them: dd/mm/yyyy, dd-mm-yyyy, ISO, Excel serials, Indonesian
month names ("17 Agustus 1985", "17-Agu-1985"), and "TEMPAT, dd-mm-yyyy" (TTL columns).
Impossible dates (31/02, in the future, older than 110 years) become missing and are flagged,
never guessed. Day-first is assumed: Indonesian forms write the day first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa.clean._vector import WHITESPACE, on_unique

MONTHS = {
    "JANUARI": 1,
    "JAN": 1,
    "FEBRUARI": 2,
    "PEBRUARI": 2,
    "FEB": 2,
    "PEB": 2,
    "MARET": 3,
    "MAR": 3,
    "APRIL": 4,
    "APR": 4,
    "MEI": 5,
    "JUNI": 6,
    "JUN": 6,
    "JULI": 7,
    "JUL": 7,
    "AGUSTUS": 8,
    "AGUSTUS.": 8,
    "AGU": 8,
    "AGS": 8,
    "AGT": 8,
    "SEPTEMBER": 9,
    "SEP": 9,
    "SEPT": 9,
    "OKTOBER": 10,
    "OKT": 10,
    "NOVEMBER": 11,
    "NOV": 11,
    "NOPEMBER": 11,
    "NOP": 11,
    "DESEMBER": 12,
    "DES": 12,
    "DEC": 12,
    "AUG": 8,
    "OCT": 10,
    "MAY": 5,
}
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def parse_dates(raw: pd.Series, on: pd.Timestamp | None = None) -> pd.DataFrame:
    """`date` (datetime64, NaT when missing or impossible) and `flag` per value."""
    on = on or pd.Timestamp.today().normalize()
    return on_unique(raw, lambda u: _parse(u, on))


def _parse(raw: pd.Series, on: pd.Timestamp) -> pd.DataFrame:
    s = raw.fillna("").astype(str).str.strip().str.upper()
    s = s.str.replace(r"^[A-Z .']+," + WHITESPACE + "*", "", regex=True)  # "LEBONG, 12-03-1980"
    s = s.str.replace(r"[T ]00:00:00(\.0+)?$", "", regex=True)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")

    def fill(mask: pd.Series, parts: pd.DataFrame, order: tuple[str, str, str]) -> None:
        if not mask.any():
            return
        d = pd.DataFrame(
            {
                "year": pd.to_numeric(parts[order.index("y")], errors="coerce"),
                "month": parts[order.index("m")],
                "day": pd.to_numeric(parts[order.index("d")], errors="coerce"),
            }
        )
        month = pd.to_numeric(d.month, errors="coerce")
        month = month.fillna(d.month.map(MONTHS))
        year = d.year.where(d.year >= 100, d.year + np.where(d.year > on.year % 100, 1900, 2000))
        dt = pd.to_datetime(
            pd.DataFrame({"year": year, "month": month, "day": d.day}), errors="coerce"
        )
        out[mask] = dt.to_numpy()

    iso = s.str.extract(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
    m = iso[0].notna()
    fill(m, iso[m], ("y", "m", "d"))
    dmy = s.str.extract(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{2}|\d{4})$")
    m = dmy[0].notna() & out.isna()
    fill(m, dmy[m], ("d", "m", "y"))
    named = s.str.extract(r"^(\d{1,2})[-/. ]+([A-Z.]+)[-/. ]+(\d{2}|\d{4})$")
    m = named[0].notna() & out.isna()
    fill(m, named[m], ("d", "m", "y"))
    serial = pd.to_numeric(s.where(s.str.fullmatch(r"\d{4,5}(\.0+)?")), errors="coerce")
    m = serial.between(1, 2958465) & out.isna()
    out[m] = (EXCEL_EPOCH + pd.to_timedelta(serial[m], "D")).to_numpy()

    empty = s == ""
    impossible = out.notna() & ((out > on) | (out < on - pd.DateOffset(years=110)))
    out[impossible] = pd.NaT
    flag = np.select(
        [empty.to_numpy(), (out.isna() & ~empty).to_numpy()],
        ["birth_date_missing", "birth_date_invalid"],
        "",
    )
    return pd.DataFrame({"date": out, "flag": flag}, index=raw.index)
