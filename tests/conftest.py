"""Shared fixtures: a small synthetic Lebong for fast tests, a full-scale one once per session,
and the scenario worlds run through `lebongbisa run` once per session."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from pathlib import Path

import pytest

from lebongbisa.synth import SCENARIOS, generate

from .commands import cli, run_args
from .worlds import (
    DELIVERY_PERIOD,
    SMALL_PERSONS,
    build_failures,
    build_full,
    build_report,
    build_series,
    build_shapes,
    build_world,
    quick_typology,
    start_worker,
    tiny_world,
)


def pytest_configure(config):
    """What pandas 4 will refuse (warned of by pandas 3) fails a test when this package's own
    code does it, instead of waiting in the warnings summary for the upgrade to break a run."""
    import pandas.errors

    if hasattr(pandas.errors, "Pandas4Warning"):  # pandas >= 3
        config.addinivalue_line("filterwarnings", "error::pandas.errors.Pandas4Warning:lebongbisa")


@pytest.fixture(scope="session", autouse=True)
def _test_key(tmp_path_factory):
    """Tests never touch the user's key file: a fixed key from the environment. The runs the
    tests start share two cores with the background builds: their OpenMP threads (scikit-learn)
    sleep instead of spinning while they wait (the same results, less CPU burnt)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("OMP_WAIT_POLICY", "PASSIVE")
    mp.setenv("LEBONGBISA_KEY", "test-key-0123456789abcdef")
    mp.setenv("LEBONGBISA_KEY_FILE", str(tmp_path_factory.mktemp("key") / "key"))
    yield
    mp.undo()


@pytest.fixture(scope="session")
def small_lebong(tmp_path_factory) -> Path:
    """A few thousand people, one quarter in each registry regime (DTKS+P3KE, then DTSEN).

    Returns the data folder (raw/, truth/); its parent works as LEBONGBISA_HOME."""
    root = tmp_path_factory.mktemp("small_lebong") / "data"
    generate("2024Q4:2025Q1", seed=7, out=root / "raw", persons=SMALL_PERSONS, progress=False)
    quick_typology(root / "raw")
    return root


@pytest.fixture(scope="session")
def tiny_lebong(tmp_path_factory) -> Path:
    """A thousand people, one DTSEN quarter (2025Q1) with every kind of source: for tests
    that run whole quarters many times (kill trials, delivery shapes, forced failures).
    Returns the data folder (raw/, truth/)."""
    return tiny_world(tmp_path_factory.mktemp("tiny_lebong"))


@pytest.fixture(scope="session")
def tiny_tables(tiny_lebong, tmp_path_factory) -> tuple[Path, float]:
    """The tiny quarter with every stage's tables, from one uninterrupted `lebongbisa run
    --no-notebooks` with the reports beside the data: (data folder, the run's seconds). A
    test that changes it works on a copy (shutil.copytree keeps the stage cache valid)."""
    data = tmp_path_factory.mktemp("tiny_tables") / "data"
    shutil.copytree(tiny_lebong / "raw" / DELIVERY_PERIOD, data / "raw" / DELIVERY_PERIOD)
    t0 = time.perf_counter()
    done = cli(*run_args(data, DELIVERY_PERIOD), "--no-notebooks")
    assert done.returncode == 0, done.stderr[-2000:]
    return data, time.perf_counter() - t0


@pytest.fixture(scope="session")
def small_ingested(small_lebong) -> Path:
    """Stage 1 run once per session on both small periods; returns the data folder."""
    from lebongbisa import stages

    for period in ("2024Q4", "2025Q1"):
        stages.ingest(period, small_lebong, progress=False)
    return small_lebong


@pytest.fixture(scope="session")
def small_linked(small_ingested) -> tuple[Path, Path]:
    """Stage 2 on both small periods, once per session, with the reports beside the data
    (where a notebook run with LEBONGBISA_HOME at the data's parent looks): (data, reports).
    A test that changes it works on a copy."""
    from lebongbisa import stages

    reports = small_ingested.parent / "reports"
    for period in ("2024Q4", "2025Q1"):
        stages.link(period, small_ingested, reports)
    return small_ingested, reports


@pytest.fixture(scope="session")
def small_targeted(small_linked) -> tuple[Path, Path]:
    """Stages 2 and 3 on both small periods, once per session: (data, reports)."""
    from lebongbisa import stages

    data, reports = small_linked
    for period in ("2024Q4", "2025Q1"):
        stages.targeting(period, data, reports)
    return data, reports


@pytest.fixture(scope="session")
def full_lebong(background) -> Path:
    """Kabupaten scale (115,000 persons), 2024Q1..2025Q1, and stages 1-5 on its 2025Q1
    (DTSEN) quarter: built once per session, in the background. Returns the data folder."""
    return background("full")


@pytest.fixture(scope="session")
def full_processed(full_lebong) -> Path:
    """The full-scale world with stages 1-5 of 2025Q1 computed (the same build)."""
    return full_lebong


@pytest.fixture(scope="session")
def kernels(_test_key):
    """Kernels shared by the tests that render pages in this process (`commands.here`): a page
    costs its own work, not a kernel's start. A lent kernel takes the environment of the run
    it renders for (kernels.KernelPool)."""
    from lebongbisa import config
    from lebongbisa.kernels import KernelPool

    with KernelPool(config.NOTEBOOKS_DIR) as pool:
        yield pool


