"""Command line: `lebongbisa synth`, `lebongbisa report`. Run `lebongbisa --help`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lebongbisa import __version__, config


def _cmd_synth(args: argparse.Namespace) -> int:
    from lebongbisa.synth import generate

    periods = generate(
        args.periods, seed=args.seed, out=args.out, truth_out=args.truth_out, persons=args.persons
    )
    truth = args.truth_out or Path(args.out).parent / "truth"
    print(
        f"Synthetic Lebong written: {len(periods)} quarter(s) {periods[0]}..{periods[-1]} "
        f"in {args.out}/ (ground truth in {truth}/, never read by the pipeline)"
    )
    return 0


def latest_period(raw: Path) -> str | None:
    """The latest period folder under data/raw that holds a sources.yml."""
    found = sorted(
        p.name
        for p in raw.glob("*")
        if config.PERIOD_RE.match(p.name) and (p / "sources.yml").exists()
    )
    return found[-1] if found else None


def _cmd_report(args: argparse.Namespace) -> int:
    raw = Path(args.raw)
    if latest_period(raw) is None:
        print(f"{raw}/ holds no period yet: generating the synthetic Lebong (2024Q1..2025Q2).")
        from lebongbisa.synth import generate

        generate("2024Q1:2025Q2", seed=58, out=raw)
    period = args.period or latest_period(raw)
    print(f"Raw deliveries for {period}: {raw / period}/ (sources.yml lists them).")
    print("The analysis stages are added by later issues; nothing more to run yet.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="lebongbisa", description=__doc__)
    ap.add_argument("--version", action="version", version=f"lebongbisa {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)

    s = sub.add_parser(
        "synth", help="generate the synthetic Lebong (raw deliveries + ground truth)"
    )
    s.add_argument(
        "--periods",
        default="2024Q1:2025Q2",
        help="quarter or range, e.g. 2024Q3 or 2024Q1:2025Q2 (default %(default)s)",
    )
    s.add_argument("--seed", type=int, default=58, help="random seed (default %(default)s)")
    s.add_argument("--out", default=str(config.RAW_DATA_DIR), help="raw data folder")
    s.add_argument(
        "--truth-out", default=None, help="ground-truth folder (default: 'truth' beside --out)"
    )
    s.add_argument(
        "--persons",
        type=int,
        default=115_000,
        help="population size; millions for benchmarks (default %(default)s)",
    )
    s.set_defaults(func=_cmd_synth)

    r = sub.add_parser("report", help="run every stage for the latest period (make report)")
    r.add_argument("--period", default=None, help="quarter to run (default: latest in --raw)")
    r.add_argument("--raw", default=str(config.RAW_DATA_DIR), help="raw data folder")
    r.set_defaults(func=_cmd_report)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"lebongbisa: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
