"""Data defects injected into raw deliveries, at configured rates (calibration.DEFECT_RATES).

Each function returns the damaged values and a label per row ('' when untouched) so the
ground truth records exactly which defect every raw row carries.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

MONTHS_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
MUHAMMAD_VARIANTS = ["M.", "MUH.", "MOH.", "MUHAMAD", "MOHAMMAD", "MOCH."]
OLD_SPELLING = [("u", "oe"), ("j", "dj"), ("c", "tj"), ("y", "j"), ("sy", "sj"), ("kh", "ch")]
ROMAN_TO_DIGIT = {" I": " 1", " II": " 2", " III": " 3"}


def _pick(rng: np.random.Generator, n: int, rate: float) -> np.ndarray:
    return rng.random(n) < rate


def typo(rng: np.random.Generator, s: str) -> str:
    """One keyboard slip: a swapped, dropped or doubled letter."""
    if len(s) < 4:
        return s
    i = int(rng.integers(1, len(s) - 2))
    kind = rng.integers(0, 3)
    if kind == 0:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    if kind == 1:
        return s[:i] + s[i + 1 :]
    return s[:i] + s[i] + s[i:]


def name_variants(
    rng: np.random.Generator,
    names: pd.Series,
    sex: pd.Series,
    age: pd.Series,
    rate: float,
    typo_rate: float,
    father: pd.Series | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Spelling variants seen across Indonesian lists: titles, Muhammad, bin/binti, old spelling."""
    out = names.astype(str).tolist()
    label = [""] * len(out)
    pick = _pick(rng, len(out), rate)
    kinds = rng.integers(0, 5, len(out))
    typos = _pick(rng, len(out), typo_rate)
    sexv, agev = sex.to_numpy(), age.to_numpy()
    fath = father.to_numpy() if father is not None else None
    for i in np.flatnonzero(pick | typos):
        s = out[i]
        if pick[i]:
            k = kinds[i]
            if k == 0 and agev[i] >= 40:
                s = ("HJ. " if sexv[i] == "P" else "H. ") + s
                label[i] = "title"
            elif k == 1 and re.match(r"(?i)muhammad\b", s):
                s = re.sub(r"(?i)^muhammad", str(rng.choice(MUHAMMAD_VARIANTS)), s)
                label[i] = "muhammad"
            elif k == 2 and fath is not None and isinstance(fath[i], str) and fath[i]:
                s = s + (" BINTI " if sexv[i] == "P" else " BIN ") + fath[i].split()[0]
                label[i] = "bin_binti"
            elif k == 3:
                old, new = OLD_SPELLING[int(rng.integers(0, len(OLD_SPELLING)))]
                if old in s.lower():
                    s = re.sub(old, new, s, count=1, flags=re.I)
                    label[i] = "old_spelling"
            elif k == 4 and " " in s:
                s = s.rsplit(" ", 1)[0]
                label[i] = "dropped_token"
        if typos[i]:
            s = typo(rng, s)
            label[i] = (label[i] + "+typo").lstrip("+")
        out[i] = s
    return pd.Series(out, index=names.index), pd.Series(label, index=names.index)


def invalid_nik(
    rng: np.random.Generator, nik: pd.Series, rate: float, missing_rate: float = 0.0
) -> tuple[pd.Series, pd.Series]:
    """Structurally invalid NIKs (wrong length, impossible date, zero serial) and blanks."""
    out = nik.astype(str).tolist()
    label = [""] * len(out)
    pick = _pick(rng, len(out), rate)
    miss = _pick(rng, len(out), missing_rate) & ~pick
    for i in np.flatnonzero(pick):
        s = out[i]
        k = rng.integers(0, 4)
        if k == 0:
            s = s[:15] if rng.random() < 0.5 else s + str(rng.integers(0, 10))
            label[i] = "nik_length"
        elif k == 1:
            s = s[:6] + "00" + s[8:]
            label[i] = "nik_day_zero"
        elif k == 2:
            s = s[:8] + "13" + s[10:]
            label[i] = "nik_month_invalid"
        else:
            s = s[:12] + "0000"
            label[i] = "nik_serial_zero"
        out[i] = s
    for i in np.flatnonzero(miss):
        out[i] = ""
        label[i] = "nik_missing"
    return pd.Series(out, index=nik.index), pd.Series(label, index=nik.index)


