"""Benchmark `make report`'s work on the synthetic Lebong: generation, then `lebongbisa run`
for the latest quarter end to end, with each stage's compute and notebook time (from the run
log) and, per stage, the peak memory of its computation in a fresh process. Run on demand:

    python benchmarks/bench_report.py

Appends a Markdown table to benchmarks/results/report.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, publish  # noqa: E402

STAGE_CHILD = """
import json, resource, sys, time
from pathlib import Path
from lebongbisa import stages
name, period, data, reports = sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
t = time.perf_counter()
getattr(stages, name)(period, data, reports_dir=reports, progress=False)
print(json.dumps({"seconds": time.perf_counter() - t,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
STAGE_FUNCTIONS = {
    "01_ingest_clean": "ingest",
    "02_link": "link",
    "03_targeting": "targeting",
    "04_working_poor": "working_poor",
    "05_villages": "villages",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--periods", default="2024Q1:2025Q2")
    ap.add_argument("--scratch", default=None, help="folder for generated data (default: temp)")
    args = ap.parse_args()
    env = {**os.environ, "LEBONGBISA_KEY": os.environ.get("LEBONGBISA_KEY", "benchmark-key-123456")}
    cli = [sys.executable, "-m", "lebongbisa.cli"]
    with tempfile.TemporaryDirectory(dir=args.scratch) as tmp:
        data, reports = Path(tmp) / "data", Path(tmp) / "reports"
        t = time.perf_counter()
        subprocess.run(
            [*cli, "synth", "--periods", args.periods, "--out", str(data / "raw")],
            check=True,
            env=env,
            capture_output=True,
        )
        synth_s = time.perf_counter() - t
        period = sorted(p.name for p in (data / "raw").iterdir() if p.is_dir())[-1]
        t = time.perf_counter()
        subprocess.run(
            [*cli, "run", period, "--data", str(data), "--reports", str(reports)],
            check=True,
            env=env,
            capture_output=True,
        )
        run_s = time.perf_counter() - t
        run_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        log = [json.loads(x) for x in (data / "processed" / period / "run_log.jsonl").open()]
        stages = log[-1]["stages"]

        # each stage's computation again, alone in a fresh process, for its own peak memory
        shutil.rmtree(data / "processed" / period / "_stages")
        peaks = {}
        for name, func in STAGE_FUNCTIONS.items():
            out = subprocess.run(
                [sys.executable, "-c", STAGE_CHILD, func, period, str(data), str(reports)],
                check=True,
                env=env,
                capture_output=True,
                text=True,
            ).stdout
            peaks[name] = json.loads(out.strip().splitlines()[-1])

    lines = [
        f"## `make report` work — {date.today()} — {machine()} — synthetic Lebong "
        f"(~115,000 persons), latest quarter {period}",
        "",
        "| step | wall time (s) | of which stage tables (s) | of which notebooks (s) | "
        "peak memory (MB) |",
        "|---|---:|---:|---:|---:|",
        f"| generate {args.periods} | {synth_s:.1f} | | | |",
    ]
    for s in stages:
        p = peaks.get(s["stage"], {})
        lines.append(
            f"| {s['stage']} | {s['seconds']:.1f} | {s.get('compute_seconds', 0):.1f} | "
            f"{s.get('notebook_seconds', 0):.1f} | {p.get('peak_mb', 0):,.0f} |"
        )
    lines += [
        f"| **`lebongbisa run` total** (notebooks two at a time) | **{run_s:.1f}** | | | "
        f"{run_peak:,.0f} (largest process) |",
        f"| **generate + run** (what `make report` does after install) | "
        f"**{synth_s + run_s:.1f}** | | | |",
    ]
    publish(lines, "report")


if __name__ == "__main__":
    main()
