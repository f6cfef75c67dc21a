"""Header names to canonical fields: built-in Indonesian synonyms plus a file's `columns:` map."""

from __future__ import annotations

import re
from functools import lru_cache

import yaml

from lebongbisa.config import PACKAGE_DATA_DIR


def normalize_header(h: object) -> str:
    """Upper case, letters and digits only: 'No. KK' -> 'NOKK'."""
    return re.sub(r"[^A-Z0-9]", "", str(h or "").upper())


@lru_cache(maxsize=1)
def synonyms() -> dict[str, str]:
    """Normalized raw header -> canonical field."""
    doc = yaml.safe_load((PACKAGE_DATA_DIR / "header_synonyms.yml").read_text())
    table = {}
    for field, names in doc.items():
        table[normalize_header(field)] = field
        for n in names:
            table[normalize_header(n)] = field
    return table


def canonical_fields() -> set[str]:
    return set(synonyms().values())


def map_headers(headers: list[str], columns: dict[str, str]) -> dict[str, str]:
    """Raw header -> canonical field for the headers that are recognized (first one wins)."""
    own = {normalize_header(k): v for k, v in columns.items()}
    syn = synonyms()
    out: dict[str, str] = {}
    taken: set[str] = set()
    for h in headers:
        key = normalize_header(h)
        field = own.get(key) or syn.get(key)
        if field and field not in taken:
            out[h] = field
            taken.add(field)
    return out


def header_score(cells: list, columns: dict[str, str]) -> int:
    """How many cells of a row look like known headers (used to find the header row)."""
    own = {normalize_header(k) for k in columns}
    syn = synonyms()
    return sum(1 for c in cells if (k := normalize_header(c)) and (k in syn or k in own))
