"""Field results at kabupaten scale: one quarter's by-name lists returned with results drawn
from the synthetic truth (lebongbisa.synth.verification), read into the next quarter
(not part of `make bench`).

    python benchmarks/bench_verification.py                  # full scale, 2024Q4 -> 2025Q1
    python benchmarks/bench_verification.py --persons 20000

Prints and appends to benchmarks/results/verification.md: the returned rows read, accepted
and quarantined, the results kept, the persons they took off, stages 1-3 of the next quarter
without and with the returned lists, and the peak memory of the runs.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, publish  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=None, help="default: the synthetic Lebong")
    args = ap.parse_args()
    from lebongbisa.folder import PeriodFolder
    from lebongbisa.synth.verification import return_lists

    cli = [sys.executable, "-m", "lebongbisa"]
    with tempfile.TemporaryDirectory() as tmp:
        data, reports = Path(tmp) / "data", Path(tmp) / "reports"
        size = ["--persons", str(args.persons)] if args.persons else []
        synth = [*cli, "synth", "--periods", "2024Q4:2025Q1", "--seed", "58", *size]
        subprocess.run([*synth, "--out", str(data / "raw")], check=True, capture_output=True)

        def run(period: str) -> float:
            t0 = time.perf_counter()
            where = ["--data", str(data), "--reports", str(reports)]
            stop = ["--until", "03_targeting", "--no-notebooks"]
            subprocess.run([*cli, "run", period, *where, *stop], check=True, capture_output=True)
            return time.perf_counter() - t0

        run("2024Q4")
        without = run("2025Q1")
        sent = PeriodFolder.of("2024Q4", data, reports)
        visited = return_lists(sent, data / "raw" / "2025Q1", data / "truth" / "2025Q1", seed=5)
        with_lists = run("2025Q1")
        back = PeriodFolder.of("2025Q1", data, reports)
        manifest = json.loads(back.path("manifest").read_text())
        returned = [s for s in manifest["sources"] if s["kind"] == "verification"]
        read = sum(s["rows_read"] for s in returned)
        quarantined = sum(s["rows_quarantined"] for s in returned)
        kept = json.loads(back.path("targeting_summary").read_text())["verification"]
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
    publish(
        [
            f"### Field results read back, {date.today()} ({machine()})",
            "",
            "| persons | rows visited | returned rows read | quarantined | results kept "
            "| persons taken off | stages 1-3 without s | with s | peak GiB |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {args.persons or 'Lebong'} | {len(visited):,} | {read:,} | {quarantined:,} "
            f"| {kept['results_this_quarter']:,} | {kept['persons_taken_off']:,} "
            f"| {without:.1f} | {with_lists:.1f} | {peak:.2f} |",
        ],
        "verification",
    )


if __name__ == "__main__":
    main()
