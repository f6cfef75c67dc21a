"""Stage entry points with a cache: a stage's outputs are reused when its inputs (checksums),
parameters and the package version are unchanged. Notebooks and the runner both call these,
so a notebook rerun alone in JupyterLab recomputes only what is stale.

The package's code is part of the fingerprint, so new code never trusts old outputs.
A stage writes a completion marker `_stages/<name>.json` *after* all its outputs: a run that
died half-way leaves no marker, and the next run recomputes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from lebongbisa import __version__, config
from lebongbisa.io import file_checksum, write_json
from lebongbisa.settings import RUN_FILE, Settings
from lebongbisa.settings import load as load_settings


def latest_period(raw: Path) -> str | None:
    """The latest period folder under data/raw that holds a sources.yml."""
    found = sorted(
        p.name
        for p in Path(raw).glob("*")
        if config.PERIOD_RE.match(p.name) and (p / "sources.yml").exists()
    )
    return found[-1] if found else None


def report_path(period: str, reports_dir: Path | None = None) -> Path:
    """`reports/<period>/` (restricted worklists live below it)."""
    return (Path(reports_dir) if reports_dir else config.REPORTS_DIR) / period


def period_paths(period: str, data_dir: Path | None = None) -> tuple[Path, Path]:
    data_dir = Path(data_dir) if data_dir else config.DATA_DIR
    return data_dir / "raw" / period, data_dir / "processed" / period


def _marker(processed: Path, stage: str) -> Path:
    return processed / "_stages" / f"{stage}.json"


def _stat(p: Path) -> list[int]:
    st = p.stat()
    return [st.st_size, st.st_mtime_ns]


def _saved(processed: Path, stage: str) -> dict:
    try:
        return json.loads(_marker(processed, stage).read_text())
    except (OSError, json.JSONDecodeError):
        return {}


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over the package's code and packaged data: any change to how outputs are
    computed (an upgrade, or an analyst's edit) makes every stage stale."""
    root = Path(__file__).parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.suffix in (".py", ".yml", ".csv") and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def _previous(processed: Path, name: str) -> list[Path]:
    """The previous quarter's artefact a stage compares with, as a cache input (so that
    reprocessing an earlier quarter makes this quarter's changes stale)."""
    from lebongbisa.folder import previous_file

    prev = previous_file(processed, name)
    return [prev] if prev else []


def fingerprint(inputs: list[Path], params: dict, saved: dict | None = None) -> dict:
    """Version, parameters and the SHA-256 of each input file.

    A file whose size and modification time (ns) equal those recorded in `saved` (the stage's
    last marker) keeps its recorded checksum instead of being read again, as make and DVC do:
    checking that a notebook's stages are fresh then costs a stat per file, not a full read."""
    saved = saved or {}
    old_sha, old_stat = saved.get("inputs", {}), saved.get("stats", {})
    files = {f"{p.parent.name}/{p.name}": p for p in sorted(inputs) if p.is_file()}
    stats = {k: _stat(p) for k, p in files.items()}  # keyed by folder/name: a previous
    return {  # quarter's file is told apart from this quarter's
        "version": __version__,
        "code": code_fingerprint(),
        "params": params,
        "inputs": {
            k: old_sha[k] if old_stat.get(k) == stats[k] and k in old_sha else file_checksum(p)
            for k, p in files.items()
        },
        "stats": stats,
    }


def is_fresh(processed: Path, stage: str, fp: dict, outputs: list[str]) -> bool:
    if not _marker(processed, stage).exists():
        return False
    if not all((processed / o).exists() for o in outputs):
        return False
    saved = _saved(processed, stage)
    return all(saved.get(k) == fp[k] for k in ("version", "code", "params", "inputs"))