#: background worker processes (two made the foreground slower by as much: 446 s against 442 s)
WORKERS = 1
#: what the background builds, in order: fixture it serves -> [(job, builder)]. The report
#: world comes before the scenario worlds: its tests (pages, briefs, a rerender) run while the
#: worlds are built, and the last tests of the session are the worlds' own, which cost
#: seconds. Balance the two sides: the session ends when the longer one does (the
#: "background worlds" summary shows whether the foreground waited).
BACKGROUND = {
    "small_series": [("series", build_series)],
    "shaped": [("shapes", build_shapes)],
    "failure_matrix": [("failures", build_failures)],
    "full_lebong": [("full", build_full)],
    "small_report": [("report", build_report)],
    "worlds": [(f"world-{n}", partial(build_world, n)) for n in SCENARIOS if n != "default"],
}
ALIASES = {"full_processed": "full_lebong", "small_report_en": "small_report"}


ORDER = {f: i for i, f in enumerate(BACKGROUND)}
ORDER |= {alias: ORDER[f] for alias, f in ALIASES.items()}


#: the scenario worlds in the order they are built
WORLD_NAMES = [job.removeprefix("world-") for job, _ in BACKGROUND["worlds"]]


def _background_order(item: pytest.Item) -> float:
    """-1 for a test that needs no background world, else the build order of the last one it
    needs; among the scenario worlds' tests, the order of the world each checks (its `name`
    parameter or `world` marker; a test of every world last)."""
    needed = [ORDER[f] for f in getattr(item, "fixturenames", ()) if f in ORDER]
    order = max(needed, default=-1)
    if order == ORDER["worlds"]:
        marker = item.get_closest_marker("world")
        callspec = getattr(item, "callspec", None)
        name = marker.args[0] if marker else callspec and callspec.params.get("name")
        rank = WORLD_NAMES.index(name) if name in WORLD_NAMES else len(WORLD_NAMES)
        order += rank / (len(WORLD_NAMES) + 1)
    return order


def pytest_collection_modifyitems(config, items):
    """The tests that wait for a background world run last, in the order the worlds are
    built, so that the others run while the worlds are built; a test marked `last` changes a
    shared world for good and runs after every other test of its world."""
    items.sort(key=lambda i: (_background_order(i), i.get_closest_marker("last") is not None))


@pytest.fixture(scope="session")
def background(request, tmp_path_factory, _test_key):
    """The session's costly worlds, built in worker processes (tests/worlds.py) from the start
    of the session while the tests that need none of them run: only those the collected tests
    use. The workers have the environment of the session's start (tests that change it run
    meanwhile).
    `background(job)` waits for one and returns it."""
    used = {f for item in request.session.items for f in getattr(item, "fixturenames", ())}
    used |= {ALIASES[f] for f in used if f in ALIASES}
    worker = ProcessPoolExecutor(
        max_workers=WORKERS,
        mp_context=multiprocessing.get_context("spawn"),  # not a fork of a threaded pytest
        initializer=start_worker,
        initargs=(dict(os.environ),),
    )
    jobs: dict[str, Future] = {}
    start = time.perf_counter()
    for fixture, builds in BACKGROUND.items():
        for job, build in builds if fixture in used else []:
            jobs[job] = worker.submit(build, tmp_path_factory.mktemp(job))
            jobs[job].add_done_callback(partial(_finished, job, start))

    def wait(job: str):
        t0 = time.perf_counter()
        try:
            return jobs[job].result()
        finally:
            TIMES.setdefault(job, {}).setdefault("waited", 0.0)
            TIMES[job]["waited"] += time.perf_counter() - t0

    yield wait
    for job in jobs.values():
        job.cancel()  # those not started (a session stopped early)
    worker.shutdown()


#: each background job: seconds from the session's start until it was ready, and how long the
#: tests waited for it (printed at the end of the session)
TIMES: dict[str, dict[str, float]] = {}


def _finished(job: str, start: float, _future) -> None:
    TIMES.setdefault(job, {})["ready"] = time.perf_counter() - start


def pytest_terminal_summary(terminalreporter):
    """The suite reports its background builds: when each was ready, how long tests waited."""
    if not TIMES:
        return
    terminalreporter.write_sep("=", "background worlds (s from the session's start)")
    for job, t in TIMES.items():
        ready, waited = t.get("ready", float("nan")), t.get("waited", 0.0)
        terminalreporter.write_line(f"{job:28s} ready at {ready:6.1f}   tests waited {waited:6.1f}")


@pytest.fixture(scope="session", autouse=True)
def _start_background(background):
    """Start the background builds with the session (pytest creates fixtures lazily)."""


@pytest.fixture(scope="session")
def worlds(background):
    """Each scenario world generated and run once per session: `worlds(name)` -> (data folder,
    {period: completed process})."""
    return lambda name: background(f"world-{name}")


@pytest.fixture
def world(request, worlds):
    """The scenario world the test's `world` marker names: (data folder, {period: process});
    the marker lets the suite run the test as soon as that world is built."""
    return worlds(request.node.get_closest_marker("world").args[0])


@pytest.fixture(scope="session")
def small_series(background) -> Path:
    """Two consecutive DTSEN quarters of the small Lebong, every stage computed (no
    notebooks), for the series and the store; returns the data folder."""
    return background("series")


@pytest.fixture(scope="session")
def shaped(background) -> dict:
    """Every delivery shape run once with its summary page: {shape: (data, process)}."""
    return background("shapes")


@pytest.fixture(scope="session")
def failure_matrix(background) -> dict:
    """The forced-failure matrix (worlds.FAILURE_CASES) run: {label: (data, process)}."""
    return background("failures")


@pytest.fixture(scope="session")
def small_report(background) -> tuple[Path, Path]:
    """The small Lebong (its own copy) with both quarters rendered once per session, every
    page in Indonesian (the default): (data folder, reports folder). Tests that rerun into it
    restore what they change."""
    data, reports, _ = background("report")
    return data, reports


@pytest.fixture(scope="session")
def small_report_en(background) -> Path:
    """The small 2025Q1 rendered once per session in English; its reports folder."""
    return background("report")[2] / "2025Q1"
