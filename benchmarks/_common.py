"""Shared helpers of the benchmark scripts: the machine line and the results file."""

from __future__ import annotations

import os
import platform
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def machine() -> str:
    return f"{platform.machine()}, Python {platform.python_version()}, {os.cpu_count()} cores"


def publish(lines: list[str], name: str) -> None:
    """Print the Markdown table and append it to benchmarks/results/<name>.md."""
    table = "\n".join(lines) + "\n"
    print(table)
    RESULTS.mkdir(exist_ok=True)
    with open(RESULTS / f"{name}.md", "a") as fh:
        fh.write(table + "\n")
