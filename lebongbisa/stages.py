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
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from lebongbisa import __version__, config
from lebongbisa.io import sha256_file, write_json


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


def fingerprint(inputs: list[Path], params: dict, saved: dict | None = None) -> dict:
    """Version, parameters and the SHA-256 of each input file.

    A file whose size and modification time (ns) equal those recorded in `saved` (the stage's
    last marker) keeps its recorded checksum instead of being read again, as make and DVC do:
    checking that a notebook's stages are fresh then costs a stat per file, not a full read."""
    saved = saved or {}
    old_sha, old_stat = saved.get("inputs", {}), saved.get("stats", {})
    files = [p for p in sorted(inputs) if p.is_file()]
    stats = {p.name: _stat(p) for p in files}
    return {
        "version": __version__,
        "code": code_fingerprint(),
        "params": params,
        "inputs": {
            p.name: old_sha[p.name]
            if old_stat.get(p.name) == stats[p.name] and p.name in old_sha
            else sha256_file(p)
            for p in files
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

    raw, processed = period_paths(period, data_dir)
    inputs = [p for p in raw.iterdir() if p.is_file()] if raw.exists() else []
    return cached(
        "01_ingest_clean",
        processed,
        inputs,
        {"allow_partial": allow_partial},
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
    **_: object,
) -> bool:
    """Stage 2 (link persons and households) on `engine` (duckdb | spark); returns True when
    it recomputed. The engine changes where the work runs, not the result."""
    from lebongbisa.link.review import DECISIONS_FILE, REVIEW_FILE
    from lebongbisa.link.stage import link_period, previous_model

    _, processed = period_paths(period, data_dir)
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
        {"retrain": retrain},
        [*LINK_OUTPUTS, str(reports / "restricted" / REVIEW_FILE)],
        lambda: link_period(processed, reports, retrain=retrain, engine=engine),
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
    period: str, data_dir: Path | None = None, force: bool = False, **_: object
) -> bool:
    """Stage 4 (working poor: measures and models); returns True when it recomputed."""
    from lebongbisa.workpoor.stage import working_poor_period

    _, processed = period_paths(period, data_dir)
    inputs = [
        processed / "records.parquet",
        processed / "clean.parquet",
        processed / "household_base.parquet",
    ]
    return cached(
        "04_working_poor",
        processed,
        inputs,
        {},
        WORKPOOR_OUTPUTS,
        lambda: working_poor_period(processed),
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


def villages(period: str, data_dir: Path | None = None, force: bool = False, **_: object) -> bool:
    """Stage 5 (village typology and Desa Binaan priority); True when it recomputed."""
    from lebongbisa.villages.stage import villages_period

    _, processed = period_paths(period, data_dir)
    inputs = [
        processed / "records.parquet",
        processed / "clean.parquet",
        processed / "household_base.parquet",
        processed / "village_effects.parquet",
    ]
    return cached(
        "05_villages",
        processed,
        inputs,
        {},
        VILLAGE_OUTPUTS,
        lambda: villages_period(processed),
        force,
    )


def summary(period: str, data_dir: Path | None = None, **_: object) -> bool:
    """Stage 6 (policymaker summary): computes nothing of its own; its notebook reads the
    indicators, so it is re-rendered whenever an earlier stage changed."""
    return False
