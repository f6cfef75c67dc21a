"""Person names as Indonesian lists write them, normalized for comparison.

`clean_name` keeps the name a person would recognize (upper case, single spaces, no titles,
Muhammad variants unified, the bin/binti patronymic split off). `name_key` also maps old
spelling (EYD 1972: oe->u, dj->j, tj->c, sj->sy, ch->kh) so that SOEKARNO and SUKARNO compare
equal. Sources: domain.md §7 and public Indonesian matching code cited there.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

TITLES = {
    "H",
    "HJ",
    "HAJI",
    "HAJJAH",
    "DR",
    "DRS",
    "DRA",
    "IR",
    "PROF",
    "SH",
    "SE",
    "SPD",
    "SAG",
    "SKOM",
    "SKM",
    "SST",
    "SSOS",
    "SIP",
    "SPDI",
    "SHI",
    "AMD",
    "AMA",
    "AMK",
    "AMKEB",
    "MM",
    "MPD",
    "MSI",
    "MAG",
    "SKEP",
    "SFARM",
    "SPT",
    "SP",
    "ST",
    "SIKOM",
    "MH",
    "MT",
    "BA",
    "BSC",
}
# ST. before a name means SITI, after a comma it is the degree Sarjana Teknik: handled below.
MUHAMMAD = {
    "MUHAMMAD",
    "MUHAMAD",
    "MOHAMMAD",
    "MOHAMAD",
    "MOHAMMED",
    "MUHAMMED",
    "MOHAMED",
    "MOCHAMAD",
    "MOCHAMMAD",
    "MUCHAMMAD",
    "MUCHAMAD",
    "MOH",
    "MOCH",
    "MUH",
    "MOHD",
    "MD",
    "M",
    "MHD",
    "MUHD",
}
ABBREVIATIONS = {"ABD": "ABDUL", "ST": "SITI", "NUR": "NUR"}
OLD_SPELLING = [("OE", "U"), ("DJ", "J"), ("TJ", "C"), ("SJ", "SY"), ("CH", "KH")]


_DEGREE = re.compile(r"\s*,\s*[A-Z.\s]{1,12}$")  # trailing degree after a comma: ", S.PD"
_GLUED = re.compile(r"\.(?=\S)")  # MOH.AJIR -> MOH. AJIR
_NOT_NAME = re.compile(r"[^A-Z\s'.-]")
_DOUBLED = re.compile(r"([A-Z])\1+")


def _clean_one(raw: str) -> tuple[str, str]:
    """(clean name, patronymic) for one raw name."""
    s = _DEGREE.sub("", raw.upper())
    s = _GLUED.sub(". ", s)
    s = _NOT_NAME.sub(" ", s)
    tokens = [t.strip(".'-") for t in s.split()]
    tokens = [t for t in tokens if t]
    patronymic = ""
    for i, t in enumerate(tokens):
        if t in ("BIN", "BINTI", "BT", "BN") and 0 < i < len(tokens) - 1:
            patronymic = " ".join(tokens[i + 1 :])
            tokens = tokens[:i]
            break
    out = []
    for i, t in enumerate(tokens):
        if t in TITLES and not (t == "ST" and i == 0 and len(tokens) > 1):
            continue
        if t in MUHAMMAD and (t != "M" or i == 0) and (t != "MD" or i == 0):
            out.append("MUHAMMAD")
            continue
        out.append(ABBREVIATIONS.get(t, t) if i == 0 else t)
    return " ".join(out), patronymic


def clean_names(raw: pd.Series) -> pd.DataFrame:
    """`name_clean` and `patronymic` for a column of raw names (vectorized over unique values)."""
    codes, uniq = pd.factorize(raw.fillna("").astype(str), sort=False)
    pairs = [_clean_one(u) for u in uniq]
    clean = np.asarray([c for c, _ in pairs], dtype=object)
    patronymic = np.asarray([p for _, p in pairs], dtype=object)
    return pd.DataFrame(
        {"name_clean": clean[codes], "patronymic": patronymic[codes]}, index=raw.index
    ).astype(str)


def name_key(clean: pd.Series) -> pd.Series:
    """Comparison key: old spelling modernized, doubled letters collapsed."""
    codes, uniq = pd.factorize(clean.fillna("").astype(str), sort=False)
    s = pd.Series(uniq, dtype=str)
    for old, new in OLD_SPELLING:
        s = s.str.replace(old, new, regex=False)
    keys = np.asarray([_DOUBLED.sub(r"\1", k) for k in s], dtype=object)
    return pd.Series(keys[codes], index=clean.index, dtype=str)
