"""The figures of a quarter's run, each beside the raw-read floor measured in the same run
(`make bench`):

    python benchmarks/bench_quarter.py                 # kabupaten scale, every figure
    python benchmarks/bench_quarter.py --repeat 1 --skip-series

1. the floor: every raw file of one Lebong quarter read as text (CSV with DuckDB, Excel with
   python-calamine), the least any run must do;
2. a forced `lebongbisa run PERIOD --force` of that quarter (all stage tables and every page),
   in a fresh process: wall time, CPU seconds of its process tree (how busy it keeps the
   cores), peak memory, and the breakdown per stage (computation and page) from the run log;
3. `make report` from nothing (`lebongbisa report` on an empty data folder: the synthetic
   Lebong generated in a process of its own, each quarter run as soon as it is written), and
   the same command again with nothing changed.

Appends a Markdown table to benchmarks/results/quarter.md (no machine paths in it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, publish  # noqa: E402

PERIODS = "2024Q1:2025Q2"
SEED = 58


def raw_read_floor(folder: Path) -> float:
    """Seconds to read every delivered file of a period folder as text."""
    import duckdb
    from python_calamine import CalamineWorkbook

    doc = yaml.safe_load((folder / "sources.yml").read_text())
    t0 = time.perf_counter()
    con = duckdb.connect()
    for s in doc["sources"]:
        path = folder / s["file"]
        if path.suffix.lower() in (".xlsx", ".xls", ".xlsm", ".ods"):
            wb = CalamineWorkbook.from_path(str(path))
            for name in wb.sheet_names:
                wb.get_sheet_by_name(name).to_python()
        else:
            con.sql(
                f"SELECT * FROM read_csv('{path}', all_varchar=true, header=false, "
                "ignore_errors=true, null_padding=true)"
            ).fetchall()
    return time.perf_counter() - t0


#: runs a command and reports the peak memory and the CPU seconds of its process tree (the
#: children's rusage: the run, its kernels and its workbook writers, each waited for)
PEAK = (
    "import resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[1:])\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(u.ru_maxrss, u.ru_utime + u.ru_stime, file=sys.stderr)\n"
    "sys.exit(r.returncode)"
)


def timed(cmd: list[str], env: dict) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds and peak memory (GiB) of the command's process tree, exit
    code."""
    t0 = time.perf_counter()
    res = subprocess.run(
        [sys.executable, "-c", PEAK, *cmd], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - t0
    if res.returncode != 0:
        print(res.stderr[-2000:], file=sys.stderr)
    peak_kib, cpu = res.stderr.strip().splitlines()[-1].split()
    return seconds, float(cpu), int(peak_kib) / 1024**2, res.returncode


def synthesize(cli: list[str], raw: Path, env: dict) -> None:
    """The synthetic Lebong's quarters under `raw`, as `make report` generates them."""
    cmd = [*cli, "synth", "--periods", PERIODS, "--seed", str(SEED), "--out", str(raw)]
    subprocess.run(cmd, env=env, check=True, capture_output=True)


def breakdown(processed: Path) -> dict[str, tuple[float, float]]:
    """(computation, page) seconds per stage of the latest run in the run log."""
    last = [json.loads(x) for x in (processed / "run_log.jsonl").read_text().splitlines()][-1]
    return {
        s["stage"]: (s.get("compute_seconds", 0.0), s.get("notebook_seconds", 0.0))
        for s in last.get("stages", [])
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--period", default="2025Q2", help="the quarter timed alone")
    ap.add_argument("--repeat", type=int, default=2, help="measure each figure this many times")
    ap.add_argument("--skip-series", action="store_true", help="leave out `make report`")
    args = ap.parse_args()
    cli = [sys.executable, "-m", "lebongbisa.cli"]
    rows, stages_seen = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {**os.environ, "LEBONGBISA_HOME": str(root), "LEBONGBISA_KEY": "bench-key-0123456789"}
        data, reports = root / "data", root / "reports"
        t0 = time.perf_counter()
        synthesize(cli, data / "raw", env)
        synth_seconds = time.perf_counter() - t0
        folder = data / "raw" / args.period
        run = [*cli, "run", args.period, "--data", str(data), "--reports", str(reports)]
        for i in range(args.repeat):
            floor = raw_read_floor(folder)
            seconds, cpu, peak, rc = timed([*run, "--force"], env)
            parts = breakdown(data / "processed" / args.period)
            stages_seen = parts
            rows.append(
                (
                    f"forced `run {args.period}`, tables and pages (#{i + 1})",
                    seconds,
                    cpu,
                    peak,
                    floor,
                    rc,
                )
            )
            rows.append(
                (
                    f"stage 1 at Lebong scale (#{i + 1})",
                    parts["01_ingest_clean"][0],
                    None,
                    None,
                    floor,
                    rc,
                )
            )
        if not args.skip_series:
            series_data, series_reports = root / "series" / "data", root / "series" / "reports"
            report = [*cli, "report", "--data", str(series_data), "--reports", str(series_reports)]
            seconds, cpu, peak, rc = timed(report, env)
            rows.append(
                (
                    "`make report` from nothing (synthesis + 6 quarters)",
                    seconds,
                    cpu,
                    peak,
                    floor,
                    rc,
                )
            )
            for i in range(args.repeat):
                seconds, cpu, peak, rc = timed(report, env)
                rows.append(
                    (f"rerun with nothing changed (#{i + 1})", seconds, cpu, peak, floor, rc)
                )
    lines = [
        f"## {date.today()} — {machine()}",
        "",
        f"Synthetic Lebong, seed {SEED}, {PERIODS} (synthesis {synth_seconds:.0f} s).",
        "",
        "CPU seconds: the run's process tree (the run, its kernels, its workbook writers);"
        f" cores busy: CPU seconds over wall seconds, at most {os.cpu_count()} here.",
        "",
        "| measure | seconds | CPU s | cores busy | peak GiB | raw-read floor (s) | × floor "
        "| exit |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for what, seconds, cpu, peak, floor, rc in rows:
        mem = f"{peak:.2f}" if peak is not None else ""
        busy = (f"{cpu:.1f}", f"{cpu / seconds:.2f}") if cpu is not None else ("", "")
        lines.append(
            f"| {what} | {seconds:.1f} | {busy[0]} | {busy[1]} | {mem} | {floor:.2f} "
            f"| {seconds / floor:.0f}× | {rc} |"
        )
    lines += [
        "",
        "Breakdown of the last forced run (seconds):",
        "",
        "| stage | computation | page |",
        "|---|---:|---:|",
    ]
    lines += [f"| {s} | {c:.1f} | {p:.1f} |" for s, (c, p) in stages_seen.items()]
    publish(lines, "quarter")


if __name__ == "__main__":
    main()
