"""`lebongbisa init PERIOD`: a proposed `sources.yml` for the files a user dropped into a
period folder, so that nobody has to write one from scratch.

For each file it finds the sheet and header row (as stage 1 will), maps the headers through the
built-in synonyms, guesses the kind from the fields found (a registry has a household id; P3KE
and DTSEN also a desil, DTSEN up to 10; the UMKM registry has turnover or workers and no benefit
amount; anything else with a name is a program list) and the program from the catalog codes in
the file name. What it cannot decide is written as a marked question (`"???"`, with the
choices), which stage 1 refuses until a person answers it. It never overwrites a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lebongbisa.config import PACKAGE_DATA_DIR
from lebongbisa.errors import InputError, Problem
from lebongbisa.ingest.headers import header_score, map_headers
from lebongbisa.ingest.readers import EXCEL_SUFFIXES, TEXT_SUFFIXES, ReadError, read_table
from lebongbisa.ingest.sources import load_catalog
from lebongbisa.io import file_checksum
from lebongbisa.kinds import REQUIRED

QUESTION = "???"
DELIVERY_SUFFIXES = tuple(EXCEL_SUFFIXES) + tuple(TEXT_SUFFIXES)


@dataclass
class Proposal:
    """What `init` found in one file."""

    file: str
    kind: str
    sheet: str | int = 0
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    program: str | None = None
    questions: list[str] = field(default_factory=list)
    why: str = ""


def _norm(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def best_sheet(path: Path) -> str | int:
    """The sheet whose top rows look most like a header (first sheet on a tie)."""
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        return 0
    from python_calamine import CalamineWorkbook

    best, best_score = 0, -1
    try:
        wb = CalamineWorkbook.from_path(str(path))
        for i, name in enumerate(wb.sheet_names):
            rows = wb.get_sheet_by_index(i).to_python(nrows=30)
            score = max((header_score(r, {}) for r in rows), default=0)
            if score > best_score:
                best, best_score = (i if i == 0 else name), score
    except Exception:  # a damaged workbook: reading it says what is wrong, in plain words
        return 0
    return best


def guess_kind(path: Path, fields: set[str], desil_max: float | None) -> tuple[str, str]:
    """The source kind from the canonical fields found, and why (for the comment)."""
    name = _norm(path.stem)
    if "verification_key" in fields:
        return "verification", "a by-name list sent back with KUNCI ORANG and HASIL VERIFIKASI"
    if "household_id" in fields and "desil" in fields:
        if "DTSEN" in name or (desil_max is not None and desil_max > 4 and "P3KE" not in name):
            return "dtsen", "a household id and a desil up to 10 (or DTSEN in the name)"
        return "p3ke", "a family id and a desil of 1-4 (or P3KE in the name)"
    if "household_id" in fields:
        return "dtks", "a household id (ID DTKS) and no desil"
    if {"monthly_revenue", "workers"} & fields and "amount" not in fields:
        return "umkm", "business turnover or workers and no benefit amount"
    return "program", "names of persons without a household id: a recipient list"


def guess_program(path: Path, catalog: list[dict]) -> str | None:
    """The catalog program whose code appears in the file name, when exactly one does."""
    name = _norm(path.stem)
    hits = {p["code"] for p in catalog if _norm(str(p["code"])) in name}
    # a code inside a longer matching code (PKH in PKH-REG) is not a second candidate
    hits = {c for c in hits if not any(c != o and _norm(c) in _norm(o) for o in hits)}
    return hits.pop() if len(hits) == 1 else None


def propose_file(path: Path, catalog: list[dict]) -> Proposal:
    """Read one file as stage 1 would and propose its `sources.yml` entry."""
    sheet = best_sheet(path)
    table = read_table(path, sheet)
    mapping = map_headers(list(table.data.columns), {})
    fields = set(mapping.values())
    desil_max = None
    if "desil" in fields:
        col = next(h for h, f in mapping.items() if f == "desil")
        desil = table.data[col].str.extract(r"^(\d+)")[0].dropna().astype(int)
        desil_max = float(desil.max()) if len(desil) else None
    kind, why = guess_kind(path, fields, desil_max)
    p = Proposal(
        file=path.name,
        kind=kind,
        sheet=sheet,
        header_row=table.header_row,
        columns=mapping,
        unknown=[h for h in table.data.columns if h not in mapping and not h.startswith("column_")],
        why=why,
    )
    missing = [f for f in REQUIRED[kind] if f not in fields]
    if kind == "program" and not {"nik", "name"} & fields:
        missing.append("nik or name")
    for f in missing:
        p.questions.append(
            f"no column was recognised as `{f}`: add the file's header for it under "
            f'`columns:` (e.g. "<its header>": {f.split()[0]})'
        )
    if kind == "program":
        p.program = guess_program(path, catalog)
        if p.program is None:
            codes = ", ".join(str(c["code"]) for c in catalog)
            p.questions.append(f"which program is this list? one of: {codes}")
    return p


def _entry_text(p: Proposal) -> str:
    lines = [f"  - file: {yaml.safe_dump(p.file).strip().removesuffix('...').strip()}"]
    lines.append(f"    kind: {p.kind}  # guessed: {p.why} (check)")
    if p.kind == "program":
        if p.program:
            lines.append(f"    program: {p.program}  # from the file name (check)")
        else:
            lines.append(f'    program: "{QUESTION}"  # QUESTION: {p.questions[-1]}')
    if p.sheet != 0:
        lines.append(f"    sheet: {yaml.safe_dump(p.sheet).strip().removesuffix('...').strip()}")
    lines.append(f"    # header found on row {p.header_row}")
    if p.columns:
        lines.append("    columns:  # header in the file -> field (recognised; edit if wrong)")
        for raw, f in p.columns.items():
            lines.append(f"      {yaml.safe_dump(raw).strip().removesuffix('...').strip()}: {f}")
    if p.unknown:
        lines.append("    # columns not used (not recognised): " + ", ".join(p.unknown))
    for q in p.questions:
        if not q.startswith("which program"):
            lines.append(f"    # QUESTION: {q}")
    return "\n".join(lines)


#: files `init` and the run write into a period folder themselves: never deliveries
OWN_FILES = frozenset({"sources.yml", "programs.yml", "run.yml"})


def delivery_files(folder: Path) -> tuple[list[Path], list[str]]:
    """Every delivery file under `folder`, subfolders included (as the run reads them), and a
    line for each file passed over: Excel lock files (`~$…`), hidden files and folders,
    `init`'s own outputs and files of another format."""
    files, skipped = [], []
    for f in sorted(folder.rglob("*")):
        if not f.is_file():
            continue
        rel = f.relative_to(folder)
        name = rel.as_posix()
        if any(part.startswith(".") for part in rel.parts):
            skipped.append(f"{name} (hidden)")
        elif f.name.startswith("~$"):
            skipped.append(f"{name} (an Excel lock file: the workbook is open somewhere)")
        elif name in OWN_FILES:
            continue  # the period's own settings, not a delivery
        elif f.suffix.lower() not in DELIVERY_SUFFIXES:
            skipped.append(f"{name} (not .xlsx, .xls, .csv or .txt)")
        else:
            files.append(f)
    return files, skipped


