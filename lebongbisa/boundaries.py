"""Desa and kecamatan boundaries of the kabupaten (packaged GeoJSON, see data/CREDITS.md), as
plain rings of (lon, lat) points: maps draw them with matplotlib, offline, with no GIS stack."""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import pandas as pd

from lebongbisa.config import PACKAGE_DATA_DIR

FILES = {"desa": "lebong_desa.geojson", "kecamatan": "lebong_kecamatan.geojson"}


@lru_cache(maxsize=2)
def shapes(level: str) -> pd.DataFrame:
    """One row per area of `level` (`desa` or `kecamatan`): `code` (without dots, as in
    indicators.csv), `name`, `rings` (outer rings of its polygons, arrays of lon, lat), and
    the label point `lon`, `lat`."""
    doc = json.loads((PACKAGE_DATA_DIR / FILES[level]).read_text(encoding="utf-8"))
    rows = []
    for f in doc["features"]:
        g, p = f["geometry"], f["properties"]
        polygons = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        rows.append(
            {
                "code": p["code10"],
                "name": p["name"],
                "rings": [np.asarray(poly[0], dtype=float) for poly in polygons],
                "lon": p["lon"],
                "lat": p["lat"],
            }
        )
    return pd.DataFrame(rows)


def borders(codes: list[str] | pd.Series) -> np.ndarray:
    """The outline of a group of desa (see _borders), cached per group."""
    return _borders(tuple(sorted(codes)))


@lru_cache(maxsize=256)
def _borders(codes: tuple[str, ...]) -> np.ndarray:
    """The outline of a group of desa (a kecamatan, the kabupaten) as line segments, shape
    (n, 2, 2): the edges of their polygons that no two of them share. The boundary data are
    topologically clean (neighbours share their vertices), so no GIS library is needed."""
    d = shapes("desa")
    count: dict[tuple, int] = {}
    for rings in d.rings[d.code.isin(codes)]:
        for ring in rings:
            for a, b in zip(map(tuple, ring[:-1]), map(tuple, ring[1:]), strict=True):
                key = (a, b) if a <= b else (b, a)
                count[key] = count.get(key, 0) + 1
    edges = [k for k, n in count.items() if n == 1]
    return np.asarray(edges, dtype=float).reshape(-1, 2, 2)
