"""Stage entry points with a cache: a stage's outputs are reused when the files it reads
(checksums), its settings and parameters, the key and the package's code are unchanged.
Notebooks and the runner both call `ensure`, so a notebook rerun alone in JupyterLab
recomputes only what is stale.

The stages are data (`stagespec.StageSpec`, one per stage package, listed in `SPECS`): what a
stage reads, reads from the previous quarter and writes is declared there, and the cache
fingerprints exactly those files. A stage writes its completion marker after all its outputs:
a run that died half-way leaves no marker, and the next run recomputes.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
from collections.abc import Callable
from functools import lru_cache, partial
from pathlib import Path

from lebongbisa import __version__, config
from lebongbisa import settings as settings_module
from lebongbisa.briefs import SPEC as BRIEFS
from lebongbisa.folder import ARTEFACTS, PeriodFolder
from lebongbisa.ingest import SPEC as INGEST
from lebongbisa.io import file_checksum, write_json
from lebongbisa.link import SPEC as LINK
from lebongbisa.privacy import check_key_continuity
from lebongbisa.privacy import fingerprint as key_fingerprint
from lebongbisa.report import SPEC as SUMMARY_SPEC
from lebongbisa.series import SPEC as SERIES
from lebongbisa.settings import Settings
from lebongbisa.stagespec import StageSpec
from lebongbisa.targeting import SPEC as TARGETING
from lebongbisa.villages import SPEC as VILLAGES
from lebongbisa.workpoor import SPEC as WORKING_POOR


def all_periods(raw: Path) -> list[str]:
    """Every period folder under data/raw that holds a sources.yml, oldest first."""
    return sorted(
        p.name
        for p in Path(raw).glob("*")
        if config.PERIOD_RE.match(p.name) and (p / "sources.yml").exists()
    )


def latest_period(raw: Path) -> str | None:
    """The latest period folder under data/raw that holds a sources.yml."""
    found = all_periods(raw)
    return found[-1] if found else None


def folder(
    period: str, data_dir: Path | None = None, reports_dir: Path | None = None
) -> PeriodFolder:
    """The period's folders and artefact paths."""
    return PeriodFolder.of(period, data_dir, reports_dir)


def _marker(processed: Path, stage: str) -> Path:
    return PeriodFolder.at(processed).stage_marker(stage)


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
        if p.suffix in (".py", ".yml", ".csv", ".json") and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


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
    on_compute: Callable[[str], object] | None = None,
) -> bool:
    """Run `compute` unless the stage is fresh (`on_compute(stage)` first). Returns True when
    it recomputed.

    Recomputing a stage invalidates every later stage (their markers are removed), since they
    read this stage's outputs."""
    fp = fingerprint(inputs, params, _saved(processed, stage))
    if not force and is_fresh(processed, stage, fp, outputs):
        return False
    if on_compute is not None:
        on_compute(stage)
    for later in _downstream(stage):
        _marker(processed, later).unlink(missing_ok=True)
    compute()
    write_json({**fp, "outputs": outputs}, _marker(processed, stage))
    return True


def _downstream(stage: str) -> list[str]:
    """The later stages whose outputs derive from `stage`'s: those that need it or read what
    it writes (an artefact, or a group holding one), and so on down the run order. A stage
    that reads nothing of it (e.g. one registered beside it) keeps its cache."""
    names = [s.name for s in SPECS]
    if stage not in names:
        return []
    tainted, written = {stage}, {*BY_NAME[stage].writes}
    for spec in SPECS[names.index(stage) + 1 :]:
        read = {*spec.reads, *spec.reads_previous, *spec.reads_earlier}
        groups = {ARTEFACTS[k].group for k in written if k in ARTEFACTS}
        if tainted & {*spec.needs} or read & (written | groups):
            tainted.add(spec.name)
            written |= {*spec.writes}
    return [n for n in names if n in tainted and n != stage]


def declared_sections() -> list[type]:
    """The run configuration sections the stages declare, in run order."""
    return [s.section for s in SPECS if s.section is not None]


def load_settings(
    raw: Path | None = None,
    config_file: Path | None = None,
    lang: str | None = None,
    min_cell: int | None = None,
) -> Settings:
    """The run configuration of a period's raw folder, with every stage's section."""
    return settings_module.load(raw, config_file, lang, min_cell, declared_sections())


