"""Benchmark one huge program list (issue #10): a 500,000-row list delivered as .xlsx and as
.csv is ingested (stage 1) in a fresh process; prints wall time, peak memory (ru_maxrss) and
rows per second, beside the memory of a process that only imports the package. Run on demand:

    python benchmarks/bench_large_file.py --rows 500000

Appends a Markdown table to benchmarks/results/large_file.md.
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

import numpy as np
import pandas as pd
import xlsxwriter
import yaml

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, publish  # noqa: E402

CHILD = """
import json, resource, sys, time
from pathlib import Path
from lebongbisa.ingest.stage import ingest_period
raw, out = Path(sys.argv[1]), Path(sys.argv[2])
t = time.perf_counter()
res = ingest_period(raw, out, progress=False) if raw.name != "none" else None
dt = time.perf_counter() - t
rows = sum(s["rows_read"] for s in res.manifest["sources"]) if res else 0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": dt, "peak_mb": rss, "rows": rows}))
"""

HEADER = ["NO", "NIK", "NAMA PENERIMA", "TGL LAHIR", "JK", "DESA", "KECAMATAN", "NOMINAL"]


def program_list(n: int, seed: int = 1) -> pd.DataFrame:
    """A PKH-like list of n rows with valid-looking NIKs, names and Lebong villages."""
    from lebongbisa.gazetteer import villages

    rng = np.random.default_rng(seed)
    v = villages().sample(n, replace=True, random_state=seed).reset_index(drop=True)
    born = pd.Timestamp("1950-01-01") + pd.to_timedelta(rng.integers(0, 25_000, n), unit="D")
    female = rng.random(n) < 0.5
    day = born.day.to_numpy() + np.where(female, 40, 0)
    nik = (
        v.village_code.str[:6]
        + pd.Series(day).map("{:02d}".format)
        + born.strftime("%m%y").to_numpy()
        + pd.Series(rng.integers(1, 9999, n)).map("{:04d}".format)
    )
    first = np.array(["SITI", "AHMAD", "RINA", "BUDI", "DEWI", "HENDRA", "YULI", "AGUS"])
    last = np.array(["AMINAH", "SAPUTRA", "WATI", "EFENDI", "SARI", "HIDAYAT", "LESTARI"])
    return pd.DataFrame(
        {
            "NO": np.arange(1, n + 1),
            "NIK": nik,
            "NAMA PENERIMA": pd.Series(rng.choice(first, n)) + " " + rng.choice(last, n),
            "TGL LAHIR": born.strftime("%d/%m/%Y"),
            "JK": np.where(female, "P", "L"),
            "DESA": v.village_name,
            "KECAMATAN": v.district_name,
            "NOMINAL": 600_000,
        }
    )


def write_xlsx(df: pd.DataFrame, path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet()
    ws.write_string(0, 0, "DAFTAR PENERIMA BANTUAN")
    ws.write_row(2, 0, list(df.columns))
    for i, row in enumerate(df.itertuples(index=False, name=None), start=3):
        ws.write_row(i, 0, row)
    wb.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=500_000)
    ap.add_argument("--scratch", default=None, help="folder for generated files (default: temp)")
    args = ap.parse_args()
    env = {**os.environ, "LEBONGBISA_KEY": os.environ.get("LEBONGBISA_KEY", "benchmark-key-123456")}
    lines = [
        f"## One large program list — {date.today()} — {machine()}",
        "",
        "| file | rows | size (MB) | wall time (s) | peak memory (MB) | rows/s |",
        "|---|---:|---:|---:|---:|---:|",
    ]

    def ingest(raw: Path, out: Path) -> dict:
        res = subprocess.run(
            [sys.executable, "-c", CHILD, str(raw), str(out)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        return json.loads(res.stdout.strip().splitlines()[-1])

    with tempfile.TemporaryDirectory(dir=args.scratch) as tmp:
        df = program_list(args.rows)
        base = ingest(Path(tmp) / "none", Path(tmp) / "none_out")
        lines.append(f"| (package imported, nothing read) | 0 | 0 | 0 | {base['peak_mb']:,.0f} | |")
        for suffix in ("csv", "xlsx"):
            raw = Path(tmp) / suffix / "2025Q1"
            raw.mkdir(parents=True)
            f = raw / f"pkh_besar.{suffix}"
            if suffix == "csv":
                df.to_csv(f, sep=";", index=False)
            else:
                write_xlsx(df, f)
            (raw / "sources.yml").write_text(
                yaml.safe_dump(
                    {
                        "period": "2025Q1",
                        "sources": [{"file": f.name, "kind": "program", "program": "PKH"}],
                    }
                )
            )
            r = ingest(raw, Path(tmp) / suffix / "processed")
            lines.append(
                f"| .{suffix} | {r['rows']:,} | {f.stat().st_size / 2**20:,.0f} | "
                f"{r['seconds']:.1f} | {r['peak_mb']:,.0f} | {r['rows'] / r['seconds']:,.0f} |"
            )
            print(lines[-1], flush=True)
    publish(lines, "large_file")


if __name__ == "__main__":
    main()
