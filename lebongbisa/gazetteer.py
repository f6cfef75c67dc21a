"""The official list of Lebong's 104 villages (Kepmendagri 300.2.2-2138/2025).

Codes and names come from cahyadsn/wilayah, centroids from cahyadsn/wilayah_boundaries
(both MIT; see `data/CREDITS.md`). Codes are kept in two spellings: dotted
(`17.07.01.2002`) and the 10-digit form used in NIK-era registries (`1707012002`).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from lebongbisa.config import VILLAGES_CSV

#: Former names of kecamatan still found in registries (code -> old names).
KECAMATAN_OLD_NAMES: dict[str, list[str]] = {"170709": ["Pelabai"]}


@lru_cache(maxsize=1)
def _villages_cached() -> pd.DataFrame:
    df = pd.read_csv(VILLAGES_CSV, dtype=str)
    df["village_code"] = df["code"].str.replace(".", "", regex=False)
    df["district_code"] = df["kecamatan_code"].str.replace(".", "", regex=False)
    df["lat"] = df["lat"].astype(float)
    df["lon"] = df["lon"].astype(float)
    return df.rename(columns={"desa": "village_name", "kecamatan": "district_name"})[
        ["village_code", "village_name", "type", "district_code", "district_name", "lat", "lon"]
    ]


@lru_cache(maxsize=1)
def kabupaten_code() -> str:
    """The kabupaten's 4-digit Kemendagri code, read from the gazetteer (so another kabupaten
    is a gazetteer away, not a search for its code in the source)."""
    codes = set(_villages_cached().village_code.str[:4])
    if len(codes) != 1:
        raise ValueError(f"the village list spans {len(codes)} kabupaten; expected one")
    return codes.pop()


def villages() -> pd.DataFrame:
    """One row per desa/kelurahan: 10-digit code, name, type, kecamatan code and name, centroid."""
    return _villages_cached().copy()


@lru_cache(maxsize=1)
def village_names() -> pd.Series:
    """Desa code -> official name (for mapping a column of codes; shared: do not modify)."""
    return _villages_cached().set_index("village_code").village_name


@lru_cache(maxsize=1)
def district_names() -> pd.Series:
    """Kecamatan code -> current name (for mapping a column of codes)."""
    return districts().set_index("district_code").district_name


@lru_cache(maxsize=1)
def district_of_village() -> pd.Series:
    """Desa code -> the code of its kecamatan."""
    return _villages_cached().set_index("village_code").district_code


def districts() -> pd.DataFrame:
    """One row per kecamatan: 6-digit code and current name."""
    v = _villages_cached()
    return (
        v[["district_code", "district_name"]]
        .drop_duplicates()
        .sort_values("district_code")
        .reset_index(drop=True)
    )
