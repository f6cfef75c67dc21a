"""The series against the synthetic world's truth: the same desil-1 moves computed with the
true identities (perfect linkage) instead of the linked household keys. Linkage is the only
thing that differs, so the gap between the two is the linkage's effect on the transitions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lebongbisa.folder import PeriodFolder


def true_household_desil(data_dir: Path, period: str) -> pd.Series | None:
    """Each true household's recorded desil in a quarter (the most frequent desil its registry
    rows carry), or None when the quarter has no truth or was not processed."""
    f = PeriodFolder.of(period, data_dir)
    if not f.path("truth_rows").exists() or not f.path("records").exists():
        return None
    rec = pd.read_parquet(f.path("records"), columns=["source_file", "source_row", "status"])
    clean = pd.read_parquet(f.path("clean"), columns=["desil"])
    rows = rec.assign(desil=clean.desil.to_numpy())
    rows = rows[(rows.status == "accepted") & rows.desil.notna()]
    truth = pd.read_parquet(
        f.path("truth_rows"), columns=["source_file", "source_row", "household_id"]
    )
    rows = rows.merge(truth, on=["source_file", "source_row"], how="inner")
    rows = rows[rows.household_id.notna()]
    return rows.groupby("household_id").desil.agg(lambda s: s.mode().min())


def true_desil_transitions(data_dir: Path, period: str, previous: str, top: int = 1) -> dict | None:
    """Entered and left desil 1..`top` between `previous` and `period`, by true household."""
    now, before = true_household_desil(data_dir, period), true_household_desil(data_dir, previous)
    if now is None or before is None:
        return None
    both = pd.concat([before.rename("before"), now.rename("now")], axis=1, join="inner")
    n = int((before <= top).sum())
    entered = int(((both.now <= top) & (both.before > top)).sum())
    left = int(((both.now > top) & (both.before <= top)).sum())
    return {
        "entered": entered,
        "left": left,
        "base_previous": n,
        "entered_rate": entered / n if n else float("nan"),
        "left_rate": left / n if n else float("nan"),
    }


def _true_recipients(data_dir: Path, period: str) -> pd.DataFrame | None:
    """(program, true household) of every accepted program-list row of a quarter."""
    f = PeriodFolder.of(period, data_dir)
    if not f.path("truth_rows").exists() or not f.path("records").exists():
        return None
    rec = pd.read_parquet(f.path("records"), columns=["source_file", "source_row", "status"])
    clean = pd.read_parquet(f.path("clean"), columns=["kind", "program"])
    rows = rec.assign(kind=clean.kind.to_numpy(), program=clean.program.to_numpy())
    rows = rows[(rows.status == "accepted") & (rows.kind == "program")]
    truth = pd.read_parquet(
        f.path("truth_rows"), columns=["source_file", "source_row", "household_id"]
    )
    rows = rows.merge(truth, on=["source_file", "source_row"], how="inner")
    return rows[rows.household_id.notna()][["program", "household_id"]].drop_duplicates()


def true_program_churn(data_dir: Path, period: str, previous: str) -> pd.DataFrame | None:
    """Per program: households that started and stopped receiving it, by true household."""
    now, before = _true_recipients(data_dir, period), _true_recipients(data_dir, previous)
    if now is None or before is None:
        return None
    rows = []
    for code in sorted(set(now.program) & set(before.program)):
        got = set(now.household_id[now.program == code])
        was = set(before.household_id[before.program == code])
        rows.append(
            {
                "program": code,
                "starts": len(got - was),
                "stops": len(was - got),
                "recipients_previous": len(was),
            }
        )
    return pd.DataFrame(rows)
