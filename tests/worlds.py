"""The test worlds: their sizes, their run.yml, and the builds of the costly ones, which run
one after another in a worker process of the session's own (tests/conftest.py `background`)
while the other tests run. In that worker every command runs in-process and every page on the
worker's kernels: a build costs its work, not interpreter and kernel starts."""

from __future__ import annotations

import atexit
import os
import shutil
from pathlib import Path

from lebongbisa import stages
from lebongbisa.runner import FAIL_NOTEBOOK_VARIABLE
from lebongbisa.synth import SCENARIOS, expand_periods, generate
from lebongbisa.synth.shapes import SHAPES, reshape

from .commands import checked, here, run_args

SMALL_PERSONS = 4_000
TINY_PERSONS = 1_000
SCENARIO_PERSONS = 2_500  # per scenario world (`small` sets its own, smaller size)
#: the run.yml of the test worlds: the village typology chosen on 5 bootstrap draws instead of
#: 20 (a fifth of the cost of stage 5), and the linkage model's u-probabilities from 300,000
#: random pairs instead of 3,000,000 (a world of a few thousand persons links alike: true
#: precision and recall of the small Lebong unchanged, 0.998 / 0.9986; 2 s less per training).
#: The full-scale world, where the typology and training at scale are tested, keeps these
#: defaults (FULL_RUN_YML).
TEST_RUN_YML = "desa_binaan: {stability_draws: 5}\nlink: {u_pairs: 300000}\n"
#: the scenario worlds whose every page is rendered and checked: those whose data are missing
#: something a page shows (registries, lists, employment, villages, a second regime). The
#: others differ in what ingestion and the catalog see (checked on tables) and render only
#: their summary.
EVERY_PAGE = {"small", "pilot", "lists_only", "registries_only", "no_employment", "regime_change"}
SUMMARY_PAGE = "06_ringkasan"
BRIEFS_PAGE = "08_wilayah"
#: the area briefs (116 pages of a Lebong quarter) are rendered where they are tested: the
#: report world, and the pilot world (a few villages); the other worlds render every other page
BRIEFS_WORLDS = {"pilot"}
PAGES_BUT_BRIEFS = ",".join(s.name for s in stages.SPECS if s.name != BRIEFS_PAGE)
#: a world of several quarters renders every page for these only, the others their summary:
#: regime_change's first quarter is the DTKS + P3KE regime whose every page the report world
#: renders (its 2024Q4); the pages of the quarter that changes regime are the new proof
EVERY_PAGE_PERIODS = {"regime_change": {"2025Q1"}}


def world_pages(name: str, period: str) -> set[str]:
    """The pages scenario world `name` renders for `period`."""
    every = name in EVERY_PAGE and period in EVERY_PAGE_PERIODS.get(name, {period})
    if not every:
        return {SUMMARY_PAGE}
    return {s.name for s in stages.SPECS} - (set() if name in BRIEFS_WORLDS else {BRIEFS_PAGE})


def quick_typology(raw: Path) -> None:
    """Give every period folder under `raw` the tests' run.yml."""
    for period in raw.iterdir():
        if period.is_dir():
            (period / "run.yml").write_text(TEST_RUN_YML)


def tiny_world(root: Path) -> Path:
    """A thousand people, one DTSEN quarter (2025Q1) with every kind of source: the data
    folder (raw/, truth/)."""
    data = root / "data"
    generate("2025Q1", seed=23, out=data / "raw", persons=TINY_PERSONS, progress=False)
    quick_typology(data / "raw")
    return data


#: the quarter of the delivery shapes and the failure matrix (the tiny world's)
DELIVERY_PERIOD = "2025Q1"


def build_shapes(root: Path) -> dict:
    """Every delivery shape of `synth/shapes.py` made from the tiny quarter and run once with
    its summary page: {shape: (data folder, the run's CompletedProcess)}."""
    base = tiny_world(root / "base") / "raw" / DELIVERY_PERIOD
    runs = {}
    for name, shape in SHAPES.items():
        data = root / name / "data"
        reshape(base, data / "raw" / DELIVERY_PERIOD, shape)
        runs[name] = (data, _run_delivery(data, SUMMARY_PAGE))
    return runs


#: the forced-failure matrix: label -> (world, variable, stage, pages). Each stage's
#: computation, then two notebooks, fail in turn on the pilot lists (eight rows: every stage
#: runs in seconds); one case on the default quarter asks for every page with stage 05 failing
FAILURE_CASES = {
    **{
        f"{var}={stage}": ("pilot_lists", var, stage, SUMMARY_PAGE)
        for var, stage in [(stages.FAIL_STAGE_VARIABLE, s.name) for s in stages.SPECS]
        + [(FAIL_NOTEBOOK_VARIABLE, SUMMARY_PAGE)]
    },
    f"{FAIL_NOTEBOOK_VARIABLE}=03_targeting": (
        "pilot_lists",
        FAIL_NOTEBOOK_VARIABLE,
        "03_targeting",
        f"{SUMMARY_PAGE},03_targeting",
    ),
    "default quarter, every page": (
        "default",
        stages.FAIL_STAGE_VARIABLE,
        "05_villages",
        ",".join(s.name for s in stages.SPECS),
    ),
}