def cached(
    stage: str,
    processed: Path,
    inputs: list[Path],
    params: dict,
    outputs: list[str],
    compute: Callable[[], object],
    force: bool = False,
) -> bool:
    """Run `compute` unless the stage is fresh. Returns True when it recomputed.

    Recomputing a stage invalidates every later stage (their markers are removed), since they
    read this stage's outputs."""
    fp = fingerprint(inputs, params, _saved(processed, stage))
    if not force and is_fresh(processed, stage, fp, outputs):
        return False
    for later in (processed / "_stages").glob("*.json"):
        if later.stem >= stage:
            later.unlink()
    compute()
    write_json({**fp, "outputs": outputs}, _marker(processed, stage))
    return True


INGEST_OUTPUTS = [
    "records.parquet",
    "clean.parquet",
    "manifest.json",
    "restricted/identity.parquet",
    "restricted/quarantine.parquet",
]


def ingest(
    period: str,
    data_dir: Path | None = None,
    allow_partial: bool = False,
    force: bool = False,
    progress: bool = True,
    **_: object,
) -> bool:
    """Stage 1 (ingest & clean) for a period; returns True when it recomputed."""
    from lebongbisa.ingest.stage import ingest_period
    from lebongbisa.privacy import fingerprint

    raw, processed = period_paths(period, data_dir)
    # every delivered file (the run configuration is not a delivery: stages use their part)
    inputs = (
        [p for p in raw.iterdir() if p.is_file() and p.name != RUN_FILE] if raw.exists() else []
    )
    return cached(
        "01_ingest_clean",
        processed,
        inputs,
        # a new key recomputes everything: no output mixes pseudonyms of two keys
        {"allow_partial": allow_partial, "key": fingerprint()},
        INGEST_OUTPUTS,
        lambda: ingest_period(raw, processed, allow_partial, progress),
        force,
    )


LINK_OUTPUTS = ["records.parquet", "link_pairs.parquet", "link_model.json", "link_summary.json"]


def link(
    period: str,
    data_dir: Path | None = None,
    reports_dir: Path | None = None,
    retrain: bool = False,
    force: bool = False,
    engine: str = "duckdb",
    settings: Settings | None = None,
    **_: object,
) -> bool:
    """Stage 2 (link persons and households) on `engine` (duckdb | spark); returns True when
    it recomputed. The engine changes where the work runs, not the result; the thresholds
    come from the run configuration's `link` section."""
    from lebongbisa.link.review import DECISIONS_FILE, REVIEW_FILE
    from lebongbisa.link.stage import link_period, previous_model

    raw, processed = period_paths(period, data_dir)
    thresholds = (settings or load_settings(raw)).link
    reports = report_path(period, reports_dir)
    inputs = [
        processed / "clean.parquet",
        processed / "restricted" / "identity.parquet",
        reports / "restricted" / DECISIONS_FILE,
    ]
    prev = None if retrain else previous_model(processed)
    if prev:
        inputs.append(prev)
    return cached(
        "02_link",
        processed,
        inputs,
        {"retrain": retrain, "link": asdict(thresholds)},
        [*LINK_OUTPUTS, str(reports / "restricted" / REVIEW_FILE)],
        lambda: link_period(processed, reports, retrain, engine=engine, settings=thresholds),
        force,
    )


TARGETING_OUTPUTS = [
    "household_base.parquet",
    "indicators_03_targeting.csv",
    "indicators.csv",
    "program_combinations.parquet",
    "agency_co_receipt.parquet",
    "targeting_summary.json",
]


def targeting(
    period: str,
    data_dir: Path | None = None,
    reports_dir: Path | None = None,
    force: bool = False,
    **_: object,
) -> bool:
    """Stage 3 (targeting, overlaps, worklists); returns True when it recomputed."""
    from lebongbisa.targeting.stage import target_period
    from lebongbisa.targeting.worklists import FILES

    _, processed = period_paths(period, data_dir)
    reports = report_path(period, reports_dir)
    inputs = [
        processed / "records.parquet",
        processed / "clean.parquet",
        processed / "manifest.json",
        processed / "restricted" / "identity.parquet",  # the worklists' names and NIKs
        *_previous(processed, "indicators_03_targeting.csv"),  # changes since then
    ]
    outputs = TARGETING_OUTPUTS + [str(reports / "restricted" / f) for f in FILES.values()]
    return cached(
        "03_targeting",
        processed,
        inputs,
        {},
        outputs,
        lambda: target_period(processed, reports),
        force,
    )


