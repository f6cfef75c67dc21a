"""Stage 7 for a period: the analysts' store rebuilt over every quarter, and this quarter's
household moves into and out of desil 1 since the immediately preceding quarter.

Writes its indicators part `series_indicators`:
- `households_entered_desil1`, `households_left_desil1` (kabupaten, desa; denominator the
  previous quarter's desil-1 households) and `households_excluded_two_quarters` (kabupaten,
  desa; desil-1 households reached by no program in this quarter and the one before, over this
  quarter's desil-1 households). Across a missing quarter or a change of desil regime the
  kabupaten rows are empty (not computable) and there are no desa rows.
- `program_starts`, `program_stops` (program; households that began or stopped receiving it
  since the previous quarter, over its previous recipients), for the programs delivered this
  quarter; empty when the previous quarter did not deliver it, is missing or had another desil
  regime (its households were resolved from other registry records).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from lebongbisa import indicators, store
from lebongbisa.folder import PeriodFolder
from lebongbisa.gazetteer import kabupaten_code
from lebongbisa.indicators import Collector
from lebongbisa.ingest.stage import load_manifest, quarter_regime
from lebongbisa.link.graph import components
from lebongbisa.targeting import measures
from lebongbisa.targeting.measures import delivered_programs

MOVES = ("households_entered_desil1", "households_left_desil1", "households_excluded_two_quarters")
CHURN = ("program_starts", "program_stops")


def _by_area(
    c: Collector, name: str, flagged: pd.Series, base: pd.DataFrame, village: pd.Series
) -> None:
    """`name` at the kabupaten and per desa: flagged households over the base households."""
    c.rate(name, "kabupaten", kabupaten_code(), int(flagged.sum()), len(base))
    per_desa = flagged.groupby(village).sum()
    for code, n in base.groupby("village_code").size().items():
        c.rate(name, "desa", code, int(per_desa.get(code, 0)), n)


def desil1_moves(now: pd.DataFrame, before: pd.DataFrame, c: Collector) -> None:
    """Desil-1 moves and persistent exclusion between two household bases (same key, same
    regime); moves are counted in the previous quarter's desa, exclusion in this quarter's."""
    cols = ["household_key", "desil", "programs", "village_code"]
    both = before[cols].merge(now[cols], on="household_key", suffixes=("_before", ""))
    entered = (both.desil == 1) & (both.desil_before > 1)
    left = (both.desil > 1) & (both.desil_before == 1)
    _by_area(c, MOVES[0], entered, before[before.desil == 1], both.village_code_before)
    _by_area(c, MOVES[1], left, before[before.desil == 1], both.village_code_before)
    excluded = pd.Series(measures.excluded_two_quarters(now, before).to_numpy(), index=now.index)
    _by_area(c, MOVES[2], excluded, now[now.desil == 1], now.village_code)


def same_households(now: pd.DataFrame, before: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """One household id across two quarters, for each quarter's household keys.

    Keys are stable where identifiers are (NIK, KK number). A list record without either is
    keyed by its household of the quarter, which may differ: linked to its registry family
    in one quarter, alone in the next. Households are therefore also joined through a record
    identity (link/identity) that both quarters carry, used only when it belongs to one
    household in each quarter. `now` and `before` are records (household_key,
    identity_key); returns each quarter's key -> shared id."""
    parts = []
    for r in (now, before):
        if "identity_key" not in r:  # a quarter processed before identity keys existed
            r = r.assign(identity_key=None)
        r = r[["household_key", "identity_key"]].dropna(subset=["household_key"]).drop_duplicates()
        one = r.dropna(subset=["identity_key"])
        parts.append((r.household_key.unique(), one[~one.identity_key.duplicated(keep=False)]))
    keys = pd.Index(pd.unique(pd.concat([pd.Series(k) for k, _ in parts], ignore_index=True)))
    bridge = parts[0][1].merge(parts[1][1], on="identity_key", suffixes=("_n", "_b"))
    edges = pd.DataFrame(
        {
            "uid_l": keys.get_indexer(bridge.household_key_n),
            "uid_r": keys.get_indexer(bridge.household_key_b),
        }
    )
    shared = pd.Series(components(np.arange(len(keys)), edges), index=keys)
    return shared[parts[0][0]], shared[parts[1][0]]


