"""The area briefs at kabupaten scale: every kecamatan and desa page of one
Lebong quarter rendered from its indicators, with the previous quarter for the changes
(not part of `make bench`, which times the whole quarter with its pages).

    python benchmarks/bench_briefs.py             # 2024Q4:2025Q1, full scale, 3 renders
    python benchmarks/bench_briefs.py --persons 20000 --repeat 1

Prints and appends to benchmarks/results/briefs.md: pages, seconds per render (the 13 maps
and the small-cell protection of two quarters apart), pages per second, the pages' total size
and the peak memory.
"""

from __future__ import annotations

import argparse
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
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from lebongbisa import indicators
    from lebongbisa.briefs.render import maps, render_all
    from lebongbisa.folder import PeriodFolder
    from lebongbisa.report import disclosure

    with tempfile.TemporaryDirectory() as tmp:
        data, reports = Path(tmp) / "data", Path(tmp) / "reports"
        size = ["--persons", str(args.persons)] if args.persons else []
        cli = [sys.executable, "-m", "lebongbisa"]
        subprocess.run(
            [
                *cli,
                "synth",
                "--periods",
                "2024Q4:2025Q1",
                "--seed",
                "58",
                *size,
                "--out",
                str(data / "raw"),
            ],
            check=True,
            capture_output=True,
        )
        for period in ("2024Q4", "2025Q1"):
            subprocess.run(
                [
                    *cli,
                    "run",
                    period,
                    "--data",
                    str(data),
                    "--reports",
                    str(reports),
                    "--no-notebooks",
                ],
                check=True,
                capture_output=True,
            )
        folder = PeriodFolder.of("2025Q1", data, reports)
        ind = indicators.read(folder)
        t0 = time.perf_counter()
        kecamatan = ind.scope_code[(ind.scope_type == "kecamatan") & ind.scope_code.str.isdigit()]
        maps(ind, sorted(set(kecamatan)), "id", 5)
        map_seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        published = disclosure.published(folder, 5)  # both quarters, as the briefs read them
        protect_seconds = time.perf_counter() - t0
        hidden = int((published.hidden != "").sum())
        seconds = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            areas = render_all(folder, "id", 5)
            seconds.append(time.perf_counter() - t0)
        size_mb = sum((folder.reports / p).stat().st_size for p in areas.page) / 1e6
        rows = len(ind)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    best = min(seconds)
    publish(
        [
            f"### Area briefs, {date.today()} ({machine()})",
            "",
            "| persons | indicator rows | pages | render s (best of "
            f"{args.repeat}) | of which 13 maps s | small cells s (cells hidden) | pages/s "
            "| pages MB | peak GiB |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {args.persons or 'Lebong'} | {rows:,} | {len(areas)} | {best:.1f} "
            f"| {map_seconds:.1f} | {protect_seconds:.1f} ({hidden:,}) | {len(areas) / best:.0f} "
            f"| {size_mb:.1f} | {peak:.2f} |",
        ],
        "briefs",
    )


if __name__ == "__main__":
    main()
