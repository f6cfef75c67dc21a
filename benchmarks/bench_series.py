"""Benchmark the series: `lebongbisa report` over every synthetic quarter (oldest first), a
rerun with nothing changed, and the estimated quarter-to-quarter moves against the same moves
computed with the true identities, for each pair of consecutive quarters. Run on demand:

    python benchmarks/bench_series.py                 # generate 2024Q1..2025Q2, run, compare
    python benchmarks/bench_series.py --data data     # compare an already processed world

Appends a Markdown table to benchmarks/results/series.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, publish  # noqa: E402


def accuracy(data: Path) -> list[str]:
    """Desil-1 moves and program churn, estimated vs true, per consecutive pair."""
    from lebongbisa import indicators
    from lebongbisa.series.evaluate import true_desil_transitions, true_program_churn
    from lebongbisa.stages import all_periods

    lines = [
        "| quarters | desil 1 entered: est / true | left: est / true | of desil-1 households "
        "| program starts, largest gap (pp) | program stops, largest gap (pp) |",
        "|---|---:|---:|---:|---|---|",
    ]
    periods = all_periods(data / "raw")
    for prev, period in zip(periods, periods[1:], strict=False):
        ind = indicators.read(data / "processed" / period)
        kab = ind[ind.scope_type == "kabupaten"].set_index("indicator")
        est = {k: kab.loc[f"households_{k}_desil1"] for k in ("entered", "left")}
        truth = true_desil_transitions(data, period, prev)
        if truth is None or est["entered"].value != est["entered"].value:  # NaN: not computable
            moves = "not computable (change of registry or no truth) | – | –"
        else:
            moves = (
                f"{est['entered'].value:.2%} / {truth['entered_rate']:.2%} | "
                f"{est['left'].value:.2%} / {truth['left_rate']:.2%} | "
                f"{est['entered'].denominator:,.0f} / {truth['base_previous']:,}"
            )
        churn = true_program_churn(data, period, prev)
        prog = ind[ind.scope_type == "program"].pivot_table(
            index="scope_code", columns="indicator", values="value", aggfunc="first", dropna=False
        )
        gaps = {}
        for kind in ("starts", "stops"):
            worst = ("–", 0.0)
            for r in (churn if churn is not None else []).itertuples():
                col = f"program_{kind}"
                est_v = (
                    prog.loc[r.program, col] if r.program in prog.index and col in prog else None
                )
                if est_v is None or est_v != est_v or not r.recipients_previous:
                    continue
                gap = abs(est_v - getattr(r, kind) / r.recipients_previous) * 100
                worst = max(worst, (r.program, gap), key=lambda x: x[1])
            gaps[kind] = f"{worst[0]} {worst[1]:.1f}"
        lines.append(f"| {prev}→{period} | {moves} | {gaps['starts']} | {gaps['stops']} |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--periods", default="2024Q1:2025Q2")
    ap.add_argument("--data", default=None, help="an already processed data folder to compare")
    ap.add_argument("--scratch", default=None, help="folder for generated data (default: temp)")
    args = ap.parse_args()
    if args.data:
        publish(
            [
                f"## Series accuracy — {date.today()} — a processed data folder given with --data",
                "",
                *accuracy(Path(args.data)),
            ],
            "series",
        )
        return
    env = {**os.environ, "LEBONGBISA_KEY": os.environ.get("LEBONGBISA_KEY", "benchmark-key-123456")}
    cli = [sys.executable, "-m", "lebongbisa.cli"]
    with tempfile.TemporaryDirectory(dir=args.scratch) as tmp:
        data, reports = Path(tmp) / "data", Path(tmp) / "reports"
        subprocess.run(
            [*cli, "synth", "--periods", args.periods, "--out", str(data / "raw")],
            check=True,
            env=env,
            capture_output=True,
        )
        times = []
        for _ in range(2):  # the whole series, then a rerun with nothing changed
            t = time.perf_counter()
            subprocess.run(
                [*cli, "report", "--data", str(data), "--reports", str(reports)],
                check=True,
                env=env,
                capture_output=True,
            )
            times.append(time.perf_counter() - t)
        lines = [
            f"## Series — {date.today()} — {machine()} — synthetic Lebong (~115,000 persons), "
            f"{args.periods}",
            "",
            f"`lebongbisa report`, every quarter: **{times[0]:.0f} s**; "
            f"rerun with nothing changed: **{times[1]:.1f} s**",
            "",
            *accuracy(data),
        ]
    publish(lines, "series")


if __name__ == "__main__":
    main()
