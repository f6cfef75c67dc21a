"""Scan published files for personal data from the inputs (README, "Privacy"): 16-digit numbers,
KK numbers, names, birth dates and street addresses from the restricted identity table."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

_WORD = re.compile(r"[A-Z']+")


def _phrases(text: str) -> set[str]:
    """Every run of 2-6 consecutive words, upper case (names and addresses are looked up here,
    which is exact and fast where a substring search per name is neither)."""
    words = _WORD.findall(text.upper())
    return {" ".join(words[i : i + k]) for k in range(2, 7) for i in range(len(words))}


def personal_data_found(files: list[Path], identity_tables: list[Path]) -> list[str]:
    """What leaked, as messages (empty when nothing did)."""
    # embedded PNG figures are base64 noise to a text scan: drop them
    text = re.sub(r"[A-Za-z0-9+/=\\n]{500,}", " ", "\n".join(p.read_text() for p in files))
    found = []
    if re.search(r"(?<![\d.])\d{16}(?![\d.])", text):
        found.append("a 16-digit number (NIK/KK)")
    phrases = _phrases(text)
    dates = set(re.findall(r"\d{2}[-/]\d{2}[-/]\d{4}", text))
    long_numbers = set(re.findall(r"\d{12,}", text))
    for table in identity_tables:
        ident = pd.read_parquet(table)
        names = {n for n in ident.name_clean.dropna() if len(n) >= 10 and " " in n}
        streets = {" ".join(_WORD.findall(a.upper())) for a in ident.address.dropna()}
        streets = {a for a in streets if a.count(" ") >= 2}
        born = pd.to_datetime(ident.birth_date.dropna())
        born = set(born.dt.strftime("%d-%m-%Y")) | set(born.dt.strftime("%d/%m/%Y"))
        kk = {k for k in ident.kk_raw.dropna() if len(k) >= 12}
        for what, hits in (
            ("names", names & phrases),
            ("street addresses", streets & phrases),
            ("birth dates", born & dates),
            ("KK numbers", kk & long_numbers),
        ):
            if hits:
                found.append(f"{what}: {sorted(hits)[:3]}")
    return found