def compute(
    stage: str,
    period: str,
    data_dir: Path | None = None,
    reports_dir: Path | None = None,
    settings: Settings | None = None,
    force: bool = False,
    on_compute: Callable[[str], object] | None = None,
    **options: object,
) -> bool:
    """Bring one stage up to date for a period, as its spec declares; True when it recomputed
    (`on_compute(stage)` is called just before it computes: the runner starts its kernels).

    The cache fingerprints the files the stage reads (this quarter's and the previous
    quarter's), its run.yml sections, the run options that change its outputs and the key (a
    new key recomputes everything: no output mixes pseudonyms of two keys). Options the stage
    does not take are ignored."""
    spec = BY_NAME[stage]
    f = folder(period, data_dir, reports_dir)
    # every entry point passes here (a run, a series, a notebook's ensure): the key must be
    # the one that processed the data folder's quarters, checked before any key is created
    check_key_continuity(f.root, period)
    settings = settings or load_settings(f.raw)
    sections = {name: settings.section(name) for name in spec.settings}
    taken = {k: options[k] for k in spec.options if k in options}
    # a parameter not given takes the function's default, so every caller (the runner, a
    # notebook, a script) fingerprints the same run the same way; the function (and the
    # libraries it needs: statsmodels, scikit-learn) is imported only when it is needed
    if spec.params:
        defaults = inspect.signature(spec.function()).parameters
        taken |= {k: options.get(k, defaults[k].default) for k in spec.params}
    outputs = [f.path(key) for key in spec.writes]
    inputs = [p for key in spec.reads for p in f.files(key) if p not in outputs]  # upstream only
    inputs += [p for key in spec.reads_previous if (p := f.previous(key))]
    inputs += [p for key in spec.reads_earlier if (p := f.latest_earlier(key))]
    params = {name: settings.section_dict(name) for name in spec.settings}
    params |= {k: taken[k] for k in spec.params} | {"key": key_fingerprint()}
    return cached(
        spec.name,
        f.processed,
        inputs,
        params,
        [str(p) for p in outputs],
        lambda: spec.function()(f, **sections, **taken),
        force,
        on_compute,
    )


#: the run order; the summary (`last`) is rendered after every other page
SPECS: list[StageSpec] = [
    INGEST,
    LINK,
    TARGETING,
    WORKING_POOR,
    VILLAGES,
    SERIES,
    BRIEFS,
    SUMMARY_SPEC,
]
BY_NAME = {s.name: s for s in SPECS}

#: one call per stage, for scripts, benchmarks and tests: `stages.link(period, data_dir, ...)`
ingest = partial(compute, INGEST.name)
link = partial(compute, LINK.name)
targeting = partial(compute, TARGETING.name)
working_poor = partial(compute, WORKING_POOR.name)
villages = partial(compute, VILLAGES.name)


def register(spec: StageSpec, after: str) -> None:
    """Add a stage after the stage named `after`: the runner, the cache, `ensure`, the CLI's
    `--until`, the notebooks' rendering and the index then treat it like the built-in ones.
    Its notebook is `notebooks/<name>.ipynb` with a `parameters` cell; the artefacts it
    writes are declared with `folder.register`."""
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
    from lebongbisa.errors import InputError
    from lebongbisa.privacy import KeyError_

    return (InputError, KeyError_)


def _discard(spec: StageSpec, f: PeriodFolder) -> None:
    """Remove a failed stage's outputs (a stale table must never pass for this run's)."""
    for key in spec.writes:
        f.path(key).unlink(missing_ok=True)
    f.stage_marker(spec.name).unlink(missing_ok=True)


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
    f = folder(period, data_dir, reports_dir)
    if options.get("settings") is None:  # what the runner uses: the same run.yml files
        options["settings"] = load_settings(f.raw, options.pop("config", None) or None)
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
            recomputed = compute(spec.name, period, data_dir, reports_dir, **options)
            status[spec.name] = {"status": "ok", "recomputed": bool(recomputed)}
        except _user_errors():
            raise
        except Exception as exc:  # a stage fails alone: record, discard, go on
            _discard(spec, f)
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