def program_churn(
    now: pd.DataFrame,
    before: pd.DataFrame,
    catalog: list[dict],
    delivered_now: set[str],
    delivered_before: set[str],
    c: Collector,
    ids: tuple[pd.Series, pd.Series] | None = None,
) -> None:
    """Households that started or stopped receiving each program delivered this quarter, over
    its recipients in the previous quarter. A program is followed under its code or one of its
    catalog `aliases` (its code in the earlier quarter); empty when the previous quarter did
    not deliver it. A program not delivered this quarter gets no row (only its flag).
    `ids` (from `same_households`) maps each quarter's household keys to one id across both;
    without it the keys are compared as they are."""
    if ids is not None:
        now = now.assign(household_key=now.household_key.map(ids[0]))
        before = before.assign(household_key=before.household_key.map(ids[1]))
    for entry in catalog:
        code, col = entry["code"], f"receives_{entry['code']}"
        if code not in delivered_now or col not in now:
            continue
        earlier = [a for a in (code, *entry.get("aliases", [])) if a in delivered_before]
        was_col = f"receives_{earlier[0]}" if earlier else None
        if was_col not in before:
            for name in CHURN:
                c.not_computable(name, "program", code)
            continue
        was = set(before.household_key[before[was_col].fillna(False).astype(bool)])
        got = set(now.household_key[now[col].fillna(False).astype(bool)])
        c.rate(CHURN[0], "program", code, len(got - was), len(was))
        c.rate(CHURN[1], "program", code, len(was - got), len(was))


def _columns(path, columns: list[str]) -> pd.DataFrame:
    """The named columns of a parquet file that it has (an older quarter may lack some)."""
    have = set(pq.read_schema(path).names)
    return pd.read_parquet(path, columns=[c for c in columns if c in have])


def series_period(folder: PeriodFolder) -> dict:
    """Stage 7 on a period folder; returns why the moves are not computable, if they are not."""
    c = Collector(folder.period)
    previous = folder.sibling(folder.previous_period)
    reason = None
    if folder.previous("household_base") is None:
        reason = f"{folder.previous_period} was not processed"
    elif quarter_regime(previous) != quarter_regime(folder):
        reason = f"desil regime changed ({quarter_regime(previous)} to {quarter_regime(folder)})"
    elif quarter_regime(folder) == "none":
        reason = "no registry: no desil"
    now = pd.read_parquet(folder.path("household_base"))
    before = (
        pd.read_parquet(previous.path("household_base"))
        if folder.previous("household_base")
        else None
    )
    if reason:
        for name in MOVES:
            c.not_computable(name, "kabupaten", kabupaten_code())
    else:
        desil1_moves(now, before, c)
    manifest = load_manifest(folder)
    comparable = before is not None and quarter_regime(previous) == quarter_regime(folder)
    # across a change of registry the households are resolved from other records: no churn
    delivered_before = delivered_programs(load_manifest(previous)) if comparable else set()
    ids = None
    if comparable:
        cols = ["household_key", "identity_key"]
        ids = same_households(
            _columns(folder.path("records"), cols), _columns(previous.path("records"), cols)
        )
    program_churn(
        now,
        before if before is not None else now.iloc[:0],
        manifest["programs"],
        delivered_programs(manifest),
        delivered_before,
        c,
        ids,
    )
    indicators.write_part(c.frame(), folder, "series_indicators")
    store.build(folder.root.data)  # with this quarter's own part
    return {"period": folder.period, "moves_not_computable": reason}
