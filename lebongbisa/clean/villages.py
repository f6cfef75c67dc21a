"""Village and kecamatan names or codes to Kemendagri codes through the gazetteer.

Names arrive with prefixes (DESA, DS., KEL., KELURAHAN), any case, Roman numerals written as
digits (Semelako 2) and old names (kecamatan Pelabai, now Tubei). Twenty villages differ only
in a trailing Roman numeral (Semelako I/II/III, …), so the numeral is compared exactly and only
the rest of the name is matched fuzzily (rapidfuzz, threshold configurable). Codes may come as
10 digits (1707012002) or dotted (17.07.01.2002).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from lebongbisa import gazetteer
from lebongbisa.clean._vector import WHITESPACE, on_unique

ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V"}
_PREFIX = re.compile(r"^(DESA|DS|KELURAHAN|KEL|KEC|KECAMATAN)\b\.?\s*")


def normalize_place(raw: pd.Series) -> pd.Series:
    """Upper case, no punctuation or DESA/KEL. prefix, trailing digits as Roman numerals."""
    return on_unique(raw, _normalize_place)


def _normalize_place(raw: pd.Series) -> pd.Series:
    s = raw.fillna("").astype(str).str.upper().str.strip()
    s = (
        s.str.replace(r"[^A-Z0-9 ]", " ", regex=True)
        .str.replace(WHITESPACE + "+", " ", regex=True)
        .str.strip()
    )
    s = s.str.replace(_PREFIX, "", regex=True)
    s = s.str.replace(r" ([1-5])$", lambda m: " " + ROMAN[m.group(1)], regex=True)
    return s.str.strip()


def _split_numeral(name: str) -> tuple[str, str]:
    m = re.match(r"^(.*?)(?: (I{1,3}|IV|V))?$", name)
    return (m.group(1), m.group(2) or "") if m else (name, "")


@lru_cache(maxsize=1)
def _district_table() -> dict[str, str]:
    """Normalized kecamatan name (current or former) -> 6-digit code."""
    d = gazetteer.districts()
    table = dict(zip(normalize_place(d.district_name), d.district_code, strict=True))
    for code, olds in gazetteer.KECAMATAN_OLD_NAMES.items():
        for old in olds:
            table[old.upper()] = code
    return table


@lru_cache(maxsize=1)
def _village_table() -> pd.DataFrame:
    """The gazetteer's villages with normalized names split into base and Roman numeral
    (shared: do not modify)."""
    v = gazetteer.villages()
    v["norm"] = normalize_place(v.village_name)
    v["base"] = v.norm.map(lambda x: _split_numeral(x)[0])
    v["numeral"] = v.norm.map(lambda x: _split_numeral(x)[1])
    return v


def _digits_only(raw: pd.Series) -> pd.Series:
    """The digits of each value, as text (codes may come dotted: 17.07.01.2002)."""
    return on_unique(raw, lambda u: u.str.replace(r"\D", "", regex=True)).astype(str)


def match_districts(raw: pd.Series) -> pd.Series:
    """6-digit kecamatan codes (None when unknown) from names, old names or codes."""
    codes = set(_district_table().values())
    digits = _digits_only(raw)
    by_code = digits.where(digits.str.len() == 6).where(lambda x: x.isin(codes))
    by_name = normalize_place(raw).map(_district_table())
    return by_code.fillna(by_name).where(lambda x: x.notna(), None)


def match_villages(
    raw: pd.Series, district_code: pd.Series | None = None, threshold: float = 88.0
) -> pd.DataFrame:
    """`village_code` (10 digits or None) and `method` (code, exact, fuzzy, '' unmatched)."""
    v = _village_table()
    digits = _digits_only(raw)
    code = digits.where((digits.str.len() == 10) & digits.isin(set(v.village_code)))
    norm = normalize_place(raw)
    if district_code is None:
        district_code = pd.Series("", index=raw.index)
    dist = district_code.reindex(raw.index).fillna("").astype(str)

    out_code = code.copy()
    method = np.where(code.notna(), "code", "").astype(object)
    # exact names (a name is unique in the kabupaten; prefer the recorded kecamatan's village)
    exact = dict(zip(v.norm, v.village_code, strict=True))
    by_name = norm.map(exact)
    take = out_code.isna() & by_name.notna()
    out_code[take] = by_name[take]
    method[take.to_numpy()] = "exact"
    # fuzzy on the name without its numeral; the numeral must agree exactly
    todo = out_code.isna() & (norm != "") & ~norm.str.fullmatch(r"\d+")
    if todo.any():
        v_base, v_num = v.base.to_numpy(), v.numeral.to_numpy()
        v_dist, v_label = v.district_code.to_numpy(), v.index.to_numpy()
        pairs = pd.DataFrame({"norm": norm[todo], "dist": dist[todo]}).drop_duplicates()
        found = {}
        for name, dcode in pairs.itertuples(index=False, name=None):
            base, num = _split_numeral(name)
            cand = v_num == num
            in_district = cand & (v_dist == dcode)
            if dcode and in_district.any():
                cand = in_district
            choices = dict(zip(v_label[cand], v_base[cand], strict=True))
            best = process.extractOne(base, choices, scorer=fuzz.ratio, score_cutoff=threshold)
            if best:
                found[(name, dcode)] = v.village_code[best[2]]
        keys = list(zip(norm[todo], dist[todo], strict=True))
        hits = pd.Series([found.get(k) for k in keys], index=norm[todo].index)
        ok = hits.notna()
        out_code[hits[ok].index] = hits[ok]
        method[out_code.index.get_indexer(hits[ok].index)] = "fuzzy"
    return pd.DataFrame(
        {"village_code": out_code.where(out_code.notna(), None), "method": method}, index=raw.index
    )
