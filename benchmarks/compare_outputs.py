"""Every table a run writes, compared between two revisions of lebongbisa on the same
synthetic quarters: what a refactoring promises ("behaviour stays the same") checked.

    python benchmarks/compare_outputs.py --base 590467d            # base against this checkout
    python benchmarks/compare_outputs.py --base v0.1 --head main --persons 115000

The synthetic Lebong is generated once (by this checkout's generator) and run quarter by
quarter (`lebongbisa run P --no-notebooks`) with each revision, in a git worktree of the base
and the head (this checkout unless `--head` names a revision), with the same key. Then every
file under processed/ and the reports' restricted/ folders is compared by content: parquet,
CSV and Excel as tables (values and row order; floats to 1e-9 relative), JSON as data. Run
logs, cache markers and the pages (HTML, notebooks: their images differ by bytes) are not
compared. Appends a Markdown table to benchmarks/results/compare_outputs.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
from _common import machine, publish

ROOT = Path(__file__).resolve().parents[1]
KEY = "compare-outputs-key-0123456789"
#: files that record the run itself (times, hosts, fingerprints), not its results
SKIPPED_NAMES = {"run_log.jsonl", ".stages.json", ".kernels.log", "lebongbisa.duckdb"}
SKIPPED_SUFFIXES = {".html", ".ipynb", ".lock", ".tmp"}
SKIPPED_FOLDERS = {"_stages"}  # the stage cache's fingerprints (code hash, absolute paths)


def checkout(rev: str | None, where: Path) -> Path:
    """This checkout (rev None) or a git worktree of `rev` under `where`."""
    if rev is None:
        return ROOT
    tree = where / f"tree-{rev}"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev],
        check=True,
        capture_output=True,
    )
    return tree


def run_quarters(tree: Path, raw: Path, root: Path, periods: list[str]) -> Path:
    """The quarters run oldest first with the revision in `tree`: the data folder."""
    data = root / "data"
    shutil.copytree(raw, data / "raw")
    env = {**os.environ, "PYTHONPATH": str(tree), "LEBONGBISA_KEY": KEY}
    env["LEBONGBISA_KEY_FILE"] = str(root / "key")
    for period in periods:
        cmd = [sys.executable, "-m", "lebongbisa.cli", "run", period, "--no-notebooks"]
        cmd += ["--data", str(data), "--reports", str(root / "reports")]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tree)
        if done.returncode != 0:
            raise SystemExit(f"{tree.name} {period} failed:\n{done.stderr[-3000:]}")
    return data


def outputs(root: Path) -> dict[str, Path]:
    """Every compared output under a run's data and reports folders, by relative path."""
    found = {}
    for top in (root / "data" / "processed", root / "reports"):
        for p in sorted(top.rglob("*")):
            skipped = p.suffix in SKIPPED_SUFFIXES or SKIPPED_FOLDERS & set(p.parts)
            if p.is_file() and p.name not in SKIPPED_NAMES and not skipped:
                if p.name.startswith(".") and p.suffix == ".json":  # cache markers, page params
                    continue
                found[p.relative_to(root).as_posix()] = p
    return found


def _tables(path: Path) -> dict[str, pd.DataFrame]:
    if path.suffix == ".parquet":
        return {"": pd.read_parquet(path)}
    if path.suffix == ".csv":
        return {"": pd.read_csv(path, dtype=str, keep_default_na=False)}
    return pd.read_excel(path, sheet_name=None, dtype=str, engine="calamine")


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    """Each column that holds only numbers (and blanks) as numbers."""
    out = frame.copy()
    for c in out.columns:
        with contextlib.suppress(ValueError, TypeError):  # a column of text stays text
            out[c] = pd.to_numeric(out[c].replace("", None))
    return out


def difference(a: Path, b: Path) -> str:
    """'' when the two files hold the same content, else what differs."""
    if a.suffix in (".parquet", ".csv", ".xlsx"):
        ta, tb = _tables(a), _tables(b)
        if sorted(ta) != sorted(tb):
            return f"sheets {sorted(ta)} / {sorted(tb)}"
        for sheet, fa in ta.items():
            fb = tb[sheet]
            if a.suffix == ".csv":  # numbers written as text: compare them as numbers
                fa, fb = _numeric(fa), _numeric(fb)
            try:
                pd.testing.assert_frame_equal(fa, fb, check_exact=False, rtol=1e-9)
            except AssertionError as exc:
                return f"{sheet or 'table'}: {' '.join(str(exc).split())[:160]}"
        return ""
    if a.suffix in (".json", ".jsonl"):
        return "" if json.loads(a.read_text()) == json.loads(b.read_text()) else "JSON differs"
    return "" if a.read_bytes() == b.read_bytes() else "bytes differ"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", required=True, help="the revision compared against")
    ap.add_argument("--head", help="a revision (default: this checkout as it is)")
    ap.add_argument("--periods", default="2024Q4:2025Q1")
    ap.add_argument("--persons", type=int, default=4_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from lebongbisa.synth import expand_periods, generate

    periods = expand_periods(args.periods)
    with tempfile.TemporaryDirectory(prefix="lebongbisa-compare-") as tmp:
        tmp = Path(tmp)
        raw = tmp / "raw"
        generate(args.periods, seed=args.seed, out=raw, persons=args.persons, progress=False)
        trees = {"base": checkout(args.base, tmp), "head": checkout(args.head, tmp)}
        try:
            for side, tree in trees.items():
                print(f"running {', '.join(periods)} with the {side} ({tree})")
                run_quarters(tree, raw, tmp / side, periods)
            a, b = outputs(tmp / "base"), outputs(tmp / "head")
            rows = []
            for name in sorted(set(a) | set(b)):
                if name not in b or name not in a:
                    rows.append((name, "only in " + ("base" if name in a else "head")))
                elif diff := difference(a[name], b[name]):
                    rows.append((name, diff))
        finally:
            for tree in trees.values():
                if tree != ROOT:
                    remove = ["worktree", "remove", "--force", str(tree)]
                    subprocess.run(["git", "-C", str(ROOT), *remove], check=False)
    same = len(set(a) & set(b)) - sum(1 for _, d in rows if not d.startswith("only in"))
    lines = [
        f"## {date.today()} · {args.base} → {args.head or 'checkout'} · {args.periods}, "
        f"{args.persons:,} persons · {machine()}",
        "",
        f"{same} of {len(set(a) | set(b))} outputs identical in content.",
        "",
        "| output | difference |",
        "|---|---|",
        *(f"| {n} | {d} |" for n, d in rows),
    ]
    publish(lines, "compare_outputs")


if __name__ == "__main__":
    main()
