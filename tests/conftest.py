"""Shared fixtures: a small synthetic Lebong for fast tests, a full-scale one once per session,
and the scenario worlds run through `lebongbisa run` once per session."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pytest

from lebongbisa.synth import SCENARIOS, expand_periods, generate

SMALL_PERSONS = 4_000
TINY_PERSONS = 1_000
SCENARIO_PERSONS = 2_500  # per scenario world (`small` sets its own, smaller size)
#: the run.yml of the test worlds: the village typology chosen on 5 bootstrap draws instead of
#: 20 (a fifth of the cost of stage 5; the full-scale world, where the typology is what is
#: tested, keeps the default)
TEST_RUN_YML = "desa_binaan: {stability_draws: 5}\n"


def quick_typology(raw: Path) -> None:
    """Give every period folder under `raw` the tests' run.yml."""
    for period in raw.iterdir():
        if period.is_dir():
            (period / "run.yml").write_text(TEST_RUN_YML)


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


#: the scenario worlds whose every page is rendered and checked: those whose data are missing
#: something a page shows (registries, lists, employment, villages, a second regime). The
#: others differ in what ingestion and the catalog see (checked on tables) and render only
#: their summary.
EVERY_PAGE = {"small", "pilot", "lists_only", "registries_only", "no_employment", "regime_change"}
SUMMARY_PAGE = "06_ringkasan"


def run_cli(
    data: Path, period: str, env: dict | None = None, pages: str | None = None
) -> subprocess.CompletedProcess:
    cmd = ["run", period, "--data", str(data), "--reports", str(data.parent / "reports")]
    return cli(*cmd, *(["--pages", pages] if pages else []), env={**os.environ, **(env or {})})


#: the warnings Python's default filters do not print
DEFAULT_IGNORED = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


def run_here(
    data: Path, period: str, env: dict | None = None, pages: str | None = None, kernels=None
) -> subprocess.CompletedProcess:
    """`run_cli` in this process, with `env` set meanwhile: no interpreter to start and, with
    `kernels` (the session's), no kernel either. Returns what the command printed, and each
    warning it raised printed as Python would, as a finished process would give them."""
    from lebongbisa import quiet_known_warnings
    from lebongbisa.cli import main

    args = ["run", period, "--data", str(data), "--reports", str(data.parent / "reports")]
    out, err = io.StringIO(), io.StringIO()
    with (
        pytest.MonkeyPatch.context() as mp,
        warnings.catch_warnings(record=True) as caught,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        for name, value in (env or {}).items():
            mp.setenv(name, value)
        warnings.resetwarnings()  # the filters a new process has (restored afterwards)
        warnings.simplefilter("default")
        for category in DEFAULT_IGNORED:
            warnings.simplefilter("ignore", category)
        quiet_known_warnings()
        code = main(args + (["--pages", pages] if pages else []), kernels=kernels)
    shown = [warnings.formatwarning(w.message, w.category, w.filename, w.lineno) for w in caught]
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue() + "".join(shown))


@pytest.fixture(scope="session")
def kernels(_test_key):
    """Kernels shared by the tests that render pages in this process (`run_here`): a page
    costs its own work, not a kernel's start. They keep the environment of the session's
    start (the test key; no injected failure)."""
    from lebongbisa import config
    from lebongbisa.kernels import KernelPool

    with KernelPool(config.NOTEBOOKS_DIR) as pool:
        yield pool


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`lebongbisa ARGS` in a new process (with `env`, else this process's environment)."""
    cmd = [sys.executable, "-m", "lebongbisa.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env)


def _checked(*args: str, env: dict) -> None:
    done = cli(*args, env=env)
    assert done.returncode == 0, (args, done.stderr[-2000:])


def _build_world(name: str, root: Path, env: dict) -> tuple[Path, dict]:
    data = root / "data"  # its reports beside it, in root/reports
    sc = SCENARIOS[name]
    size = ["--persons", str(SCENARIO_PERSONS)]
    _checked(
        "synth", "--scenario", name, "--seed", "11", *size, "--out", str(data / "raw"), env=env
    )
    quick_typology(data / "raw")
    pages = None if name in EVERY_PAGE else SUMMARY_PAGE
    return data, {p: run_cli(data, p, env, pages) for p in expand_periods(sc.periods)}


def _build_full(root: Path, env: dict) -> Path:
    data = root / "data"
    _checked(
        "synth", "--periods", "2024Q1:2025Q1", "--seed", "58", "--out", str(data / "raw"), env=env
    )
    reports = ["--reports", str(root / "reports"), "--until", "05_villages", "--no-notebooks"]
    _checked("run", "2025Q1", "--data", str(data), *reports, env=env)
    return data


def _build_report(root: Path, env: dict) -> tuple[Path, Path, Path]:
    """The English 2025Q1 first (a run with other reports recomputes the stages that write
    restricted files there), then both quarters in Indonesian, as the report tests expect."""
    data, reports, english = root / "data", root / "reports_id", root / "reports_en"
    size = ["--persons", str(SMALL_PERSONS)]
    _checked(
        "synth",
        "--periods",
        "2024Q4:2025Q1",
        "--seed",
        "7",
        *size,
        "--out",
        str(data / "raw"),
        env=env,
    )
    quick_typology(data / "raw")
    for period, where, lang in (
        ("2025Q1", english, "en"),
        ("2024Q4", reports, "id"),
        ("2025Q1", reports, "id"),
    ):
        _checked(
            "run", period, "--data", str(data), "--reports", str(where), "--lang", lang, env=env
        )
    return data, reports, english


#: what the background builds, in order: fixture it serves -> [(job, builder)]
BACKGROUND = {
    "full_lebong": [("full", _build_full)],
    "worlds": [(f"world-{n}", partial(_build_world, n)) for n in SCENARIOS if n != "default"],
    "small_report": [("report", _build_report)],
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
    """The session's costly worlds, built one after another in other processes from the start
    of the session while the tests that need none of them run (two streams of work for the two
    cores here; each run also renders pages two at a time): only those the collected tests
    use. `background(job)` waits for one and returns it."""
    used = {f for item in request.session.items for f in getattr(item, "fixturenames", ())}
    used |= {ALIASES[f] for f in used if f in ALIASES}
    env = dict(os.environ)  # as the session starts: tests that change it run meanwhile
    pool = ThreadPoolExecutor(max_workers=1)
    jobs: dict[str, Future] = {}
    for fixture, builds in BACKGROUND.items():
        for job, build in builds if fixture in used else []:
            jobs[job] = pool.submit(build, tmp_path_factory.mktemp(job), env)
    yield lambda job: jobs[job].result()
    pool.shutdown(cancel_futures=True)


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