WORKPOOR_OUTPUTS = [
    "working_poor_rates.parquet",
    "working_poor_heads.parquet",
    "working_poor_model.json",
    "village_effects.parquet",
    "indicators_04_working_poor.csv",
    "indicators.csv",
]


def working_poor(
    period: str,
    data_dir: Path | None = None,
    force: bool = False,
    settings: Settings | None = None,
    **_: object,
) -> bool:
    """Stage 4 (working poor: measures and models, with the run configuration's
    `working_poor` definitions); returns True when it recomputed."""
    from lebongbisa.workpoor.stage import working_poor_period

    raw, processed = period_paths(period, data_dir)
    definitions = (settings or load_settings(raw)).working_poor
    inputs = [
        processed / "records.parquet",
        processed / "clean.parquet",
        processed / "household_base.parquet",
        *_previous(processed, "indicators_04_working_poor.csv"),
    ]
    return cached(
        "04_working_poor",
        processed,
        inputs,
        {"working_poor": definitions.as_dict()},
        WORKPOOR_OUTPUTS,
        lambda: working_poor_period(processed, definitions),
        force,
    )


VILLAGE_OUTPUTS = [
    "village_indicators.parquet",
    "village_typology.parquet",
    "village_model_choice.parquet",
    "desa_binaan.parquet",
    "villages_summary.json",
    "indicators_05_villages.csv",
    "indicators.csv",
]


def villages(
    period: str,
    data_dir: Path | None = None,
    force: bool = False,
    settings: Settings | None = None,
    **_: object,
) -> bool:
    """Stage 5 (village typology and Desa Binaan priority with the run configuration's
    weights); True when it recomputed."""
    from lebongbisa.villages.stage import villages_period

    raw, processed = period_paths(period, data_dir)
    weights = (settings or load_settings(raw)).desa_binaan_weights
    inputs = [
        processed / "records.parquet",
        processed / "clean.parquet",
        processed / "household_base.parquet",
        processed / "village_effects.parquet",
        *_previous(processed, "village_indicators.parquet"),
    ]
    return cached(
        "05_villages",
        processed,
        inputs,
        {"desa_binaan_weights": weights},
        VILLAGE_OUTPUTS,
        lambda: villages_period(processed, weights),
        force,
    )


def summary(period: str, data_dir: Path | None = None, **_: object) -> bool:
    """Stage 6 (policymaker summary): computes nothing of its own; its notebook reads the
    indicators, so it is re-rendered whenever an earlier stage changed."""
    return False


# --- the ordered stage specs, and running them so that a failing stage fails alone ---------


@dataclass(frozen=True)
class StageSpec:
    """One stage: its name (= notebook), titles, compute function, the stages whose outputs it
    needs, its processed outputs (discarded when it fails, so no stale number survives), and
    what a reader misses when it fails (id/en)."""

    name: str
    title_id: str
    title_en: str
    compute: Callable[..., bool]
    needs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    missing_id: str = ""
    missing_en: str = ""
    options: tuple[str, ...] = ()  # the run options its compute takes (besides the settings)
    notebook_options: tuple[str, ...] = ()  # run options its notebook also receives
    last: bool = False  # rendered after every other page, and linked first (the summary)

    @property
    def notebook(self) -> str:
        return f"{self.name}.ipynb"


SUMMARY = "06_ringkasan"
#: files two stages write today (stage 2 rewrites records.parquet; every indicator stage
#: recombines indicators.csv): a failed stage must not discard them
SHARED_OUTPUTS = {"records.parquet", "indicators.csv"}


