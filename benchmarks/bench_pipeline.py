"""Benchmark stages 1-2 (ingest & clean, link) on the synthetic Lebong at several scales.

    python benchmarks/bench_pipeline.py --persons 115000 1000000 2000000 5000000

For each scale: one quarter (2025Q1, the DTSEN regime: a registry of every family plus the
program lists) is generated outside the timing, then each stage runs in a fresh process so
wall time and peak memory (ru_maxrss) are the stage's own. The exact-NIK join on the same
records is timed as the lower bound of what any join costs. Appends a Markdown table to
benchmarks/results/pipeline.md.
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
import json, logging, resource, sys, time
from pathlib import Path
from lebongbisa import stages
logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
logging.getLogger("lebongbisa").setLevel(logging.INFO)
stage, data, reports = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
t = time.perf_counter()
if stage == "ingest":
    stages.ingest("2025Q1", data, progress=False, force=True)
elif stage == "link":
    stages.link("2025Q1", data, reports, force=True, retrain=True)
else:
    import duckdb
    p = data / "processed" / "2025Q1" / "restricted" / "identity.parquet"
    con = duckdb.connect()
    n = con.execute(f"SELECT count(*) FROM read_parquet('{p}') a JOIN read_parquet('{p}') b "
                    "ON a.nik = b.nik AND a.source_file < b.source_file").fetchone()[0]
dt = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": dt, "peak_mb": rss}))
"""


def run(stage: str, data: Path, reports: Path, env: dict) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, stage, str(data), str(reports)],
        capture_output=True,
        text=True,
        env=env,
    )
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    r = json.loads(out.stdout.strip().splitlines()[-1])
    steps = [ln for ln in out.stderr.splitlines() if " s" in ln and "lebongbisa" not in ln[:12]]
    r["steps"] = "; ".join(ln.strip() for ln in steps if not ln.startswith(("WARN", "[")))
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--persons", type=int, nargs="+", default=[115_000, 1_000_000])
    ap.add_argument("--scratch", default=None, help="folder for generated data (default: temp)")
    args = ap.parse_args()
    from lebongbisa.synth import generate

    env = {**os.environ, "LEBONGBISA_KEY": os.environ.get("LEBONGBISA_KEY", "benchmark-key-123456")}
    lines = [
        f"## Stages 1-2 — {date.today()} — {machine()} — one quarter (2025Q1)",
        "",
        "| persons | rows | stage | wall time (s) | peak memory (MB) | rows/s |",
        "|---:|---:|---|---:|---:|---:|",
    ]
    breakdown = []
    with tempfile.TemporaryDirectory(dir=args.scratch) as tmp:
        for n in args.persons:
            data = Path(tmp) / str(n) / "data"
            generate("2025Q1", seed=58, out=data / "raw", persons=n, progress=False)
            for stage in ("ingest", "link", "exact_nik_join"):
                r = run(stage, data, data.parent / "reports", env)
                if stage == "ingest":
                    man = json.loads((data / "processed" / "2025Q1" / "manifest.json").read_text())
                    rows = sum(s["rows_read"] for s in man["sources"])
                lines.append(
                    f"| {n:,} | {rows:,} | {stage} | {r['seconds']:.1f} | "
                    f"{r['peak_mb']:,.0f} | {rows / r['seconds']:,.0f} |"
                )
                print(lines[-1], flush=True)
                if r["steps"]:
                    breakdown.append(f"- {n:,} persons, {stage}: {r['steps']}")
    publish(lines + ["", "Where the time goes (the stage's own log):", "", *breakdown], "pipeline")


if __name__ == "__main__":
    main()
