"""What a page costs before it does any work of its own, on this machine: a kernel's start, an
empty page on a warm kernel (the reset to a fresh namespace, papermill's execution, the
notebook written) and its HTML export; beside them every page of a processed Lebong quarter,
executed on the same warm kernel. The difference is each page's own analysis: the part a
faster page can cut (not part of `make bench`, which times whole quarters).

    python benchmarks/bench_page_floor.py            # the synthetic Lebong, 2024Q4:2025Q1

Prints and appends to benchmarks/results/page_floor.md. Each page runs twice and the second
is recorded (the first imports what the page needs into the kernel, as a run's first pages
do).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from functools import partial
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, publish  # noqa: E402


def _empty_notebook(path: Path) -> Path:
    """A page that does nothing: a parameters cell and one empty cell."""
    params = nbformat.v4.new_code_cell('period = ""', metadata={"tags": ["parameters"]})
    nb = nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_code_cell("pass")])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def measure(data: Path, reports: Path, period: str) -> list[str]:
    import papermill as pm

    from lebongbisa import config, stages
    from lebongbisa.folder import PeriodFolder
    from lebongbisa.kernels import KernelPool
    from lebongbisa.runner import execute_notebook, notebook_parameters, notebook_to_html

    f = PeriodFolder.of(period, data, reports)
    log = f.path("kernel_log")
    log.parent.mkdir(parents=True, exist_ok=True)
    empty = _empty_notebook(reports / "empty.ipynb")
    lines = ["| part | seconds |", "|---|---:|"]
    with KernelPool(config.NOTEBOOKS_DIR) as pool:

        def page(run) -> float:
            """Seconds to lend a kernel (started, or reset to a fresh namespace) and `run` a
            page on it."""
            t0 = time.perf_counter()
            with pool.kernel(log) as km:
                run(km)
            return time.perf_counter() - t0

        def blank(km) -> None:
            pm.execute_notebook(str(empty), str(empty), progress_bar=False, km=km)

        start = page(blank)  # the first page also starts the kernel and papermill's client
        page(blank)  # the first reset imports pandas and matplotlib into the kernel
        warm = page(blank)
        export = [_timed(partial(notebook_to_html, empty, "id")) for _ in range(2)][-1]
        lines += [
            f"| a kernel's start and a first empty page | {start:.2f} |",
            f"| an empty page on a warm kernel (reset, execution, notebook written) | {warm:.2f} |",
            f"| its HTML export | {export:.2f} |",
            "",
            "| page | execution (s) | HTML export (s) | own work (s) |",
            "|---|---:|---:|---:|",
        ]
        for spec in stages.SPECS:
            params = notebook_parameters(spec, period, data, f.reports, "id", 5)
            render = partial(execute_notebook, spec, f, params)
            page(render)  # imports what the page needs into the kernel
            seconds = page(render)
            html = _timed(partial(notebook_to_html, f.stage_notebook(spec.name), "id"))
            own = max(seconds - warm, 0.0)
            lines.append(f"| {spec.name} | {seconds:.2f} | {html:.2f} | {own:.2f} |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=None, help="default: the synthetic Lebong")
    args = ap.parse_args()
    os.environ.setdefault("LEBONGBISA_KEY", "benchmark-key-123456")
    cli = [sys.executable, "-m", "lebongbisa.cli"]
    size = ["--persons", str(args.persons)] if args.persons else []
    with tempfile.TemporaryDirectory() as tmp:
        data, reports = Path(tmp) / "data", Path(tmp) / "reports"
        synth = [*cli, "synth", "--periods", "2024Q4:2025Q1", "--seed", "58", *size]
        subprocess.run([*synth, "--out", str(data / "raw")], check=True, capture_output=True)
        run = [*cli, "run", "--all", "--no-notebooks", "--data", str(data)]
        subprocess.run([*run, "--reports", str(reports)], check=True, capture_output=True)
        lines = measure(data, reports, "2025Q1")
    world = f"{args.persons} persons" if args.persons else "the synthetic Lebong"
    publish(
        [f"## Page floor — {date.today()} — {machine()} — {world}, 2025Q1", "", *lines],
        "page_floor",
    )


if __name__ == "__main__":
    main()
