"""Benchmark the synthetic Lebong generator: wall time, peak memory, persons per second.

Run on demand (`python benchmarks/bench_synth.py [--persons 115000 1000000]`); prints a Markdown
table and appends it to benchmarks/results/synth.md. Each scale runs in a fresh process so peak
memory (ru_maxrss) is that scale's own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, publish  # noqa: E402

CHILD = """
import json, resource, sys, time
from lebongbisa.synth import generate
persons, periods, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
t = time.perf_counter()
generate(periods, seed=58, out=out, persons=persons, progress=False)
dt = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": dt, "peak_mb": rss}))
"""


def run(persons: int, periods: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(persons), periods, f"{tmp}/raw"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    res = json.loads(out.strip().splitlines()[-1])
    from lebongbisa.synth import expand_periods

    n_q = len(expand_periods(periods))
    res.update(
        persons=persons,
        periods=periods,
        quarters=n_q,
        persons_quarters_per_s=persons * n_q / res["seconds"],
    )
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--persons", type=int, nargs="+", default=[115_000, 1_000_000])
    ap.add_argument("--periods", default="2024Q1:2025Q2")
    ap.add_argument(
        "--big-periods",
        default="2024Q4:2025Q1",
        help="periods for scales above 200k persons (both registry regimes)",
    )
    args = ap.parse_args()
    lines = [
        f"## Synthetic generator — {date.today()} — {machine()}",
        "",
        "| persons | quarters | wall time (s) | peak memory (MB) | person-quarters/s |",
        "|---:|---:|---:|---:|---:|",
    ]
    for n in args.persons:
        r = run(n, args.periods if n <= 200_000 else args.big_periods)
        lines.append(
            f"| {n:,} | {r['quarters']} | {r['seconds']:.1f} | {r['peak_mb']:,.0f} | "
            f"{r['persons_quarters_per_s']:,.0f} |"
        )
        print(lines[-1], flush=True)
    publish(lines, "synth")


if __name__ == "__main__":
    main()
