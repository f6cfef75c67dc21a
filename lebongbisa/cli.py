"""Command line: `lebongbisa synth`, `lebongbisa report`. Run `lebongbisa --help`."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from pathlib import Path

from lebongbisa import __version__, config, privacy
from lebongbisa.audit import describe
from lebongbisa.errors import InputError
from lebongbisa.folder import DataRoot, PeriodFolder
from lebongbisa.kernels import KernelPool
from lebongbisa.privacy import KeyError_
from lebongbisa.runlock import PeriodLocked
from lebongbisa.runner import (
    STAGES,
    SeriesTurn,
    StageFailed,
    in_background,
    relink_indexes,
    run_period,
)
from lebongbisa.stages import all_periods, latest_period
from lebongbisa.synth.scenarios import SCENARIOS


def _cmd_synth(args: argparse.Namespace) -> int:
    from lebongbisa.synth import generate
    from lebongbisa.synth.scenarios import get

    scenario = get(args.scenario)
    default_periods = "2024Q1:2025Q2" if scenario.name == "default" else scenario.periods
    periods = generate(
        args.periods or default_periods,
        seed=args.seed,
        out=args.out,
        truth_out=args.truth_out,
        persons=args.persons,
        scenario=scenario,
    )
    truth = args.truth_out or Path(args.out).parent / "truth"
    print(
        f"Synthetic Lebong written: {len(periods)} quarter(s) {periods[0]}..{periods[-1]} "
        f"in {args.out}/ (ground truth in {truth}/, never read by the pipeline)"
    )
    return 0


def _cmd_run(
    args: argparse.Namespace,
    planned: list[str] | None = None,
    ready: Callable[[str], None] | None = None,
) -> int:
    """One period, or every period oldest first (`--all`, `report` without a period, or a key
    rotation). In a series a quarter that fails does not stop the later ones: each failure is
    printed, the others complete, and the exit code says something failed. `planned`: the
    periods being generated (instead of those under data/raw), each started once
    `ready(period)` returns."""

    data = Path(args.data)
    every = planned or all_periods(DataRoot.of(data).raw)
    if not every:
        raise UserError(
            f"no period with a sources.yml under {data / 'raw'}; "
            "run `lebongbisa synth`, or copy the quarter's files there and run "
            "`lebongbisa init PERIOD`"
        )
    if args.period and args.all:
        raise UserError("give a PERIOD or --all, not both")
    if args.rotate_key:  # every quarter again, oldest first, with the new key
        periods = every
        _start_rotation(data, Path(args.reports), periods)
    elif args.all:
        periods = every
    else:
        periods = [args.period or every[-1]]
    failed = []

    def reported(p: str, result: Callable[[], Path]) -> None:
        """A quarter's result printed; a failure of its own is kept and the series goes on."""
        try:
            index = result()
        except (InputError, StageFailed) as exc:
            if len(periods) == 1:
                raise
            failed.append(p)
            print(f"lebongbisa: {p}: {exc}", file=sys.stderr)
            return
        print(f"{'Tables' if args.no_notebooks else 'Report'} for {p}: {index}")

    given = getattr(args, "kernels", None)
    pool = KernelPool(config.NOTEBOOKS_DIR) if given is None else contextlib.nullcontext(given)
    with pool as kernels:  # the quarters share the kernels
        # oldest first; the next quarter computes while this one's pages render
        # (runner.SeriesTurn); results are reported oldest first as they end
        reports = Path(args.reports)
        options = dict(
            force=args.force or args.rotate_key,
            allow_partial=args.allow_partial,
            lang=args.lang,
            retrain=args.retrain,
            min_cell=args.min_cell,
            wait=args.wait,
            until=args.until,
            notebooks=not args.no_notebooks,
            pages=_pages(args.pages),
            engine=args.engine,
            config=Path(args.config) if args.config else None,
            kernels=kernels,
        )
        ready = ready or (lambda period: None)
        if len(periods) == 1:  # in this thread: Ctrl-C interrupts the run itself
            ready(periods[0])
            reported(periods[0], partial(run_period, periods[0], data, reports, **options))
        else:
            _series(periods, data, reports, options, reported, ready)
    if len(periods) > 1 and not args.no_notebooks:
        relink_indexes(Path(args.reports))
    if args.rotate_key and not failed:
        privacy.finish_rotation(DataRoot.of(data))
    if failed:
        raise StageFailed(
            f"{len(failed)} of {len(periods)} quarters did not complete: {', '.join(failed)} "
            "(each named above); the others' reports were written"
        )
    return 0


