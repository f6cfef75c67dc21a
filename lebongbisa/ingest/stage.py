"""Stage 1 for a period: read every source, standardize, reconcile, write the outputs.

Outputs (artefacts of `folder.ARTEFACTS`, in `data/processed/<period>/`, docs/outputs.md):
- `rows` — one row per raw data row of every source, with its status and reasons (the
  contract columns of `records.parquet`, keys empty: the link stage writes `records`),
- `clean` — the analytic fields with pseudonymous keys instead of NIK and names,
- `identity` (restricted) — NIK, KK, names, birth dates and addresses (owner-only),
- `quarantine` (restricted) — quarantined rows with their original values,
- `verification` (restricted) — the rows of returned lists (kind verification), matched
  with the lists sent (ingest/verification.py); never persons or households of the quarter,
- `manifest` — per source: checksum and rows read = accepted + quarantined.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from lebongbisa import __version__, kinds, schemas
from lebongbisa.errors import InputError, Problem
from lebongbisa.folder import PeriodFolder, as_folder
from lebongbisa.ingest.readers import ReadError, read_table
from lebongbisa.ingest.sources import load_period
from lebongbisa.ingest.standardize import HOUSING_FIELDS, missing_fields, standardize
from lebongbisa.ingest.verification import COLUMNS as VERIFICATION_COLUMNS
from lebongbisa.ingest.verification import (
    issued_keys,
    key_translation,
    read_returned,
    standardize_returned,
)
from lebongbisa.io import sha256_file, write_json, write_parquet
from lebongbisa.privacy import fingerprint, pseudonymize
from lebongbisa.restricted import restricted_folder

#: Every output table starts with the row's provenance and status (docs/outputs.md).
ROW_COLUMNS = ["source_file", "source_row", "kind", "program", "status", "reason"]
RECORD_COLUMNS = [*ROW_COLUMNS, "person_key", "household_key", "match_type", "match_probability"]
IDENTITY_COLUMNS = [
    "source_file",
    "source_row",
    "nik",
    "nik_prefix",
    "nik_raw",
    "kk_number",
    "kk_raw",
    "name_raw",
    "name_clean",
    "name_key",
    "patronymic",
    "birth_date",
    "address",
    "rt",
    "rw",
    "village_raw",
    "district_raw",
    "household_id",
]
ANALYTIC_COLUMNS = [
    *ROW_COLUMNS,
    "nik_key",
    "kk_key",
    "source_household_key",
    "nik_valid",
    "sex",
    "birth_year",
    "age",
    "relationship",
    "village_code",
    "district_code",
    "desil",
    "works",
    "sector",
    "sector_detail",
    "occupation",
    "employment_status",
    "informal",
    "hours_worked",
    "education_level",
    *HOUSING_FIELDS,
    "amount",
    "business_sector",
    "monthly_revenue",
    "workers",
]

log = logging.getLogger(__name__)


@dataclass
class IngestResult:
    period: str
    folder: Path
    manifest: dict
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def period_date(period: str) -> pd.Timestamp:
    """The reference date of a quarter (its last day): ages are computed on it."""
    return pd.Period(period, "Q").end_time.normalize()


def unreadable(file: str, exc: OSError) -> Problem:
    """A file the operating system will not let us open (permissions, a locked share)."""
    reason = "permission denied" if isinstance(exc, PermissionError) else exc.strerror or exc
    return Problem(
        file,
        f"cannot be opened ({reason})",
        "give the account that runs lebongbisa read access to the file, or copy it again",
    )


def ingest_folder(
    folder: PeriodFolder, allow_partial: bool = False, progress: bool = True
) -> IngestResult:
    """Stage 1 on a period folder (the stage spec's entry point)."""
    return ingest_period(folder.raw, folder.processed, allow_partial, progress)


def ingest_period(
    raw_folder: Path, out_folder: Path, allow_partial: bool = False, progress: bool = True
) -> IngestResult:
    """Run stage 1 for one period folder. Raises InputError (all problems together) unless
    `allow_partial`, in which case broken sources are left out and listed in the manifest."""
    raw_folder, out_folder = Path(raw_folder), Path(out_folder)
    period, problems = load_period(raw_folder)
    on = period_date(period.period)
    frames, returned, sources_meta, warnings = [], [], [], []
    broken = {p.file for p in problems}
    out = PeriodFolder.at(out_folder)
    issued = translation = None
    for src in tqdm(
        period.sources, desc=f"ingest {period.period}", unit="file", disable=not progress
    ):
        meta = {"file": src.file, "kind": src.kind, "program": src.program}
        t0 = time.perf_counter()
        try:
            meta["sha256"] = sha256_file(src.path)
            if src.kind == "verification":
                if issued is None:
                    issued, translation = issued_keys(out), key_translation(out)
                rows = standardize_returned(src, read_returned(src), issued, on, translation)
                returned.append(rows)
                sources_meta.append({**meta, **_counts(rows), "status": "ok"})
                continue
            table = read_table(src.path, src.sheet, src.columns)
        except (ReadError, OSError) as exc:
            problem = exc.problem if isinstance(exc, ReadError) else unreadable(src.file, exc)
            problems.append(problem)
            broken.add(src.file)
            sources_meta.append({**meta, "status": "failed", "problem": str(problem)})
            continue
        missing = missing_fields(src, table)
        if missing:
            problems += missing
            broken.add(src.file)
            sources_meta.append(
                {**meta, "status": "failed", "problem": "; ".join(p.message for p in missing)}
            )
            continue
        t1 = time.perf_counter()
        rows = standardize(src, table, on)
        log.info(
            "%s: %d rows, read %.1f s, cleaned %.1f s",
            src.file,
            len(rows),
            t1 - t0,
            time.perf_counter() - t1,
        )
        status = "ok"
        if len(rows) == 0:
            status = "empty"
            what = src.program or src.kind
            warnings.append(
                (
                    f"{src.file}: hanya baris judul, tanpa baris data — diterima sebagai "
                    f"penyerahan kosong ({what} tidak punya catatan triwulan ini)",
                    f"{src.file}: header only, no data rows — accepted as an empty "
                    f"delivery ({what} has no records this quarter)",
                )
            )
        sources_meta.append(
            {
                **meta,
                "status": status,
                **_counts(rows),
                "rows_blank": table.blank_rows,
                "header_row": table.header_row,
                "encoding": table.encoding,
                "delimiter": table.delimiter,
            }
        )
        frames.append(rows)
    if problems and not allow_partial:
        raise InputError(problems, period.period)
    if not frames:
        raise InputError(problems or [Problem("sources.yml", "no usable source")], period.period)
    allrows = pd.concat(frames, ignore_index=True)
    frames.clear()
    t0 = time.perf_counter()
    _write_outputs(allrows, out, on, returned)
    log.info("pseudonymized and wrote %d rows in %.1f s", len(allrows), time.perf_counter() - t0)
    manifest = {
        "period": period.period,
        "package_version": __version__,
        "parameters": {"allow_partial": allow_partial},
        "partial": bool(broken),
        "failed_sources": sorted(broken),
        "problems": [str(p) for p in problems],
        "warnings": [en for _, en in warnings],
        "warnings_id": [id_ for id_, _ in warnings],
        "sources": sources_meta,
        "programs": period.programs,
        "key_fingerprint": fingerprint(),
    }
    write_json(manifest, out.path("manifest"))
    return IngestResult(period.period, out_folder, manifest, problems, manifest["warnings"])


def _counts(rows: pd.DataFrame) -> dict[str, int]:
    n_acc = int((rows.status == "accepted").sum())
    return {"rows_read": len(rows), "rows_accepted": n_acc, "rows_quarantined": len(rows) - n_acc}


def _write_outputs(
    rows: pd.DataFrame, out: PeriodFolder, on: pd.Timestamp, returned: list[pd.DataFrame]
) -> None:
    out.processed.mkdir(parents=True, exist_ok=True)
    restricted_folder(out.path("identity").parent)  # owner-only, with the handling note
    records = rows[ROW_COLUMNS].copy()
    records["person_key"] = None
    records["household_key"] = None
    records["match_type"] = "none"
    records["match_probability"] = float("nan")
    write_parquet(schemas.RECORDS.validate(records[RECORD_COLUMNS]), out.path("rows"))

    ident = schemas.IDENTITY.validate(rows[IDENTITY_COLUMNS])
    write_parquet(ident, out.path("identity"), mode=0o600)

    q = rows[rows.status == "quarantined"]
    quarantine = pd.DataFrame(
        {
            "source_file": q.source_file,
            "source_row": q.source_row,
            "reason": q.reason,
            "raw_values": [json.dumps(r, ensure_ascii=False) for r in q.raw],
        }
    )
    ver = pd.concat(returned, ignore_index=True) if returned else None
    if ver is not None:  # returned lists: their quarantined rows, as delivered
        vq = ver[ver.status == "quarantined"]
        vq = vq[["source_file", "source_row", "reason"]].assign(raw_values=vq.raw)
        quarantine = pd.concat([quarantine, vq], ignore_index=True)
    write_parquet(quarantine, out.path("quarantine"), mode=0o600)
    ver = ver if ver is not None else pd.DataFrame(columns=VERIFICATION_COLUMNS, dtype=object)
    write_parquet(ver[VERIFICATION_COLUMNS], out.path("verification"), mode=0o600)

    a = rows[[c for c in rows.columns if c != "raw"]]  # copy-on-write: no copy until written
    a["nik_key"] = pseudonymize(a.nik, "nik")
    a["kk_key"] = pseudonymize(a.kk_number, "kk")
    a["source_household_key"] = pseudonymize(
        a.household_id.where(
            a.household_id.isna(), a.source_file + "|" + a.household_id.astype(str)
        ),
        "household",
    )
    a["nik_valid"] = a.nik.notna()
    a["birth_year"] = a.birth_date.dt.year.astype("Int64")
    a["age"] = ((on - a.birth_date).dt.days // 365.25).astype("Int64")
    write_parquet(schemas.CLEAN.validate(a[ANALYTIC_COLUMNS]), out.path("clean"))


def load_manifest(folder: Path | PeriodFolder) -> dict:
    """A processed period's manifest."""
    f = as_folder(folder)
    return json.loads(f.path("manifest").read_text(encoding="utf-8"))


def read_sources(manifest: dict) -> list[dict]:
    """The manifest's sources that stage 1 could read: a header-only file counts as
    delivered (with zero rows), a failed one does not."""
    return [s for s in manifest.get("sources", []) if s.get("status") in ("ok", "empty")]


def registry_delivered(manifest: dict) -> bool:
    """Whether the period has a registry (the only source of desil) that stage 1 could read."""
    return any(s.get("kind") in kinds.REGISTRIES for s in read_sources(manifest))


def quarter_regime(folder: PeriodFolder) -> str:
    """A processed quarter's desil regime (`kinds.desil_regime` of the kinds stage 1 read);
    `none` before stage 1 ran."""
    if not folder.path("manifest").exists():
        return "none"
    return kinds.desil_regime({s.get("kind") for s in read_sources(load_manifest(folder))})
