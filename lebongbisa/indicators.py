"""`indicators.csv` (contract: docs/outputs.md): every published number in tidy form.

Each stage writes its own part (an artefact of the `indicator_parts` group, e.g.
`indicators_03_targeting.csv`); the last stage assembles the parts into `indicators.csv`, so
no file is written by two stages and a stage rerun alone replaces only its own numbers.
Columns: period, indicator, scope_type (schemas.SCOPES: the areas, programs and program pairs,
each per kecamatan and desa too, and this project's extensions: agency — a dinas's
data-quality scorecard, per desa too — agency pairs, and model_term — the working-poor
model's marginal effects), scope_code, value, numerator, denominator. Rates are fractions.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from lebongbisa.config import PACKAGE_DATA_DIR
from lebongbisa.folder import PeriodFolder, as_folder
from lebongbisa.io import atomic_write
from lebongbisa.schemas import INDICATOR_COLUMNS, INDICATORS, SCOPES

COLUMNS = INDICATOR_COLUMNS


@lru_cache(maxsize=1)
def catalog() -> dict:
    """The indicator catalog, `data/indicators.yml`: `indicators` (name, maybe a pattern,
    scopes, definition, contract flag) and the `headline` list."""
    return yaml.safe_load((PACKAGE_DATA_DIR / "indicators.yml").read_text())


def _scopes(name: str) -> set[str]:
    """The scopes of the definition that names `name` (a `{d}` pattern for a desil name)."""
    for d in catalog()["indicators"]:
        if d["name"] in (name, name.rstrip("0123456789") + "{d}"):
            return set(d["scopes"])
    raise KeyError(f"indicator {name!r} is not defined in indicators.yml")


def headline(*scope_types: str) -> list[str]:
    """The headline indicators in their order (`headline` in indicators.yml); with
    `scope_types`, those published at one of them."""
    names = catalog()["headline"]
    return [n for n in names if not scope_types or _scopes(n) & set(scope_types)]


def with_interval() -> list[tuple[str, str]]:
    """(indicator, scope_type) published with a 90% linkage interval: the `of:` of the
    `{indicator}_low` definition, at the scopes it shares with that definition."""
    low = next(d for d in catalog()["indicators"] if d["name"] == "{indicator}_low")
    return [(n, s) for n in low["of"] for s in low["scopes"] if s in _scopes(n)]


class Collector:
    """Accumulates indicator rows for one period."""

    def __init__(self, period: str):
        self.period = period
        self.rows: list[dict] = []

    def _add(
        self,
        indicator: str,
        scope_type: str,
        scope_code: str,
        value: float,
        numerator: float = np.nan,
        denominator: float = np.nan,
    ) -> None:
        self.rows.append(
            dict(
                period=self.period,
                indicator=indicator,
                scope_type=scope_type,
                scope_code=str(scope_code),
                value=float(value),
                numerator=float(numerator),
                denominator=float(denominator),
            )
        )

    def count(self, indicator: str, scope_type: str, scope_code: str, n: float) -> None:
        self._add(indicator, scope_type, scope_code, n, numerator=n)

    def rate(
        self, indicator: str, scope_type: str, scope_code: str, num: float, den: float
    ) -> None:
        self._add(indicator, scope_type, scope_code, num / den if den else np.nan, num, den)

    def amount(
        self, indicator: str, scope_type: str, scope_code: str, rupiah: float, households: float
    ) -> None:
        """Rupiah, with the households it concerns in `numerator` (what suppression protects)."""
        self._add(indicator, scope_type, scope_code, rupiah, numerator=households)

    def value(self, indicator: str, scope_type: str, scope_code: str, value: float) -> None:
        self._add(indicator, scope_type, scope_code, value)

    def not_computable(self, indicator: str, scope_type: str, scope_code: str) -> None:
        """A row whose value is empty: the data cannot carry this number (never 0 or 1)."""
        self._add(indicator, scope_type, scope_code, np.nan)

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=COLUMNS)
        assert df.scope_type.isin(SCOPES).all()
        return df


def write_part(df: pd.DataFrame, folder: Path | PeriodFolder, part: str) -> Path:
    """Write a stage's indicators as its artefact `part` (validated when assembled)."""
    path = as_folder(folder).path(part)
    atomic_write(path, lambda p: df.to_csv(p, index=False))
    return path


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    types = {"period": str, "scope_code": str, "value": float, "numerator": float}
    return INDICATORS.validate(df[COLUMNS].astype(types | {"denominator": float}))


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"scope_code": str})


