"""Benchmark stage 1 (ingest & clean): wall time, peak memory and rows per second for one
quarter at Lebong scale and larger. Run on demand:

    python benchmarks/bench_ingest.py --persons 115000 1000000

Each scale is generated once into a scratch folder (outside the timing), then ingested in a
fresh process so peak memory (ru_maxrss) is the stage's own. Appends a Markdown table to
benchmarks/results/ingest.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, publish  # noqa: E402

CHILD = """
import json, resource, sys, time
from pathlib import Path
from lebongbisa.ingest.stage import ingest_period
raw, out = Path(sys.argv[1]), Path(sys.argv[2])
t = time.perf_counter()
res = ingest_period(raw, out, progress=False)
dt = time.perf_counter() - t
rows = sum(s["rows_read"] for s in res.manifest["sources"])
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": dt, "peak_mb": rss, "rows": rows}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--persons", type=int, nargs="+", default=[115_000, 1_000_000])
    ap.add_argument("--period", default="2025Q1")
    ap.add_argument("--scratch", default=None, help="folder for generated data (default: temp)")
    args = ap.parse_args()
    from lebongbisa.synth import generate

    env = {**os.environ, "LEBONGBISA_KEY": os.environ.get("LEBONGBISA_KEY", "benchmark-key-123456")}
    lines = [
        f"## Stage 1 ingest — {date.today()} — {machine()} — one quarter ({args.period})",
        "",
        "| persons | rows read | wall time (s) | peak memory (MB) | rows/s |",
        "|---:|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory(dir=args.scratch) as tmp:
        for n in args.persons:
            root = Path(tmp) / str(n)
            generate(args.period, seed=58, out=root / "raw", persons=n, progress=False)
            out = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    CHILD,
                    str(root / "raw" / args.period),
                    str(root / "processed"),
                ],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            lines.append(
                f"| {n:,} | {r['rows']:,} | {r['seconds']:.1f} | {r['peak_mb']:,.0f} | "
                f"{r['rows'] / r['seconds']:,.0f} |"
            )
            print(lines[-1], flush=True)
    publish(lines, "ingest")


if __name__ == "__main__":
    main()