def _mark_same_content(folder: Path, proposals: list[Proposal]) -> None:
    """A file delivered twice (same checksum, e.g. a copy in a subfolder) gets a question:
    reading both would count every row twice."""
    first: dict[str, str] = {}
    for p in proposals:
        digest = file_checksum(folder / p.file)
        if digest in first:
            p.questions.append(
                f"same content as {first[digest]}: keep one of the two entries, or every "
                "row is counted twice"
            )
        else:
            first[digest] = p.file


def propose_period(
    folder: Path, period: str
) -> tuple[str, list[Proposal], list[Problem], list[str]]:
    """The proposed `sources.yml` text for `folder`, the proposals, the files that could
    not be read (each a Problem naming the file and the fix) and the files passed over."""
    folder = Path(folder)
    own = folder / "programs.yml"
    catalog = load_catalog(own if own.exists() else None)
    files, skipped = delivery_files(folder)
    proposals, problems = [], []
    for f in files:
        rel = f.relative_to(folder).as_posix()
        if f.stat().st_size == 0:
            problems.append(Problem(rel, "file is empty (0 bytes)", "ask for the file again"))
            continue
        try:
            p = propose_file(f, catalog)
        except ReadError as exc:
            problems.append(exc.problem)
            continue
        except OSError as exc:
            problems.append(
                Problem(rel, f"cannot be opened ({exc.strerror})", "check the file's access")
            )
            continue
        p.file = rel
        proposals.append(p)
    _mark_same_content(folder, proposals)
    head = [
        f"# Proposed by `lebongbisa init {period}`: check every line marked (check) and answer",
        f'# every QUESTION (a "{QUESTION}" value is refused until you do). The format is',
        "# described in docs/deliveries.md.",
        f"period: {period}",
        "programs: programs.yml",
        "sources:",
    ]
    head += [f"# skipped: {why}" for why in skipped]
    body = [_entry_text(p) for p in proposals]
    return "\n".join(head + body) + "\n", proposals, problems, skipped


def init_period(folder: Path, period: str) -> list[str]:
    """Write `sources.yml` (and `programs.yml`, copied from the packaged default, when the
    folder has none) for the files in `folder`; returns what the user must check, in plain
    words. Raises InputError when a file cannot be read or `sources.yml` already exists."""
    folder = Path(folder)
    target = folder / "sources.yml"
    if target.exists():
        raise InputError(
            [
                Problem(
                    str(target),
                    "already exists; init never overwrites it",
                    "rename or delete it first if you want a new proposal",
                )
            ]
        )
    if not folder.is_dir():
        raise InputError(
            [Problem(str(folder), "folder not found", "copy the quarter's files there first")]
        )
    text, proposals, problems, skipped = propose_period(folder, period)
    if problems:
        raise InputError(problems, period)
    if not proposals:
        raise InputError(
            [
                Problem(
                    str(folder),
                    "holds no .xlsx, .xls, .csv or .txt file",
                    "copy the quarter's files there first",
                )
            ]
        )
    notes = [f"skipped {why}" for why in skipped]
    catalog_file = folder / "programs.yml"
    if not catalog_file.exists():
        catalog_file.write_bytes((PACKAGE_DATA_DIR / "programs.yml").read_bytes())
        notes.append(
            "programs.yml: a copy of the packaged catalog; edit it to this quarter's programs "
            "(it is the period's whole catalog)."
        )
    target.write_text(text, encoding="utf-8")
    for p in proposals:
        kind = f"{p.kind} ({p.program})" if p.program else p.kind
        notes.append(
            f"{p.file}: {kind}; header on row {p.header_row}; {len(p.columns)} columns "
            f"recognised" + (f", {len(p.questions)} question(s)" if p.questions else "")
        )
    open_questions = sum(len(p.questions) for p in proposals)
    notes.append(
        f"Wrote {target}. "
        + (
            f"Answer the {open_questions} QUESTION line(s) in it, check the guesses, then run "
            f"`lebongbisa run {period}`."
            if open_questions
            else f"Check the guesses, then run `lebongbisa run {period}`."
        )
    )
    return notes