def _own(outputs: list[str]) -> tuple[str, ...]:
    return tuple(o for o in outputs if o not in SHARED_OUTPUTS)


SPECS: list[StageSpec] = [
    StageSpec(
        "01_ingest_clean",
        "Pembersihan dan rekonsiliasi data",
        "Ingest, clean and reconcile",
        ingest,
        options=("allow_partial", "force", "progress"),
        outputs=tuple(INGEST_OUTPUTS),  # stage 1 writes records.parquet first
        missing_id="semua angka (tidak ada data yang terbaca)",
        missing_en="every number (no data could be read)",
    ),
    StageSpec(
        "02_link",
        "Pencocokan orang dan keluarga antar-data",
        "Link persons and households",
        link,
        options=("force", "retrain", "engine"),
        needs=("01_ingest_clean",),
        outputs=_own(LINK_OUTPUTS),
        missing_id="jumlah orang dan keluarga, sasaran program, pekerja miskin, dan Desa Binaan",
        missing_en="persons and households, targeting, working poor and Desa Binaan",
    ),
    StageSpec(
        "03_targeting",
        "Sasaran program: cakupan, salah sasaran, dan titik temu antar dinas",
        "Targeting: coverage, exclusion and inclusion error, overlaps",
        targeting,
        options=("force",),
        needs=("02_link",),
        outputs=_own(TARGETING_OUTPUTS),
        missing_id="cakupan dan ketepatan sasaran program, pekerja miskin, dan Desa Binaan",
        missing_en="program coverage and targeting errors, working poor and Desa Binaan",
    ),
    StageSpec(
        "04_working_poor",
        "Bekerja tetapi miskin",
        "The working poor",
        working_poor,
        options=("force",),
        needs=("03_targeting",),
        outputs=_own(WORKPOOR_OUTPUTS),
        missing_id="angka pekerja miskin dan model penyebabnya",
        missing_en="working-poverty rates and their model",
    ),
    StageSpec(
        "05_villages",
        "Tipologi desa dan prioritas Desa Binaan",
        "Village typology and Desa Binaan priority",
        villages,
        options=("force",),
        needs=("03_targeting",),
        outputs=_own(VILLAGE_OUTPUTS),
        missing_id="tipologi desa dan usulan Desa Binaan",
        missing_en="the village typology and proposed Desa Binaan",
    ),
    StageSpec(
        SUMMARY,
        "Ringkasan untuk pimpinan",
        "Summary for policymakers",
        summary,
        notebook_options=("min_cell",),
        last=True,
    ),
]

BY_NAME = {s.name: s for s in SPECS}


