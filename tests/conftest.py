"""Shared fixtures: a small synthetic Lebong for fast tests, a full-scale one once per session,
and the scenario worlds run through `lebongbisa run` once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lebongbisa.synth import SCENARIOS, expand_periods, generate

SMALL_PERSONS = 4_000
TINY_PERSONS = 1_000
SCENARIO_PERSONS = 2_500  # per scenario world (`small` sets its own, smaller size)


@pytest.fixture(scope="session", autouse=True)
def _test_key(tmp_path_factory):
    """Tests never touch the user's key file: a fixed key from the environment."""
    mp = pytest.MonkeyPatch()
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
    return root


@pytest.fixture(scope="session")
def tiny_lebong(tmp_path_factory) -> Path:
    """A thousand people, one DTSEN quarter (2025Q1) with every kind of source: for tests
    that run whole quarters many times (kill trials, delivery shapes, forced failures).
    Returns the data folder (raw/, truth/)."""
    root = tmp_path_factory.mktemp("tiny_lebong") / "data"
    generate("2025Q1", seed=23, out=root / "raw", persons=TINY_PERSONS, progress=False)
    return root


@pytest.fixture(scope="session")
def small_ingested(small_lebong) -> Path:
    """Stage 1 run once per session on both small periods; returns the data folder."""
    from lebongbisa import stages

    for period in ("2024Q4", "2025Q1"):
        stages.ingest(period, small_lebong, progress=False)
    return small_lebong


@pytest.fixture(scope="session")
def full_lebong(tmp_path_factory) -> Path:
    """Kabupaten scale (115,000 persons), 2024Q1..2025Q1: generated once per session."""
    root = tmp_path_factory.mktemp("full_lebong")
    generate("2024Q1:2025Q1", seed=58, out=root / "raw", progress=False)
    return root


@pytest.fixture(scope="session")
def full_processed(full_lebong, tmp_path_factory) -> Path:
    """Stages 1-3 on the full-scale 2025Q1 (DTSEN) quarter, once per session."""
    from lebongbisa import stages

    reports = tmp_path_factory.mktemp("full_reports")
    for step in (stages.ingest, stages.link, stages.targeting):
        step("2025Q1", full_lebong, reports_dir=reports, progress=False)
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
    cmd = [sys.executable, "-m", "lebongbisa.cli", "run", period, "--data", str(data)]
    cmd += ["--reports", str(data.parent / "reports")]
    cmd += ["--pages", pages] if pages else []
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})


@pytest.fixture(scope="session")
def worlds(tmp_path_factory):
    """Each scenario generated and run once per session, on first use: name -> (data folder,
    {period: completed process})."""
    cache: dict[str, tuple[Path, dict]] = {}

    def get(name: str) -> tuple[Path, dict]:
        if name not in cache:
            data = tmp_path_factory.mktemp(name) / "data"
            sc = SCENARIOS[name]
            generate(
                sc.periods,
                seed=11,
                out=data / "raw",
                persons=SCENARIO_PERSONS,
                progress=False,
                scenario=sc,
            )
            pages = None if name in EVERY_PAGE else SUMMARY_PAGE
            cache[name] = (
                data,
                {p: run_cli(data, p, pages=pages) for p in expand_periods(sc.periods)},
            )
        return cache[name]

    return get


@pytest.fixture(scope="session")
def small_series(tmp_path_factory) -> Path:
    """Two consecutive DTSEN quarters of the small Lebong, every stage computed (no
    notebooks), for the series and the store; returns the data folder."""
    from lebongbisa import stages

    root = tmp_path_factory.mktemp("small_series") / "data"
    generate("2025Q1:2025Q2", seed=7, out=root / "raw", persons=SMALL_PERSONS, progress=False)
    for period in ("2025Q1", "2025Q2"):
        stages.ensure(period, None, root, root.parent / "reports", progress=False)
    return root


@pytest.fixture(scope="session")
def small_report(small_ingested, tmp_path_factory) -> tuple[Path, Path]:
    """Both small quarters rendered once per session, every page in Indonesian (the default):
    (data folder, reports folder). Tests that rerun into it restore what they change."""
    from lebongbisa.runner import run_period

    reports = tmp_path_factory.mktemp("reports_id")
    for period in ("2024Q4", "2025Q1"):
        run_period(period, small_ingested, reports, progress=False)
    return small_ingested, reports


@pytest.fixture(scope="session")
def small_report_en(small_ingested, tmp_path_factory) -> Path:
    """The small 2025Q1 rendered once per session in English; its reports folder."""
    from lebongbisa.runner import run_period

    reports = tmp_path_factory.mktemp("reports_en")
    run_period("2025Q1", small_ingested, reports, lang="en", progress=False)
    return reports / "2025Q1"
