"""NIK and No KK: repair what can be repaired, flag what cannot, never guess.

Structure (domain.md §3.1): `PPKKCC DDMMYY SSSS` — region where first registered, birth date
(day + 40 for women), serial from 0001. No KK: region, registration date, serial.
Excel damage (domain.md §7): a 16-digit ID stored as a number keeps 15 significant digits
(the last becomes 0) or shows as `1.70701E+15`; neither can be restored, so the undamaged
prefix is kept for linking and the full value is not trusted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa.clean._vector import SPACE_CHARS

_SCI = r"^\d(?:[.,]\d+)?[eE]\+?\d{1,2}$"


def normalize_id(raw: pd.Series, numeric: np.ndarray | None = None) -> pd.DataFrame:
    """Clean ID text. Returns `id` (16 digits or None), `prefix` (the digits that can be
    trusted), `flag` ('' or one of id_missing, id_excel_scientific, id_excel_truncated,
    id_length, id_not_digits).

    `numeric` marks cells that a spreadsheet stored as numbers (their 16th digit is lost).
    """
    s = raw.fillna("").astype(str).str.strip().str.strip("'\"`").str.strip()
    s = s.str.replace(r"\.0+$", "", regex=True)
    sci = s.str.match(_SCI)
    compact = s.str.replace(f"[{SPACE_CHARS}.\\-/]", "", regex=True)
    digits = compact.str.fullmatch(r"\d+")
    n = len(s)
    numeric = np.zeros(n, dtype=bool) if numeric is None else np.asarray(numeric, dtype=bool)

    flag = np.full(n, "", dtype=object)
    out_id = np.full(n, None, dtype=object)
    prefix = np.full(n, None, dtype=object)
    text = compact.to_numpy(dtype=object)

    empty = ((s == "") | s.str.fullmatch(r"[-0]*|(?i:null|nan|none|tidak ada)")).to_numpy()
    flag[empty] = "id_missing"

    sci_m = sci.to_numpy() & ~empty
    if sci_m.any():
        mantissa = s[sci_m].str.extract(r"^(\d)[.,]?(\d*)[eE]", expand=True)
        prefix[sci_m] = (mantissa[0] + mantissa[1].fillna("").str.rstrip("0")).to_numpy()
        flag[sci_m] = "id_excel_scientific"

    ok = digits.to_numpy() & ~empty & ~sci.to_numpy()
    length = compact.str.len().to_numpy()
    good_len = ok & (length == 16)
    truncated = good_len & numeric & (compact.str[-1] == "0").to_numpy()
    clean = good_len & ~truncated
    out_id[clean] = text[clean]
    prefix[clean] = text[clean]
    if truncated.any():
        prefix[truncated] = [v[:15] for v in text[truncated]]
        flag[truncated] = "id_excel_truncated"
    bad_len = ok & (length != 16)
    flag[bad_len] = "id_length"
    prefix[bad_len] = None
    flag[~(empty | sci_m | ok)] = "id_not_digits"
    return pd.DataFrame(
        {"id": _text(out_id, raw.index), "prefix": _text(prefix, raw.index), "flag": flag},
        index=raw.index,
    )


def _text(values: np.ndarray, index: pd.Index) -> pd.Series:
    """Text values and None as a Series: str-typed once it holds a value (as pandas makes
    an object Series that text is assigned to), object while all are None."""
    out = pd.Series([None] * len(values), index=index, dtype=object)
    held = values != None  # noqa: E711 (element-wise)
    if held.any():
        out[held] = values[held]
    return out


def flag_truncated_column(ids: pd.Series, threshold: float = 0.35) -> bool:
    """True when a column's IDs end in 0 far more often than 1 in 10: it went through Excel."""
    valid = ids.dropna()
    if len(valid) < 20:
        return False
    return float((valid.str[-1] == "0").mean()) > threshold


def _digit_matrix(s: pd.Series) -> np.ndarray:
    """(n, 16) digits of 16-character IDs as floats; NaN where a character is not 0-9 or the
    value is not 16 characters long. One array operation, not a Python loop over rows."""
    values = s.fillna("").to_numpy(dtype=object)
    fixed = np.where(s.str.len().to_numpy() == 16, values, "").astype("U16")
    points = fixed.view(np.uint32).reshape(len(fixed), 16).astype(np.int64) - ord("0")
    return np.where((points >= 0) & (points <= 9), points, np.nan)


def _number(digits: np.ndarray, start: int, stop: int) -> np.ndarray:
    """The number written by characters start:stop (NaN when one is not a digit)."""
    value = np.zeros(len(digits))
    for i in range(start, stop):
        value = value * 10 + digits[:, i]
    return value


def _validate(s: pd.Series, prefix: str, women_plus_40: bool) -> pd.Series:
    """Structure of a 16-digit ID: region, date digits (DDMMYY) and serial."""
    s = s.fillna("")
    has = (s.str.len() == 16).to_numpy()
    digits = _digit_matrix(s)
    prov, day, month = _number(digits, 0, 2), _number(digits, 6, 8), _number(digits, 8, 10)
    with np.errstate(invalid="ignore"):
        day_ok = ((day >= 1) & (day <= 31)) | (women_plus_40 & (day >= 41) & (day <= 71))
        region_bad = (prov < 11) | (prov > 94)
        if women_plus_40:
            region_bad = region_bad | (_number(digits, 2, 4) == 0)
        month_bad = ~((month >= 1) & (month <= 12))
    serial_zero = _number(digits, 12, 16) == 0
    reason = np.select(
        [~has, region_bad, ~day_ok, month_bad, serial_zero],
        ["", f"{prefix}_region", f"{prefix}_day", f"{prefix}_month", f"{prefix}_serial_zero"],
        "",
    )
    return pd.Series(reason, index=s.index, dtype=object)


def validate_nik(nik: pd.Series) -> pd.Series:
    """Structural problems of 16-digit NIKs ('' when valid): region, day (+40 for women),
    month, serial."""
    return _validate(nik, "nik", women_plus_40=True)


def validate_kk(kk: pd.Series) -> pd.Series:
    """Structural problems of 16-digit KK numbers: region, registration date, serial."""
    return _validate(kk, "kk", women_plus_40=False)


def nik_consistency(nik: pd.Series, birth_date: pd.Series, sex: pd.Series) -> pd.Series:
    """Flags where a valid NIK disagrees with the recorded sex or birth date."""
    s = nik.fillna("")
    has = (s.str.len() == 16).to_numpy()
    digits = _digit_matrix(s)
    day = _number(digits, 6, 8)
    sex = sex.to_numpy(dtype=object)
    recorded = (sex == "L") | (sex == "P")
    with np.errstate(invalid="ignore"):
        female_nik = day > 40
        sex_bad = has & recorded & (female_nik != (sex == "P"))
        true_day = np.where(day <= 40, day, day - 40)
        bd = pd.to_datetime(birth_date, errors="coerce")
        date_known = has & bd.notna().to_numpy()
        date_bad = date_known & (
            (true_day != bd.dt.day.to_numpy(dtype=float, na_value=np.nan))
            | (_number(digits, 8, 10) != bd.dt.month.to_numpy(dtype=float, na_value=np.nan))
            | (_number(digits, 10, 12) != (bd.dt.year % 100).to_numpy(dtype=float, na_value=np.nan))
        )
    out = np.where(sex_bad, "nik_sex_mismatch", "")
    out = np.where(
        date_bad,
        np.where(out == "", "nik_birthdate_mismatch", out + ";nik_birthdate_mismatch"),
        out,
    )
    return pd.Series(out, index=nik.index, dtype=object)
