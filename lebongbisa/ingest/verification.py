"""Stage 1 for a by-name list returned by officers (kind `verification`).

A returned list is read sheet by sheet (the lists have one sheet per kecamatan or dinas; a
sheet without the `KUNCI ORANG` column, like PETUNJUK, is not a list). Each row is matched by
its person key with the rows of the lists sent in earlier quarters (artefact `list_keys`):

- a row whose key matches no list row sent is quarantined (`verification_key_unknown`),
  like a row whose result is none of the choices (`verification_result_invalid`);
- every other row is accepted, with its result (empty when the officer wrote none) and the
  desa, kecamatan, list and dinas of the row sent; a date that cannot be read is flagged
  (`verification_date_invalid`) and the result counts from the quarter it came back in.

The accepted rows are not persons or households of the quarter: they go to the restricted
artefact `verification`, never into `rows` or `clean`.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from lebongbisa.errors import Problem
from lebongbisa.folder import PeriodFolder
from lebongbisa.ingest.headers import map_headers
from lebongbisa.ingest.readers import EXCEL_SUFFIXES, ReadError, read_table
from lebongbisa.ingest.sources import Source
from lebongbisa.verification import PERSON_KEY, RESULT, RESULTS

#: the issued list rows a returned row is matched with (stage 3 writes them: `list_keys`)
ISSUED_COLUMNS = ["list", "person", "household", "village_code", "district_code", "dinas"]
COLUMNS = [
    "source_file",
    "source_row",
    "sheet",
    "status",
    "reason",
    "person",
    "result",
    "verified_on",
    "program",
    "officer",
    "note",
    *[c for c in ISSUED_COLUMNS if c != "person"],
]


def issued_keys(folder: PeriodFolder) -> pd.DataFrame:
    """Every list row sent in the quarters before this one, the latest per person key."""
    parts = [pd.read_parquet(p) for p in folder.earlier("list_keys")]
    if not parts:
        return pd.DataFrame(columns=ISSUED_COLUMNS)
    both = pd.concat(parts, ignore_index=True)
    return both.drop_duplicates("person", keep="last")[ISSUED_COLUMNS]


def key_translation(folder: PeriodFolder) -> pd.Series:
    """Identity keys of an earlier key -> the current key (kept by key rotations)."""
    path = folder.root.path("key_translation")
    if not path.exists():
        return pd.Series(dtype=object)
    t = pd.read_parquet(path)
    return pd.Series(t.new.to_numpy(), index=t.old.to_numpy())


def _sheets(src: Source) -> list[str | int]:
    if src.path.suffix.lower() not in EXCEL_SUFFIXES:
        return [0]
    from python_calamine import CalamineWorkbook

    try:
        return list(CalamineWorkbook.from_path(str(src.path)).sheet_names)
    except Exception as exc:  # a damaged workbook: read_table says what is wrong
        raise ReadError(Problem(src.file, f"cannot be read as a spreadsheet ({exc})")) from exc


def read_returned(src: Source) -> pd.DataFrame:
    """The rows of every sheet that carries `KUNCI ORANG`, as text under canonical field
    names, with `sheet`, `source_row` and `raw` (the row as delivered)."""
    frames = []
    for sheet in _sheets(src):
        try:
            t = read_table(src.path, sheet, src.columns)
        except ReadError:
            continue  # a sheet with no recognised header: instructions, an empty list
        mapping = map_headers(list(t.data.columns), src.columns)
        if "verification_key" not in mapping.values():
            continue
        df = pd.DataFrame({f: t.data[h].astype(object) for h, f in mapping.items()})
        df["sheet"] = str(sheet)
        df["source_row"] = t.source_row
        df["raw"] = [
            json.dumps({"LEMBAR": str(sheet), **r}, ensure_ascii=False)
            for r in t.data.to_dict("records")
        ]
        frames.append(df[~t.is_total])
    if not frames:
        raise ReadError(
            Problem(
                src.file,
                f"no sheet has the column {PERSON_KEY}",
                f"return the list as it was sent: keep its {PERSON_KEY} column unchanged",
            )
        )
    rows = pd.concat(frames, ignore_index=True)
    if "verification_result" not in rows:
        raise ReadError(
            Problem(
                src.file,
                f"no column {RESULT}: the list came back without its results",
                f"return the list as it was sent, with the {RESULT} column filled in",
            )
        )
    return rows


def _result(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Result code per row (None when empty) and whether a non-empty text is none of the
    choices; upper or lower case, extra spaces and the English codes are accepted."""
    norm = text.fillna("").astype(str).str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    known = {**RESULTS, **{v: v for v in RESULTS.values()}}
    code = norm.map(known)
    return code.where(code.notna(), None), (norm != "") & code.isna()


def standardize_returned(
    src: Source,
    rows: pd.DataFrame,
    issued: pd.DataFrame,
    on: pd.Timestamp,
    translation: pd.Series | None = None,
) -> pd.DataFrame:
    """Each returned row accepted (matched, with its result) or quarantined with a reason;
    a key written before a key rotation is read through `translation` (`key_translation`)."""
    n = len(rows)

    def col(f: str) -> pd.Series:
        return rows[f] if f in rows else pd.Series([None] * n, dtype=object)

    key = col("verification_key").fillna("").astype(str).str.strip()
    if translation is not None and len(translation):
        key = key.map(translation).fillna(key)
    sent = issued.drop_duplicates("person").set_index("person")
    known = key.isin(sent.index)
    code, invalid = _result(col("verification_result"))
    date_text = col("verification_date").fillna("").astype(str).str.strip()
    when = pd.to_datetime(date_text, errors="coerce", dayfirst=True, format="mixed")
    bad_date = (date_text != "") & when.isna()
    reason = np.where(
        ~known,
        "verification_key_unknown",
        np.where(
            invalid.to_numpy(),
            "verification_result_invalid",
            np.where(bad_date, "verification_date_invalid", ""),
        ),
    )
    quarantined = ~known | invalid
    match = sent.reindex(key).reset_index(drop=True)
    program = col("verification_program").fillna("").astype(str).str.strip().str.upper()
    out = pd.DataFrame(
        {
            "source_file": src.file,
            "source_row": rows.source_row.to_numpy(),
            "sheet": rows.sheet.to_numpy(),
            "status": np.where(quarantined, "quarantined", "accepted"),
            "reason": reason,
            "person": key.where(key != "", None).to_numpy(),
            "result": code.to_numpy(),
            "verified_on": when.fillna(on).where(code.notna()).to_numpy(),
            "program": program.where(program != "", None).to_numpy(),
            "officer": col("verification_officer").to_numpy(),
            "note": col("verification_note").to_numpy(),
            **{c: match[c].to_numpy() for c in ISSUED_COLUMNS if c not in ("person", "list")},
            "list": col("verification_list").reset_index(drop=True).fillna(match.list).to_numpy(),
            "raw": rows.raw.to_numpy(),
        }
    )
    return out