def build_failures(root: Path) -> dict:
    """The forced-failure matrix run: {label: (data folder, the run's CompletedProcess)}."""
    default = tiny_world(root / "base") / "raw" / DELIVERY_PERIOD
    pilot = root / "pilot" / DELIVERY_PERIOD
    reshape(default, pilot, SHAPES["pilot_lists"])
    runs = {}
    for i, (label, (world, var, stage, pages)) in enumerate(FAILURE_CASES.items()):
        data = root / f"case{i}" / "data"
        shutil.copytree(
            pilot if world == "pilot_lists" else default, data / "raw" / DELIVERY_PERIOD
        )
        runs[label] = (data, _run_delivery(data, pages, {var: stage}))
    return runs


def _run_delivery(data: Path, pages: str, env: dict | None = None):
    return here(*run_args(data, DELIVERY_PERIOD, pages), env=env, kernels=_kernels())


def build_series(root: Path) -> Path:
    """Two consecutive DTSEN quarters of the small Lebong, every stage computed (no pages):
    the data folder."""
    data = root / "data"
    generate("2025Q1:2025Q2", seed=7, out=data / "raw", persons=SMALL_PERSONS, progress=False)
    quick_typology(data / "raw")
    for period in ("2025Q1", "2025Q2"):
        stages.ensure(period, None, data, root / "reports", progress=False)
    return data


def build_world(name: str, root: Path) -> tuple[Path, dict]:
    """Scenario world `name` generated and run quarter by quarter as a user runs it:
    (data folder, {period: the run's CompletedProcess})."""
    data = root / "data"  # its reports beside it, in root/reports
    size = ["--persons", str(SCENARIO_PERSONS)]
    checked("synth", "--scenario", name, "--seed", "11", *size, "--out", str(data / "raw"))
    quick_typology(data / "raw")
    return data, {
        p: here(*run_args(data, p, _pages_option(world_pages(name, p))), kernels=_kernels())
        for p in expand_periods(SCENARIOS[name].periods)
    }


def _pages_option(pages: set[str]) -> str | None:
    """`--pages` for a set of pages (None: every page)."""
    if pages >= {s.name for s in stages.SPECS}:
        return None
    return ",".join(s.name for s in stages.SPECS if s.name in pages)


#: the full-scale world's run.yml: every default, but no interval draws (no full-scale test
#: reads the intervals; the small worlds check them against the truth)
FULL_RUN_YML = "targeting: {uncertainty_draws: 0}\n"


def build_full(root: Path) -> Path:
    """Kabupaten scale, 2024Q1..2025Q1, stages 1-5 of 2025Q1: the data folder."""
    data = root / "data"
    checked("synth", "--periods", "2024Q1:2025Q1", "--seed", "58", "--out", str(data / "raw"))
    (data / "raw" / "2025Q1" / "run.yml").write_text(FULL_RUN_YML)
    reports = ["--reports", str(root / "reports"), "--until", "05_villages", "--no-notebooks"]
    checked("run", "2025Q1", "--data", str(data), *reports)
    return data


def build_report(root: Path) -> tuple[Path, Path, Path]:
    """The small Lebong rendered: the English 2025Q1 first (a run with other reports
    recomputes the stages that write restricted files there), then both quarters in
    Indonesian, as the report tests expect. (data, Indonesian reports, English reports)."""
    data, reports, english = root / "data", root / "reports_id", root / "reports_en"
    size = ["--persons", str(SMALL_PERSONS)]
    checked("synth", "--periods", "2024Q4:2025Q1", "--seed", "7", *size, "--out", str(data / "raw"))
    quick_typology(data / "raw")
    for period, where, lang, pages in (
        ("2025Q1", english, "en", []),
        ("2024Q4", reports, "id", ["--pages", PAGES_BUT_BRIEFS]),  # its briefs are not tested
        ("2025Q1", reports, "id", []),
    ):
        args = ["run", period, "--data", str(data), "--reports", str(where), "--lang", lang]
        checked(*args, *pages, kernels=_kernels())
    return data, reports, english


_POOL: list = []  # the worker's kernels, started on first use


def _kernels():
    if not _POOL:
        from lebongbisa import config
        from lebongbisa.kernels import KernelPool

        _POOL.append(KernelPool(config.NOTEBOOKS_DIR))
        atexit.register(_POOL[0].close)  # when the worker exits
    return _POOL[0]


def start_worker(env: dict) -> None:
    """The worker's environment: the session's as it started."""
    os.environ.clear()
    os.environ.update(env)
