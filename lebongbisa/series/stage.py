"""Stage 7 for a period: the analysts' store rebuilt over every quarter, and this quarter's
household moves into and out of desil 1 since the immediately preceding quarter.

Writes its indicators part `series_indicators`: `households_entered_desil1` and
`households_left_desil1` (kabupaten and desa; numerator households, denominator the previous
quarter's desil-1 households). Across a missing quarter or a change of desil regime the
kabupaten rows are empty (not computable) and there are no desa rows.
"""

from __future__ import annotations

import pandas as pd

from lebongbisa import indicators, kinds, store
from lebongbisa.folder import PeriodFolder
from lebongbisa.gazetteer import kabupaten_code
from lebongbisa.indicators import Collector
from lebongbisa.ingest.stage import load_manifest

MOVES = ("households_entered_desil1", "households_left_desil1")


def desil_regime(folder: PeriodFolder) -> str:
    """The quarter's desil regime, from the sources its manifest read (kinds.desil_regime)."""
    if not folder.path("manifest").exists():
        return "none"
    sources = load_manifest(folder).get("sources", [])
    return kinds.desil_regime({s.get("kind") for s in sources if s.get("status") != "failed"})


def desil1_moves(now: pd.DataFrame, before: pd.DataFrame, c: Collector) -> None:
    """Entered and left desil 1 between two household bases (same key, same regime)."""
    both = before[["household_key", "desil", "village_code"]].merge(
        now[["household_key", "desil"]], on="household_key", suffixes=("_before", "")
    )
    both["entered"] = (both.desil == 1) & (both.desil_before > 1)
    both["left"] = (both.desil > 1) & (both.desil_before == 1)
    base = before[before.desil == 1]
    c.rate(MOVES[0], "kabupaten", kabupaten_code(), both.entered.sum(), len(base))
    c.rate(MOVES[1], "kabupaten", kabupaten_code(), both.left.sum(), len(base))
    per_desa = both.groupby("village_code")[["entered", "left"]].sum()
    for code, d1 in base.groupby("village_code").size().items():
        row = per_desa.loc[code] if code in per_desa.index else {"entered": 0, "left": 0}
        c.rate(MOVES[0], "desa", code, row["entered"], d1)
        c.rate(MOVES[1], "desa", code, row["left"], d1)


def series_period(folder: PeriodFolder) -> dict:
    """Stage 7 on a period folder; returns why the moves are not computable, if they are not."""
    c = Collector(folder.period)
    previous = folder.sibling(folder.previous_period)
    reason = None
    if folder.previous("household_base") is None:
        reason = f"{folder.previous_period} was not processed"
    elif desil_regime(previous) != desil_regime(folder):
        reason = f"desil regime changed ({desil_regime(previous)} to {desil_regime(folder)})"
    elif desil_regime(folder) == "none":
        reason = "no registry: no desil"
    if reason:
        for name in MOVES:
            c.not_computable(name, "kabupaten", kabupaten_code())
    else:
        desil1_moves(
            pd.read_parquet(folder.path("household_base")),
            pd.read_parquet(previous.path("household_base")),
            c,
        )
    indicators.write_part(c.frame(), folder, "series_indicators")
    store.build(folder.processed.parent.parent)  # with this quarter's own part
    return {"period": folder.period, "moves_not_computable": reason}
