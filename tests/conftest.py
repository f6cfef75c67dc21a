"""Shared fixtures: a small synthetic Lebong for fast tests, a full-scale one once per session,
and the scenario worlds run through `lebongbisa run` once per session."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from pathlib import Path

import pytest

from lebongbisa.synth import SCENARIOS, generate

from .worlds import (
    SMALL_PERSONS,
    TINY_PERSONS,
    build_full,
    build_report,
    build_world,
    quick_typology,
    start_worker,
    stop_worker,
)


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
    root = tmp_path_factory.mktemp("tiny_lebong") / "data"
    generate("2025Q1", seed=23, out=root / "raw", persons=TINY_PERSONS, progress=False)
    quick_typology(root / "raw")
    return root


@pytest.fixture(scope="session")
def small_ingested(small_lebong) -> Path:
    """Stage 1 run once per session on both small periods; returns the data folder."""
    from lebongbisa import stages

    for period in ("2024Q4", "2025Q1"):
        stages.ingest(period, small_lebong, progress=False)
    return small_lebong


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
    costs its own work, not a kernel's start. They keep the environment of the session's
    start (the test key; no injected failure)."""
    from lebongbisa import config
    from lebongbisa.kernels import KernelPool

    with KernelPool(config.NOTEBOOKS_DIR) as pool:
        yield pool


#: what the background builds, in order: fixture it serves -> [(job, builder)]
BACKGROUND = {
    "full_lebong": [("full", build_full)],
    "worlds": [(f"world-{n}", partial(build_world, n)) for n in SCENARIOS if n != "default"],
    "small_report": [("report", build_report)],
}
ALIASES = {"full_processed": "full_lebong", "small_report_en": "small_report"}


def _uses_background(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & (set(BACKGROUND) | set(ALIASES)))


def pytest_collection_modifyitems(config, items):
    """The tests that wait for a background world run last, so that the others run while
    the worlds are built."""
    items.sort(key=_uses_background)


@pytest.fixture(scope="session")
def background(request, tmp_path_factory, _test_key):
    """The session's costly worlds, built one after another in a worker process (tests/worlds.py)
    from the start of the session while the tests that need none of them run (two streams of
    work for the two cores here): only those the collected tests use. The worker has the
    environment of the session's start (tests that change it run meanwhile).
    `background(job)` waits for one and returns it."""
    used = {f for item in request.session.items for f in getattr(item, "fixturenames", ())}
    used |= {ALIASES[f] for f in used if f in ALIASES}
    worker = ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),  # not a fork of a threaded pytest
        initializer=start_worker,
        initargs=(dict(os.environ),),
    )
    jobs: dict[str, Future] = {}
    for fixture, builds in BACKGROUND.items():
        for job, build in builds if fixture in used else []:
            jobs[job] = worker.submit(build, tmp_path_factory.mktemp(job))
    yield lambda job: jobs[job].result()
    for job in jobs.values():
        job.cancel()  # those not started (a session stopped early)
    worker.submit(stop_worker).result()
    worker.shutdown()


@pytest.fixture(scope="session", autouse=True)
def _start_background(background):
    """Start the background builds with the session (pytest creates fixtures lazily)."""


@pytest.fixture(scope="session")
def worlds(background):
    """Each scenario world generated and run once per session: `worlds(name)` -> (data folder,
    {period: completed process})."""
    return lambda name: background(f"world-{name}")


@pytest.fixture(scope="session")
def small_series(tmp_path_factory) -> Path:
    """Two consecutive DTSEN quarters of the small Lebong, every stage computed (no
    notebooks), for the series and the store; returns the data folder."""
    from lebongbisa import stages

    root = tmp_path_factory.mktemp("small_series") / "data"
    generate("2025Q1:2025Q2", seed=7, out=root / "raw", persons=SMALL_PERSONS, progress=False)
    quick_typology(root / "raw")
    for period in ("2025Q1", "2025Q2"):
        stages.ensure(period, None, root, root.parent / "reports", progress=False)
    return root


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
