"""The quarters as a series, from the store: headline numbers per quarter, the registry regime
of each quarter (P3KE until 2024, DTSEN from 2025: desil 1-4 became 1-10, a break in the
series), and households' moves into and out of desil 1 between consecutive quarters.

A transition is computed only between a quarter and the immediately preceding one, both
processed and in the same registry regime, with the same pseudonymisation key (the key check
stops a run otherwise); elsewhere it is "not computable" with the reason.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from lebongbisa import indicators, kinds
from lebongbisa.i18n import Translator
from lebongbisa.period import previous


def _has(con: duckdb.DuckDBPyConnection, view: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [view]
        ).fetchone()[0]
    )


def regimes(con: duckdb.DuckDBPyConnection, upto: str | None = None) -> pd.DataFrame:
    """Per quarter: the registries delivered and the desil regime (kinds.desil_regime)."""
    if not _has(con, "records"):
        return pd.DataFrame(columns=["period", "registries", "regime"])
    df = con.execute(
        "SELECT period, list(DISTINCT kind ORDER BY kind) FILTER "
        "(WHERE kind IN ('dtsen', 'dtks', 'p3ke')) AS registries "
        "FROM records WHERE ? IS NULL OR period <= ? GROUP BY period ORDER BY period",
        [upto, upto],
    ).df()
    df["registries"] = [[] if r is None or r is pd.NA else list(r) for r in df.registries]
    df["regime"] = df.registries.map(kinds.desil_regime)
    return df


def headline(con: duckdb.DuckDBPyConnection, upto: str | None = None) -> pd.DataFrame:
    """The kabupaten headline indicators, a row per quarter and a column per indicator."""
    if not _has(con, "indicators"):
        return pd.DataFrame()
    names = indicators.headline("kabupaten")
    df = con.execute(
        "SELECT period, indicator, value FROM indicators WHERE scope_type = 'kabupaten' "
        "AND list_contains(?, indicator) AND (? IS NULL OR period <= ?)",
        [names, upto, upto],
    ).df()
    if df.empty:
        return pd.DataFrame()
    t = df.pivot_table(index="period", columns="indicator", values="value", aggfunc="first")
    return t[[c for c in names if c in t.columns]].sort_index()


def program_errors(con: duckdb.DuckDBPyConnection, upto: str | None = None) -> pd.DataFrame:
    """Each program's exclusion and inclusion error per quarter (long form)."""
    if not _has(con, "indicators"):
        return pd.DataFrame(columns=["period", "program", "indicator", "value"])
    return con.execute(
        "SELECT period, scope_code AS program, indicator, value FROM indicators "
        "WHERE scope_type = 'program' AND indicator IN ('exclusion_error', 'inclusion_error') "
        "AND (? IS NULL OR period <= ?) ORDER BY program, indicator, period",
        [upto, upto],
    ).df()


def desil_transitions(
    con: duckdb.DuckDBPyConnection, upto: str | None = None, top: int = 1, lang: str = "id"
) -> pd.DataFrame:
    """Households entering and leaving desil 1..`top` (1: desil 1; 2: desil 1-2) between each
    quarter and the one before.

    `entered`: in the group now, recorded in the previous quarter with a higher desil; `left`:
    in the group in the previous quarter, recorded now with a higher desil. Rates are over the
    previous quarter's households in the group (`base_previous`). Households recorded in only
    one of the two quarters (new to or gone from the registry) are counted apart (`new`), not
    as moves. `not_computable` says why a quarter has no moves, in `lang`."""
    say = Translator(lang)
    reg = regimes(con, upto).set_index("period")
    if not _has(con, "trajectories") or reg.empty:
        return pd.DataFrame()
    counts = (
        con.execute(
            """SELECT period,
             count(*) FILTER (WHERE desil <= $top AND previous_desil > $top) AS entered,
             count(*) FILTER (WHERE desil > $top AND previous_desil <= $top) AS "left",
             count(*) FILTER (WHERE desil <= $top AND previous_desil <= $top) AS stayed,
             count(*) FILTER (WHERE desil <= $top AND previous_desil IS NULL) AS new
           FROM trajectories WHERE $upto IS NULL OR period <= $upto GROUP BY period""",
            {"top": top, "upto": upto},
        )
        .df()
        .set_index("period")
    )
    base = (
        con.execute(
            "SELECT period, count(*) FILTER (WHERE desil <= $top) AS n FROM households "
            "GROUP BY period",
            {"top": top},
        )
        .df()
        .set_index("period")
        .n
    )
    rows = []
    for period in reg.index:
        prev = previous(period)
        row = {"period": period, "previous": prev}
        if prev not in reg.index:
            row["not_computable"] = say(f"{prev} belum diolah", f"{prev} was not processed")
        elif reg.regime[prev] != reg.regime[period]:
            was, now = reg.regime[prev], reg.regime[period]
            row["not_computable"] = say(
                f"registri berganti ({was} ke {now}): skala desil berbeda",
                f"registry changed ({was} to {now}): desil scales differ",
            )
        elif reg.regime[period] == "none":
            row["not_computable"] = say("tanpa registri: tanpa desil", "no registry: no desil")
        else:
            c = counts.loc[period] if period in counts.index else None
            n = float(base.get(prev, 0))
            for k in ("entered", "left", "stayed", "new"):
                row[k] = int(c[k]) if c is not None else 0
            row["base_previous"] = int(n)
            row["entered_rate"] = row["entered"] / n if n else float("nan")
            row["left_rate"] = row["left"] / n if n else float("nan")
            row["not_computable"] = ""
        rows.append(row)
    return pd.DataFrame(rows)


def empowerment_followup(con: duckdb.DuckDBPyConnection, upto: str | None = None) -> pd.DataFrame:
    """Poor households (desil 1-2) of each quarter's predecessor, split by whether they then
    received an empowerment program (pemberdayaan), and where they are a quarter later: still
    desil 1-2, receiving social assistance (bansos). Descriptive only: the two groups differ in
    more than the program (who is chosen for it), so the gap is not the program's effect.
    Pairs across a change of desil regime are left out."""
    regime = regimes(con, upto).set_index("period").regime
    if not _has(con, "trajectories") or regime.empty:
        return pd.DataFrame()
    same = [p for p in regime.index if regime.get(previous(p)) == regime[p] and regime[p] != "none"]
    if not same:
        return pd.DataFrame()
    periods = ", ".join(f"'{p}'" for p in same)
    return con.execute(
        f"""SELECT period, previous_pemberdayaan AS had_pemberdayaan,
                  count(*) AS households,
                  avg(CASE WHEN desil <= 2 THEN 1.0 ELSE 0.0 END) AS still_desil_1_2,
                  avg(CASE WHEN receives_bansos THEN 1.0 ELSE 0.0 END) AS receives_bansos
           FROM trajectories
           WHERE period IN ({periods}) AND previous_desil <= 2 AND desil IS NOT NULL
           GROUP BY period, previous_pemberdayaan ORDER BY period, had_pemberdayaan"""
    ).df()