def _series(
    periods: list[str],
    data: Path,
    reports: Path,
    options: dict,
    reported: Callable[[str, Callable[[], Path]], None],
    ready: Callable[[str], None] = lambda period: None,
) -> None:
    """Every quarter oldest first, each in a thread of its own: the next quarter computes
    while this one's pages render (runner.SeriesTurn); results are `reported` oldest first as
    they end; a quarter starts once `ready(period)` returns (its data being generated). Ctrl-C,
    or an error that stops the series (a locked quarter, a changed key, a failed
    generation), is recorded as an interruption in the run log of every quarter still in
    flight (Ctrl-C reaches this thread only) and ends the series at once."""
    runs: list[tuple[str, Future, SeriesTurn]] = []
    previous = None
    try:
        for p in periods:
            ready(p)
            turn = SeriesTurn(previous=previous)
            previous = in_background(run_period, p, data, reports, series=turn, **options)
            runs.append((p, previous, turn))
            while not (turn.tables.wait(0.1) or previous.done()):
                pass  # its tables first: the next quarter reads them
            while runs and runs[0][1].done():
                p, run, _ = runs.pop(0)
                reported(p, run.result)
        for p, run, _ in runs:
            reported(p, run.result)
    except BaseException as exc:
        why = describe(exc)
        if not isinstance(exc, KeyboardInterrupt):
            why = f"the series stopped at another quarter's error ({why})"
        for _, run, turn in runs:
            if not run.done() and turn.log is not None:
                turn.log.interrupt(why)
        raise


def _start_rotation(data: Path, reports: Path, periods: list[str]) -> None:
    """Before every quarter is reprocessed with a new key: carry the officers' decisions over
    to the new identity keys, and mark the rotation so the quarters not yet reprocessed pass
    the key check until their turn."""
    from lebongbisa.link.rekey import NOT_CARRIED, rekey_decisions

    print(f"Rotating the key: reprocessing {', '.join(periods)} with the current key.")
    if not privacy.rotating(DataRoot.of(data)):
        counts = rekey_decisions([PeriodFolder.of(p, data, reports) for p in periods])
        print(
            f"Officers' decisions carried over to the new key: {counts['carried']}"
            + (
                f"; {counts['not_carried']} not carried over (their people are in no quarter "
                f"kept here), listed in restricted/{NOT_CARRIED}"
                if counts["not_carried"]
                else ""
            )
            + "."
        )
    privacy.start_rotation(DataRoot.of(data))


def _pages(value: str | None) -> list[str] | None:
    """`--pages a,b`: the stage names, checked (None: every page)."""
    if value is None:
        return None
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in {s.name for s in STAGES}]
    if unknown:
        raise UserError(
            f"--pages: unknown stage(s) {', '.join(unknown)}; "
            f"known: {', '.join(s.name for s in STAGES)}"
        )
    return names


def _cmd_init(args: argparse.Namespace) -> int:
    from lebongbisa.ingest.propose import init_period

    if not config.PERIOD_RE.match(args.period):
        raise UserError(f"{args.period!r} is not a quarter like 2025Q1")
    for note in init_period(PeriodFolder.of(args.period, Path(args.data)).raw, args.period):
        print(note)
    return 0


def _cmd_templates(args: argparse.Namespace) -> int:
    from lebongbisa import templates

    for path in templates.write_all(Path(args.out)):
        print(f"Template written: {path}")
    return 0