def excel_truncate(nik: pd.Series) -> pd.Series:
    """What Excel keeps of a 16-digit number: 15 significant digits, the last becomes 0."""
    valid = nik.str.fullmatch(r"\d{16}")
    return nik.where(~valid, nik.str[:15] + "0")


def excel_scientific(nik: pd.Series) -> pd.Series:
    """A NIK shown in General format: 1.70701E+15 (digits beyond the 6th are lost)."""
    valid = nik.str.fullmatch(r"\d{16}")
    sci = nik.str[0] + "." + nik.str[1:6].str.rstrip("0") + "E+15"
    return nik.where(~valid, sci.str.replace(".E", "E", regex=False))


def shift_birth_dates(
    rng: np.random.Generator, dates: pd.Series, rate: float
) -> tuple[pd.Series, pd.Series]:
    """Birth-date errors: day/month swapped, year off by one."""
    out = dates.copy()
    label = pd.Series("", index=dates.index)
    pick = _pick(rng, len(dates), rate) & dates.notna().to_numpy()
    swap = pick & (dates.dt.day <= 12).to_numpy() & (rng.random(len(dates)) < 0.5)
    year = pick & ~swap
    d = dates[swap]
    out[swap] = pd.to_datetime(
        dict(year=d.dt.year, month=d.dt.day, day=d.dt.month), errors="coerce"
    )
    label[swap] = "date_swap"
    y = dates[year]
    shifted = y + pd.to_timedelta(np.where(rng.random(year.sum()) < 0.5, 365, -365), "D")
    out[year] = shifted
    label[year] = "date_year"
    return out, label


def format_dates(dates: pd.Series, style: str) -> pd.Series:
    """Write dates the way a given office does: dmy, dmy-, iso, indonesian, serial."""
    if style == "dmy":
        s = dates.dt.strftime("%d/%m/%Y")
    elif style == "dmy-":
        s = dates.dt.strftime("%d-%m-%Y")
    elif style == "iso":
        s = dates.dt.strftime("%Y-%m-%d")
    elif style == "indonesian":
        s = (
            dates.dt.day.astype("Int64").astype(str)
            + " "
            + dates.dt.month.map(lambda m: MONTHS_ID[int(m) - 1] if pd.notna(m) else "")
            + " "
            + dates.dt.year.astype("Int64").astype(str)
        )
    elif style == "serial":
        s = ((dates - pd.Timestamp("1899-12-30")).dt.days).astype("Int64").astype(str)
    else:
        raise ValueError(f"unknown date style {style!r}")
    return s.where(dates.notna(), "")


def village_variants(
    rng: np.random.Generator, names: pd.Series, rate: float
) -> tuple[pd.Series, pd.Series]:
    """Village spellings: DESA/KEL. prefixes, case, Roman numerals as digits."""
    out = names.astype(str).tolist()
    label = [""] * len(out)
    pick = _pick(rng, len(out), rate)
    for i in np.flatnonzero(pick):
        s = out[i]
        k = rng.integers(0, 5)
        if k == 4 and len(s) > 7:
            s = typo(rng, s)
            label[i] = "village_typo"
        elif k == 0 or k == 4:
            s = "DESA " + s.upper()
            label[i] = "village_prefix"
        elif k == 1:
            s = "Kel. " + s
            label[i] = "village_prefix"
        elif k == 2:
            s = s.upper()
            label[i] = "village_case"
        else:
            m = re.search(r" (I{1,3})$", s)
            if m:
                s = s[: m.start()] + ROMAN_TO_DIGIT[" " + m.group(1)]
                label[i] = "village_roman_digit"
            else:
                s = "  " + s.lower() + " "
                label[i] = "village_spacing"
        out[i] = s
    return pd.Series(out, index=names.index), pd.Series(label, index=names.index)