def register(spec: StageSpec, after: str) -> None:
    """Add a stage after the stage named `after`: the runner, the cache, `ensure`, the CLI's
    `--until`, the notebooks' rendering and the index then treat it like the built-in ones.
    Its notebook is `notebooks/<name>.ipynb` with a `parameters` cell."""
    if spec.name in BY_NAME:
        raise ValueError(f"a stage named {spec.name!r} already exists")
    unknown = [n for n in (after, *spec.needs) if n not in BY_NAME]
    if unknown:
        raise ValueError(f"unknown stage(s) {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    SPECS.insert([s.name for s in SPECS].index(after) + 1, spec)
    BY_NAME[spec.name] = spec


def unregister(name: str) -> None:
    """Remove a stage added with `register` (tests, experiments)."""
    SPECS.remove(BY_NAME.pop(name))


#: naming a stage here makes it fail, to test that a failing stage fails alone (the tests
#: set it; kernels rendering notebooks inherit it, so the summary sees the same failure)
FAIL_STAGE_VARIABLE = "LEBONGBISA_FAIL_STAGE"


def _user_errors() -> tuple[type[BaseException], ...]:
    """Errors a user must fix before anything is computed: they stop the run, as before."""
    from lebongbisa.ingest.errors import InputError
    from lebongbisa.privacy import KeyError_

    return (InputError, KeyError_)


def _discard(spec: StageSpec, processed: Path) -> None:
    """Remove a failed stage's outputs (a stale table must never pass for this run's)."""
    for o in spec.outputs:
        (processed / o).unlink(missing_ok=True)
    _marker(processed, spec.name).unlink(missing_ok=True)
    if any(o.startswith("indicators_") for o in spec.outputs):
        from lebongbisa import indicators

        indicators.combine(processed)


def ensure(
    period: str,
    upto: str | None = None,
    data_dir: Path | None = None,
    reports_dir: Path | None = None,
    tolerate: bool = False,
    known: dict[str, dict] | None = None,
    **options: object,
) -> dict[str, dict]:
    """Bring every stage up to `upto` (default: all) up to date, in order; returns each
    stage's status: `{"status": "ok" | "failed" | "skipped", "recomputed", "seconds",
    "error", "traceback"}`.

    A stage that raises is recorded as failed, its outputs are discarded, the stages that
    need it are skipped, and the others still run. With `tolerate=False` (a stage notebook)
    `StageError` is raised when the `upto` stage itself did not complete. Errors the user
    must fix (bad inputs, a missing key) are always raised. Stages in `known` (statuses from
    earlier calls of the same run) are not run again."""
    import time
    import traceback

    names = [s.name for s in SPECS]
    selected = SPECS if upto is None else SPECS[: names.index(upto) + 1]
    raw, processed = period_paths(period, data_dir)
    if options.get("settings") is None:  # what the runner uses: the same run.yml files
        options["settings"] = load_settings(raw, options.pop("config", None) or None)
    status: dict[str, dict] = dict(known or {})
    for spec in selected:
        if spec.name in status:
            continue
        blocked = [n for n in spec.needs if status.get(n, {}).get("status") != "ok"]
        if blocked:
            status[spec.name] = {
                "status": "skipped",
                "recomputed": False,
                "seconds": 0.0,
                "error": f"needs {', '.join(blocked)}, which did not complete",
            }
            continue
        t0 = time.perf_counter()
        try:
            if os.environ.get(FAIL_STAGE_VARIABLE) == spec.name:
                raise RuntimeError(f"failure injected by {FAIL_STAGE_VARIABLE} (a test)")
            taken = {k: options[k] for k in spec.options if k in options}
            recomputed = spec.compute(
                period, data_dir, reports_dir=reports_dir, settings=options["settings"], **taken
            )
            status[spec.name] = {"status": "ok", "recomputed": bool(recomputed)}
        except _user_errors():
            raise
        except Exception as exc:  # a stage fails alone: record, discard, go on
            _discard(spec, processed)
            status[spec.name] = {
                "status": "failed",
                "recomputed": True,
                "error": f"{type(exc).__name__}: {exc}".splitlines()[0][:300],
                "traceback": traceback.format_exc(),
            }
        status[spec.name]["seconds"] = time.perf_counter() - t0
    last = status[selected[-1].name]
    if not tolerate and last["status"] != "ok":
        raise StageError(selected[-1].name, last["error"])
    return status


def failures(status: dict[str, dict]) -> list[dict]:
    """The stages in an `ensure` status that failed or were skipped, with their titles and
    what a reader misses because of them (for the summary and the index)."""
    keys = ("title_id", "title_en", "missing_id", "missing_en")
    return [
        {"stage": name, **s, **{k: getattr(BY_NAME[name], k) for k in keys}}
        for name, s in status.items()
        if s["status"] in ("failed", "skipped")
    ]


class StageError(RuntimeError):
    """A stage raised an unexpected error (its traceback is in the run log)."""

    def __init__(self, stage: str, error: str):
        super().__init__(f"stage {stage} failed: {error}")
        self.stage, self.error = stage, error