def read(processed: Path | PeriodFolder) -> pd.DataFrame:
    """A period's indicators: its stages' parts (the same rows `indicators.csv` holds once
    assembled, in the same order), or `indicators.csv` where no part is present."""
    f = as_folder(processed)
    parts = f.files("indicator_parts")
    if not parts:
        return _read_csv(f.path("indicators"))
    return _typed(pd.concat([_read_csv(p) for p in parts], ignore_index=True))


def empty() -> pd.DataFrame:
    """An indicators table with no rows and the published column types (what a reader gets
    when the stages that compute numbers did not complete)."""
    return _typed(pd.DataFrame(columns=COLUMNS))


def assemble(folder: PeriodFolder) -> pd.DataFrame:
    """Write `indicators.csv` from the parts of the stages that completed (the last stage)."""
    parts = folder.files("indicator_parts")
    df = read(folder) if parts else empty()
    atomic_write(folder.path("indicators"), lambda p: df.to_csv(p, index=False))
    return df


def row(
    ind: pd.DataFrame, indicator: str, scope_type: str = "kabupaten", scope_code: str | None = None
) -> pd.Series | None:
    """One row of an indicators table (None when absent; default scope: the kabupaten)."""
    if scope_code is None:
        from lebongbisa.gazetteer import kabupaten_code

        scope_code = kabupaten_code()
    m = ind[
        (ind.indicator == indicator)
        & (ind.scope_type == scope_type)
        & (ind.scope_code == scope_code)
    ]
    return m.iloc[0] if len(m) else None


def lookup(
    ind: pd.DataFrame, indicator: str, scope_type: str = "kabupaten", scope_code: str | None = None
) -> float:
    """One value from an indicators table (NaN when absent; default scope: the kabupaten)."""
    r = row(ind, indicator, scope_type, scope_code)
    return float(r.value) if r is not None else float("nan")


def wide(ind: pd.DataFrame, scope_type: str, prefix: str) -> pd.DataFrame:
    """Indicators `<prefix><name>` of one scope type as a table: a row per scope_code (the
    index), a column per name (the prefix removed)."""
    m = ind[(ind.scope_type == scope_type) & ind.indicator.str.startswith(prefix)]
    t = m.pivot_table(index="scope_code", columns="indicator", values="value", aggfunc="first")
    t.columns = [c.removeprefix(prefix) for c in t.columns]
    return t


def previous_part(folder: Path | PeriodFolder, part: str) -> pd.DataFrame | None:
    """The same part of the immediately preceding quarter, if processed (for the changes)."""
    prev = as_folder(folder).previous(part)
    return _read_csv(prev) if prev else None


def with_changes(
    current: pd.DataFrame,
    previous: pd.DataFrame | None,
    names: list[str],
    scopes: tuple[str, ...] = ("kabupaten", "kecamatan", "program"),
) -> pd.DataFrame:
    """Append `change_<indicator>` rows (current minus previous value) for the named
    indicators; nothing is appended when there is no previous period (never a zero)."""
    if previous is None:
        return current
    key = ["indicator", "scope_type", "scope_code"]
    cur = current[current.indicator.isin(names) & current.scope_type.isin(scopes)]
    m = cur.merge(previous[key + ["value", "period"]], on=key, suffixes=("", "_prev"))
    ch = pd.DataFrame(
        {
            "period": m.period,
            "indicator": "change_" + m.indicator,
            "scope_type": m.scope_type,
            "scope_code": m.scope_code,
            "value": m.value - m.value_prev,
            "numerator": np.nan,
            "denominator": np.nan,
        }
    )
    return pd.concat([current, ch], ignore_index=True)
