"""Benchmark what the linkage says about itself, quarter after quarter: estimated against true
pair precision and recall, the officers' decisions carried to later quarters, and how often the
90% intervals of the targeting headline cover the value computed with the true identities.
Run on demand:

    python benchmarks/bench_linkage.py                      # generate 2025Q1:2025Q2, run
    python benchmarks/bench_linkage.py --periods 2024Q3:2025Q2 --persons 20000
    python benchmarks/bench_linkage.py --scenario pilot     # a scenario world
    python benchmarks/bench_linkage.py --no-officer         # model probabilities only
    python benchmarks/bench_linkage.py --data DIR           # a world under DIR/raw (kept)

Each quarter, oldest first: stages 1-3; then (unless --no-officer) the simulated officer
(`synth/officer.py`) answers the review workbook from the truth and stages 2-3 run again with
the answers. Appends a Markdown table to benchmarks/results/linkage.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, publish  # noqa: E402


def coverage(data: Path, period: str) -> pd.DataFrame:
    """Each interval of the quarter with the true-identity value and whether it covers it."""
    from lebongbisa.folder import PeriodFolder
    from lebongbisa.targeting.evaluate import compare_with_truth

    ind = pd.read_csv(PeriodFolder.of(period, data).path("targeting_indicators"))
    truth = compare_with_truth(data, period).set_index(["indicator", "scope_code"]).truth
    rows = []
    for r in ind[ind.indicator.str.endswith("_low")].itertuples():
        name = r.indicator[: -len("_low")]
        high = ind[(ind.indicator == f"{name}_high") & (ind.scope_code == r.scope_code)].value
        t = truth.get((name, r.scope_code))
        if t is None or pd.isna(t) or high.empty:
            continue
        rows.append(
            {
                "indicator": name,
                "scope_code": r.scope_code,
                "low": r.value,
                "high": float(high.iloc[0]),
                "truth": t,
                "covered": r.value - 1e-12 <= t <= float(high.iloc[0]) + 1e-12,
            }
        )
    return pd.DataFrame(rows)


def run(data: Path, reports: Path, officer: bool) -> tuple[list[str], pd.DataFrame]:
    from lebongbisa import stages
    from lebongbisa.folder import PeriodFolder
    from lebongbisa.link.diagnostics import link_quality_vs_truth
    from lebongbisa.synth.officer import answer_review

    lines = [
        "| quarter | precision est / true | recall est / true | answers | decisions "
        "reapplied / contradicted / absent | intervals covering | seconds |",
        "|---|---|---|---:|---|---|---:|",
    ]
    covers = []
    for period in stages.all_periods(data / "raw"):
        t = time.perf_counter()
        for step in (stages.ingest, stages.link, stages.targeting):
            step(period, data, reports, progress=False)
        folder = PeriodFolder.of(period, data, reports)
        carried = json.loads(folder.path("link_summary").read_text())
        answers = 0
        if officer:
            answers = answer_review(folder)
            for step in (stages.link, stages.targeting):
                step(period, data, reports, progress=False)
        q = link_quality_vs_truth(data, period)
        c = coverage(data, period).assign(period=period)
        covers.append(c)
        lines.append(
            f"| {period} | {q['estimated_precision']:.4f} / {q['true_precision']:.4f} "
            f"| {q['estimated_recall']:.4f} / {q['true_recall']:.4f} | {answers} "
            f"| {carried['decisions_applied']} / {carried['decisions_contradicted']} / "
            f"{carried['decisions_absent']} | {c.covered.sum()} of {len(c)} "
            f"| {time.perf_counter() - t:.0f} |"
        )
    return lines, pd.concat(covers, ignore_index=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--periods", default="2025Q1:2025Q2")
    ap.add_argument("--persons", type=int, default=None, help="default: kabupaten scale")
    ap.add_argument("--scenario", default=None, help="a scenario of lebongbisa.synth")
    ap.add_argument("--no-officer", action="store_true")
    ap.add_argument("--scratch", default=None, help="folder for generated data (default: temp)")
    ap.add_argument("--data", default=None, help="a data folder with raw/ and truth/ (kept)")
    args = ap.parse_args()
    os.environ.setdefault("LEBONGBISA_KEY", "benchmark-key-123456")
    from lebongbisa.synth import SCENARIOS, generate

    sc = SCENARIOS[args.scenario or "default"]
    periods = sc.periods if args.scenario else args.periods
    if args.data:
        data = Path(args.data)
        lines, cov = run(data, data.parent / "reports", not args.no_officer)
        world = "a processed data folder given with --data"  # no machine path in the results
    else:
        with tempfile.TemporaryDirectory(dir=args.scratch) as tmp:
            data, reports = Path(tmp) / "data", Path(tmp) / "reports"
            kw = {"persons": args.persons} if args.persons else {}
            generate(periods, seed=58, out=data / "raw", progress=False, scenario=sc, **kw)
            lines, cov = run(data, reports, not args.no_officer)
        world = args.scenario or f"{args.persons or 'kabupaten-scale'} persons"
    officer = "no officer" if args.no_officer else "simulated officer answering each review"
    by = cov.groupby("indicator").covered.agg(["sum", "size"])
    publish(
        [
            f"## Linkage — {date.today()} — {machine()} — {world}, {periods}, {officer}",
            "",
            *lines,
            "",
            f"90% intervals covering the true-identity value: **{cov.covered.sum()} of "
            f"{len(cov)} ({cov.covered.mean():.0%})**; by indicator: "
            + ", ".join(f"{k} {r['sum']}/{r['size']}" for k, r in by.iterrows()),
        ],
        "linkage",
    )


if __name__ == "__main__":
    main()
