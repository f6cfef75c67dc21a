"""Comparison columns for linkage, derived from canonical records (identity + clean tables)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def linkage_frame(ident: pd.DataFrame, clean: pd.DataFrame) -> pd.DataFrame:
    """One row per accepted record with the columns the linker compares.

    `unique_id` is the record's position in the period's records table.
    NIK parts: `nik` (valid, trusted), `nik15` (first 15 digits: survives Excel truncation),
    `nik12` (region + birth-date digits). Names: `name_key` (normalized, old spelling
    modernized), `name_sorted` (tokens sorted: robust to reordering), `first_token`.
    """
    acc = (clean.status == "accepted").to_numpy()
    f = pd.DataFrame({"unique_id": np.flatnonzero(acc)})
    i = ident[acc].reset_index(drop=True)
    c = clean[acc].reset_index(drop=True)
    f["source_file"] = c.source_file.to_numpy()
    f["kind"] = c.kind.to_numpy()
    f["nik"] = i.nik.to_numpy()
    prefix = i.nik_prefix.fillna("")
    f["nik15"] = np.where(prefix.str.len() >= 15, prefix.str[:15], None)
    f["nik12"] = np.where(prefix.str.len() >= 12, prefix.str[:12], None)
    key = i.name_key.fillna("").str.strip()
    f["name_key"] = key.where(key != "", None).to_numpy()
    tokens = key.str.split()
    f["name_sorted"] = tokens.map(lambda t: " ".join(sorted(t)) if t else None).to_numpy()
    f["first_token"] = tokens.map(lambda t: t[0] if t else None).to_numpy()
    f["sex"] = c.sex.to_numpy()
    f["birth_date"] = pd.to_datetime(i.birth_date).dt.strftime("%Y-%m-%d").to_numpy()
    f["kk_number"] = i.kk_number.to_numpy()
    f["village_code"] = c.village_code.to_numpy()
    f["district_code"] = c.district_code.to_numpy()
    f["source_household"] = c.source_household_key.to_numpy()
    f["relationship"] = c.relationship.to_numpy()
    # text as Arrow strings (missing = null): a fifth of the memory of Python objects
    text = [c for c in f.columns if c != "unique_id"]
    return f.astype(dict.fromkeys(text, "str"))
