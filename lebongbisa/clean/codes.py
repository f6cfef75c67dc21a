"""Coded fields to canonical categories, from the code lists in `data/code_lists.yml`
(P3KE 2023 labels and Regsosek 2022 codes, domain.md §3): sex, relationship, status in
employment, sector, education, yes/no, desil, and Rupiah amounts.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import numpy as np
import pandas as pd
import yaml

from lebongbisa.clean._vector import WHITESPACE, on_unique
from lebongbisa.config import PACKAGE_DATA_DIR


def _key(s: pd.Series) -> pd.Series:
    return (
        s.fillna("")
        .astype(str)
        .str.strip()
        .str.upper()
        .str.replace(WHITESPACE + "+", " ", regex=True)
    )


@lru_cache(maxsize=1)
def code_lists() -> dict:
    return yaml.safe_load((PACKAGE_DATA_DIR / "code_lists.yml").read_text())


@cache
def _lookup(name: str) -> dict[str, str]:
    """Upper-case variant -> canonical code of code list `name` (shared: do not modify)."""
    table = {}
    for canon, variants in code_lists()[name].items():
        for v in variants:
            table[str(v).upper()] = str(canon)
    return table


def map_codes(raw: pd.Series, list_name: str) -> pd.DataFrame:
    """`value` (canonical or None) and `known` (False for non-empty unknown values)."""
    return on_unique(raw, lambda u: _map_codes(u, list_name))


def _map_codes(raw: pd.Series, list_name: str) -> pd.DataFrame:
    k = _key(raw)
    k = k.str.replace(r"\.0$", "", regex=True)
    value = k.map(_lookup(list_name))
    empty = k == ""
    return pd.DataFrame({"value": value.where(value.notna(), None), "known": value.notna() | empty})


def sex(raw: pd.Series) -> pd.Series:
    return map_codes(raw, "sex")["value"]


def sector(raw: pd.Series) -> pd.Series:
    """Canonical sector; two-digit Regsosek codes are compared without leading zeros too."""
    k = _key(raw).str.replace(r"\.0$", "", regex=True)
    k = k.where(~k.str.fullmatch(r"\d"), "0" + k)
    return k.map(_lookup("sector")).where(lambda x: x.notna(), None)


#: Regsosek 417 sub-sectors kept beside the canonical sector (DTSEN records them).
SECTOR_DETAIL = {
    "01": "padi_palawija",
    "02": "hortikultura",
    "03": "perkebunan",
    "04": "perikanan",
    "05": "peternakan",
    "06": "kehutanan",
    "07": "pertambangan",
}


def sector_detail(raw: pd.Series) -> pd.Series:
    """Regsosek 417 sub-sector label for agriculture and mining codes (None otherwise)."""
    k = _key(raw).str.replace(r"\.0$", "", regex=True)
    k = k.where(~k.str.fullmatch(r"\d"), "0" + k)
    return k.map(SECTOR_DETAIL).where(lambda x: x.notna(), None)


def education_level(raw: pd.Series) -> pd.Series:
    return pd.to_numeric(map_codes(raw, "education")["value"], errors="coerce").astype("Int64")


def yes_no(raw: pd.Series) -> pd.Series:
    v = map_codes(raw, "yes_no")["value"]
    return v.map({"True": True, "False": False}).astype("boolean")


def works_from_occupation(occupation: pd.Series) -> pd.Series:
    """Employed according to a P3KE 'Pekerjaan' label (None when not recorded)."""
    k = _key(occupation)
    not_working = set(code_lists()["not_working_occupations"])
    out = pd.Series(np.where(k.isin(not_working), False, True), index=k.index, dtype="boolean")
    return out.mask(k == "", pd.NA)


def informal(status: pd.Series) -> pd.Series:
    """BPS informal status (domain.md §5) from the canonical status in employment."""
    inf = set(code_lists()["informal_status"])
    out = status.isin(inf).astype("boolean")
    return out.mask(status.isna() | (status == "none"), pd.NA)


def desil(raw: pd.Series, allowed: range) -> pd.DataFrame:
    """`desil` (Int64) and `valid` (False for values outside `allowed` or not a number)."""
    k = (
        _key(raw)
        .str.replace("^DESIL" + WHITESPACE + "*", "", regex=True)
        .str.replace(r"\.0$", "", regex=True)
    )
    num = pd.to_numeric(k.where(k.str.fullmatch(r"\d{1,2}")), errors="coerce")
    valid = num.isin(list(allowed))
    return pd.DataFrame({"desil": num.where(valid).astype("Int64"), "valid": valid | (k == "")})


_RUPIAH = re.compile(r"[^\d,.-]")


def rupiah(raw: pd.Series) -> pd.Series:
    """Amounts such as 'Rp 600.000', '600,000', '600000.0' to a number (Indonesian dots)."""
    s = _key(raw).str.replace(_RUPIAH, "", regex=True)
    thousands_dot = s.str.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?")
    s = s.where(
        ~thousands_dot, s.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    )
    thousands_comma = s.str.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
    s = s.where(~thousands_comma, s.str.replace(",", "", regex=False))
    return pd.to_numeric(s.str.replace(",", ".", regex=False), errors="coerce")
