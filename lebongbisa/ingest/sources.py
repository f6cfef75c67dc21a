"""`sources.yml` (contract: docs/deliveries.md) and the program catalog, parsed and validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lebongbisa.config import PACKAGE_DATA_DIR, PERIOD_RE
from lebongbisa.errors import InputError, Problem
from lebongbisa.kinds import NAMES

KINDS = NAMES  # (data/kinds.yml)
PROGRAM_TYPES = ("bansos", "pemberdayaan", "kesehatan", "pendidikan", "perumahan")
UNITS = ("household", "person")
#: a catalog entry's optional `benefit_per`: what one `benefit` pays for, as quarters' worth
#: paid in one quarter (default `year`: a quarter of it per quarter)
BENEFIT_PER = {"year": 0.25, "quarter": 1.0, "month": 3.0, "once": 1.0}


@dataclass(frozen=True)
class Source:
    file: str
    kind: str
    path: Path
    sheet: str | int = 0
    columns: dict[str, str] = field(default_factory=dict)
    program: str | None = None


@dataclass(frozen=True)
class Period:
    period: str
    folder: Path
    sources: list[Source]
    programs: list[dict]


def load_catalog(path: Path | None = None) -> list[dict]:
    """The program catalog: the period's own file at `path` is its whole catalog; the default
    shipped with the package applies only when a period ships none."""
    if path is None:
        return yaml.safe_load((PACKAGE_DATA_DIR / "programs.yml").read_text())["programs"]
    name = path.name
    try:
        doc = yaml.safe_load(path.read_text())
    except FileNotFoundError as exc:
        raise InputError(
            [Problem(name, "program catalog not found", "fix the `programs:` line of sources.yml")]
        ) from exc
    except yaml.YAMLError as exc:
        raise InputError([Problem(name, f"not valid YAML ({exc.__class__.__name__})")]) from exc
    entries = (doc or {}).get("programs") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise InputError([Problem(name, "expected a list under `programs:`")])
    problems = validate_catalog(entries, name)
    codes = [e.get("code") for e in entries if isinstance(e, dict)]
    problems += [
        Problem(name, f"program code {c!r} appears more than once", "keep one entry per code")
        for c in sorted({c for c in codes if codes.count(c) > 1}, key=str)
    ]
    if problems:
        raise InputError(problems)
    return entries


def validate_catalog(entries: list, name: str = "programs.yml") -> list[Problem]:
    """Every entry has the contract keys with allowed values and a parseable target rule."""
    from lebongbisa.targeting_rules import check_rule

    problems = []
    required = ("code", "name", "agency", "type", "unit", "target_rule", "benefit")
    for i, e in enumerate(entries, start=1):
        if not isinstance(e, dict):
            problems.append(Problem(name, f"entry {i} is not a mapping"))
            continue
        label = e.get("code", f"entry {i}")
        missing = [k for k in required if k not in e]
        if missing:
            problems.append(Problem(name, f"program {label}: missing {', '.join(missing)}"))
        if e.get("type") not in PROGRAM_TYPES:
            problems.append(
                Problem(
                    name,
                    f"program {label}: type {e.get('type')!r} is not one of "
                    f"{', '.join(PROGRAM_TYPES)}",
                )
            )
        if e.get("unit") not in UNITS:
            problems.append(
                Problem(name, f"program {label}: unit {e.get('unit')!r} is not household or person")
            )
        per = e.get("benefit_per")
        if per is not None and per not in BENEFIT_PER:
            problems.append(
                Problem(
                    name,
                    f"program {label}: benefit_per {per!r} is not one of {', '.join(BENEFIT_PER)}",
                    "leave it out to read `benefit` as Rupiah per year",
                )
            )
        aliases = e.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            problems.append(
                Problem(name, f"program {label}: aliases must be a list of earlier codes")
            )
        if "target_rule" in e:
            err = check_rule(str(e["target_rule"]))
            if err:
                problems.append(Problem(name, f"program {label}: target_rule {err}"))
    return problems


def load_period(folder: Path) -> tuple[Period, list[Problem]]:
    """Parse `<folder>/sources.yml`: the usable sources and the problems of the others.

    Raises InputError only when sources.yml itself cannot be used.
    """
    folder = Path(folder)
    yml = folder / "sources.yml"
    if not yml.exists():
        raise InputError(
            [
                Problem(
                    str(yml),
                    "not found",
                    f"run `lebongbisa init {folder.name}` to propose one from the files there "
                    "(docs/deliveries.md describes it)",
                )
            ]
        )
    try:
        doc = yaml.safe_load(yml.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError([Problem("sources.yml", f"not valid YAML: {exc}")]) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("sources"), list):
        raise InputError([Problem("sources.yml", "expected `period:` and a list under `sources:`")])
    period = str(doc.get("period") or folder.name)
    problems: list[Problem] = []
    if not PERIOD_RE.match(period):
        problems.append(Problem("sources.yml", f"period {period!r} is not a quarter like 2024Q3"))
    catalog_path = folder / doc["programs"] if doc.get("programs") else None
    try:
        programs = load_catalog(catalog_path)
    except InputError as exc:
        problems += exc.problems
        programs = load_catalog(None)
    codes = {p["code"] for p in programs}
    sources = []
    for i, entry in enumerate(doc["sources"], start=1):
        if not isinstance(entry, dict) or "file" not in entry:
            problems.append(Problem("sources.yml", f"source {i} has no `file:`"))
            continue
        file = str(entry["file"])
        kind = entry.get("kind")
        if kind not in KINDS:
            problems.append(
                Problem(file, f"unknown kind {kind!r}", f"use one of: {', '.join(KINDS)}")
            )
            continue
        program = entry.get("program")
        if kind == "program":
            if not program:
                problems.append(
                    Problem(
                        file,
                        "kind program needs `program:` (a catalog code)",
                        f"add e.g. `program: {sorted(codes)[0]}`",
                    )
                )
                continue
            if program == "???":  # a question `lebongbisa init` left for the user
                problems.append(
                    Problem(
                        file,
                        "which program this list belongs to is not answered yet (`???`)",
                        f"set `program:` to one of {', '.join(sorted(codes))}",
                    )
                )
                continue
            if program not in codes:
                problems.append(
                    Problem(
                        file,
                        f"program {program!r} is not in the program catalog",
                        f"use one of {', '.join(sorted(codes))}, or add it to "
                        "the period's programs.yml",
                    )
                )
                continue
        path = folder / file
        if not path.exists():
            problems.append(
                Problem(
                    file,
                    "file not found in " + str(folder),
                    "check the name in sources.yml (case matters)",
                )
            )
            continue
        if path.stat().st_size == 0:
            problems.append(
                Problem(file, "file is empty (0 bytes)", "ask the dinas to send the file again")
            )
            continue
        columns = entry.get("columns") or {}
        if not isinstance(columns, dict):
            problems.append(Problem(file, "`columns:` must map raw headers to canonical fields"))
            columns = {}
        sources.append(
            Source(
                file=file,
                kind=kind,
                path=path,
                sheet=entry.get("sheet", 0),
                columns={str(k): str(v) for k, v in columns.items()},
                program=program,
            )
        )
    return Period(period=period, folder=folder, sources=sources, programs=programs), problems