def _cmd_key(args: argparse.Namespace) -> int:
    if args.action in ("export", "import") and not args.file:
        raise UserError(f"`lebongbisa key {args.action}` needs a FILE")
    if args.action == "export":
        dest = privacy.export_key(Path(args.file))
        print(
            f"Key written to {dest} (readable only by you). Keep it as safely as the data; on "
            f"another machine run `lebongbisa key import {dest.name}`."
        )
    elif args.action == "import":
        target, fp, backup = privacy.import_key(Path(args.file), replace=args.replace)
        print(f"Key installed at {target}; fingerprint {fp}.")
        if backup:
            print(f"The key it replaced is kept at {backup}.")
        if os.environ.get(privacy.KEY_ENV):
            print(f"Note: {privacy.KEY_ENV} is set and takes precedence over the key file.")
    else:
        print(f"Key: {privacy.key_source()}\nFingerprint: {privacy.fingerprint()}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    raw = DataRoot.of(Path(args.data)).raw
    args.all = args.all or args.period is None  # the whole series unless a period is named
    if latest_period(raw) is not None:
        return _cmd_run(args)
    print(
        f"{raw}/ holds no period yet: generating the synthetic Lebong (2024Q1..2025Q2); "
        "each quarter is processed as soon as it is written."
    )
    from lebongbisa import synth

    with synth.Generation("2024Q1:2025Q2", seed=58, out=raw) as generation:
        return _cmd_run(args, generation.periods, generation.ready)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="lebongbisa", description=__doc__)
    ap.add_argument("--version", action="version", version=f"lebongbisa {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)

    s = sub.add_parser(
        "synth", help="generate the synthetic Lebong (raw deliveries + ground truth)"
    )
    s.add_argument(
        "--periods",
        default=None,
        help="quarter or range, e.g. 2024Q3 or 2024Q1:2025Q2 (default 2024Q1:2025Q2, or the "
        "scenario's own periods)",
    )
    s.add_argument(
        "--scenario",
        default="default",
        choices=list(SCENARIOS),
        help="a world of another shape: "
        + "; ".join(f"{k}: {v.description}" for k, v in SCENARIOS.items() if k != "default"),
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

    i = sub.add_parser(
        "init",
        help="propose a sources.yml (and programs.yml) for the files in data/raw/PERIOD/",
    )
    i.add_argument("period", help="quarter such as 2025Q1 (its folder under data/raw)")
    i.add_argument(
        "--data", default=str(config.DATA_DIR), help="data folder holding raw/ and processed/"
    )
    i.set_defaults(func=_cmd_init)

    t = sub.add_parser(
        "templates",
        help="write the input templates an office fills in (program list, UMKM registry)",
    )
    t.add_argument("--out", default="templates", help="folder to write them to")
    t.set_defaults(func=_cmd_templates)

    k = sub.add_parser(
        "key", help="show, export or import the pseudonymisation key (keep quarters comparable)"
    )
    k.add_argument("action", nargs="?", default="show", choices=["show", "export", "import"])
    k.add_argument("file", nargs="?", help="file to export to or import from")
    k.add_argument("--replace", action="store_true", help="import over a different key")
    k.set_defaults(func=_cmd_key)

    for name, helptext in (
        ("run", "run every stage for a period and write reports/<period>/index.html"),
        (
            "report",
            "what `make report` runs: generate the synthetic Lebong if data/raw is empty, "
            "then run every period under data/raw, oldest first (a period reused when its "
            "inputs are unchanged)",
        ),
    ):
        r = sub.add_parser(name, help=helptext)
        r.add_argument(
            "period",
            nargs="?",
            default=None,
            help="quarter such as 2024Q3 (default: the latest under data/raw; for `report`, "
            "every period)",
        )
        r.add_argument(
            "--all",
            action="store_true",
            help="every period under data/raw, oldest first (changes then compare each "
            "quarter with the one before)",
        )
        r.add_argument(
            "--data", default=str(config.DATA_DIR), help="data folder holding raw/ and processed/"
        )
        r.add_argument("--reports", default=str(config.REPORTS_DIR), help="reports folder")
        r.add_argument("--force", action="store_true", help="recompute every stage")
        r.add_argument(
            "--retrain",
            action="store_true",
            help="train a new linkage model instead of reusing the last one",
        )
        r.add_argument(
            "--allow-partial",
            action="store_true",
            help="continue without sources that cannot be read (the report says so)",
        )
        r.add_argument(
            "--lang",
            default=None,
            choices=["id", "en"],
            help="report language (default: the run configuration's, id)",
        )
        r.add_argument(
            "--min-cell",
            type=int,
            default=None,
            help="publish no count below this many households (default: the run "
            "configuration's, 5)",
        )
        r.add_argument(
            "--config",
            default=None,
            metavar="FILE",
            help="a run configuration (YAML) over the packaged run.yml and the period's own "
            "run.yml: link thresholds, working-poor definitions, Desa Binaan weights, report",
        )
        r.add_argument(
            "--wait",
            type=float,
            default=0.0,
            metavar="SECONDS",
            help="if another run of the period is in progress, wait this long (default: stop)",
        )
        r.add_argument(
            "--until",
            default=None,
            choices=[s.name for s in STAGES],
            help="stop after this stage (e.g. 02_link for linkage only)",
        )
        r.add_argument(
            "--engine",
            default="duckdb",
            choices=["duckdb", "spark"],
            help="where linkage runs: DuckDB in this process, or Apache Spark (local, or the "
            "cluster named by LEBONGBISA_SPARK_MASTER; needs `pip install pyspark`)",
        )
        r.add_argument(
            "--no-notebooks",
            action="store_true",
            help="compute the stage tables only, without notebooks and HTML",
        )
        r.add_argument(
            "--pages",
            default=None,
            metavar="STAGES",
            help="render only these stages' pages (comma-separated stage names, e.g. "
            "06_ringkasan); the others' tables are computed as usual",
        )
        r.add_argument(
            "--rotate-key",
            action="store_true",
            help="use a new pseudonymisation key on purpose: reprocess every quarter under "
            "data/raw with it, oldest first",
        )
        r.add_argument("--debug", action="store_true", help="show tracebacks")
        r.set_defaults(func=_cmd_run if name == "run" else _cmd_report)
    return ap


class UserError(Exception):
    """A problem the user can fix; printed without a traceback."""


def main(argv: list[str] | None = None, kernels: KernelPool | None = None) -> int:
    """The command line; returns the exit code. `kernels`: running kernels to render with
    (for a caller that runs many commands in one process, as the tests do), else a command
    that renders pages starts its own."""

    args = build_parser().parse_args(argv)
    args.kernels = kernels
    try:
        return args.func(args)
    except KeyboardInterrupt:
        if getattr(args, "debug", False):
            raise
        print(
            "lebongbisa: interrupted. Finished stages are kept; the next run recomputes the rest.",
            file=sys.stderr,
        )
        return 130
    except (
        InputError,
        StageFailed,
        KeyError_,
        PeriodLocked,
        UserError,
        ValueError,
        FileNotFoundError,
        PermissionError,
    ) as exc:
        if getattr(args, "debug", False):
            for tb in getattr(exc, "tracebacks", []):  # a failed stage's own traceback
                print(tb, file=sys.stderr)
            raise
        print(f"lebongbisa: error: {exc}", file=sys.stderr)
        if isinstance(exc, InputError):
            print(
                "Nothing was written for this period. Fix the files above, or run with "
                "--allow-partial to continue without them.",
                file=sys.stderr,
            )
        return 2
    except Exception as exc:  # a bug, not a user error: one line; --debug shows where
        if getattr(args, "debug", False):
            raise
        print(
            f"lebongbisa: unexpected error: {type(exc).__name__}: {exc} "
            "(run again with --debug for the traceback, and report it)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
