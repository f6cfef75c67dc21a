"""Delivery shapes: a generated period rewritten the way a real office might send it.

The scenario worlds (`scenarios.py`) change *what* is delivered; a shape changes *how*: a
list of a handful of rows, one village or one kecamatan, every file in a subfolder, a registry
without its desil column, a list whose every row is unusable, formats mixed within one kind.
Each source is read as stage 1 reads it and written again as a plain file (its headers kept,
so the period's `columns:` maps still apply). Used by the delivery fuzz in the tests; the
shapes are small enough that a quarter runs in seconds.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from lebongbisa.clean.villages import match_villages
from lebongbisa.ingest.headers import map_headers
from lebongbisa.ingest.readers import read_table
from lebongbisa.synth.writer import write_delimited, write_xls, write_xlsx

FORMATS = (".csv", ".xlsx", ".xls")


@dataclass(frozen=True)
class Shape:
    """How a period's deliveries are reshaped (defaults: unchanged content, plain files)."""

    name: str
    rows: int | None = None  # keep at most this many data rows per source
    village: str | None = None  # keep only rows of this desa (10-digit code or name)
    kecamatan: str | None = None  # keep only rows whose village code starts with this
    subfolder: bool = False  # every source in a subfolder named after its kind
    drop_desil: bool = False  # registries delivered without their desil column
    spoil_list: bool = False  # the first program list: every NIK and name blanked
    mixed_formats: bool = False  # the files of one kind alternate .csv / .xlsx / .xls
    kinds: tuple[str, ...] = ()  # only sources of these kinds (() = all)
    lists: int | None = None  # at most this many program lists


SHAPES: dict[str, Shape] = {
    s.name: s
    for s in [
        Shape("one_row", rows=1),
        Shape("eight_rows", rows=8),
        Shape("pilot_lists", rows=8, kinds=("program", "umkm"), lists=1),
        Shape("twenty_rows", rows=20),
        Shape("one_village", village="first"),
        Shape("one_kecamatan", kecamatan="first"),
        Shape("all_quarantined", spoil_list=True),
        Shape("no_desil", drop_desil=True),
        Shape("subfolders", subfolder=True),
        Shape("mixed_formats", mixed_formats=True),
    ]
}


def _village_codes(table: pd.DataFrame, mapping: dict[str, str]) -> pd.Series | None:
    """Each row's Kemendagri desa code as stage 1 matches it ('' when unmatched)."""
    col = next((h for h, f in mapping.items() if f == "village"), None)
    if col is None:
        return None
    return match_villages(table[col]).village_code.fillna("").astype(str)


def _select(s: Shape, data: pd.DataFrame, mapping: dict[str, str], anchor: dict) -> pd.DataFrame:
    villages = _village_codes(data, mapping) if (s.village or s.kecamatan) else None
    if villages is not None:
        if "village" not in anchor and (villages != "").any():
            anchor["village"] = villages[villages != ""].mode().iloc[0]
        chosen = anchor.get("village", "-")
        keep = villages == chosen if s.village else villages.str[:6] == chosen[:6]
        data = data[keep.to_numpy()]
    if s.rows is not None:
        data = data.head(s.rows)
    return data


def _write(path: Path, df: pd.DataFrame) -> None:
    if path.suffix == ".xlsx":
        write_xlsx(path, df, [])
    elif path.suffix == ".xls":
        write_xls(path, df, [])
    else:
        write_delimited(path, df)


def reshape(src: Path, dest: Path, shape: Shape) -> Path:
    """Write `src` (a period folder with `sources.yml`) reshaped as `shape` into `dest`
    (created; the same period name). Returns `dest`."""
    doc = yaml.safe_load((src / "sources.yml").read_text(encoding="utf-8"))
    dest.mkdir(parents=True, exist_ok=True)
    for extra in ("programs.yml", "run.yml"):
        if (src / extra).exists():
            shutil.copy(src / extra, dest / extra)
    anchor: dict = {}
    per_kind: dict[str, int] = {}
    spoiled = False
    sources = []
    entries = [e for e in doc["sources"] if not shape.kinds or e["kind"] in shape.kinds]
    lists = [e for e in entries if e["kind"] == "program"]
    if shape.lists is not None:
        entries = [e for e in entries if e["kind"] != "program" or e in lists[: shape.lists]]
    for entry in entries:
        table = read_table(src / entry["file"], entry.get("sheet", 0))
        data = table.data[~table.is_total].reset_index(drop=True)
        mapping = map_headers(list(data.columns), entry.get("columns") or {})
        data = _select(shape, data, mapping, anchor)
        fields = {f: h for h, f in mapping.items()}
        if shape.drop_desil and "desil" in fields:
            data = data.drop(columns=fields["desil"])
        if shape.spoil_list and entry["kind"] == "program" and not spoiled:
            data = data.assign(**{fields[f]: "" for f in ("nik", "name") if f in fields})
            spoiled = True
        n = per_kind[entry["kind"]] = per_kind.get(entry["kind"], -1) + 1
        suffix = FORMATS[n % len(FORMATS)] if shape.mixed_formats else ".csv"
        rel = Path(entry["file"]).with_suffix(suffix)
        if shape.subfolder:
            rel = Path(entry["kind"]) / rel.name
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        _write(dest / rel, data)
        new = {k: v for k, v in entry.items() if k != "sheet"}
        sources.append({**new, "file": rel.as_posix()})
    doc["sources"] = sources
    (dest / "sources.yml").write_text(
        yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return dest
