"""One delivered table -> canonical rows with status, reasons and flags (nothing dropped).

A row that cannot be used is quarantined with its reason (total rows, rows with neither NIK nor
name, impossible desil); a usable but suspect row is accepted with flags. Values that cannot be
repaired are never guessed: a damaged NIK keeps only its trustworthy prefix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa.clean import codes, dates, names, nik, villages
from lebongbisa.errors import Problem
from lebongbisa.ingest.headers import map_headers
from lebongbisa.ingest.readers import RawTable
from lebongbisa.ingest.sources import Source
from lebongbisa.kinds import DESIL_RANGE, REQUIRED

#: Housing items as P3KE/DTSEN record them (kept as upper-case text).
HOUSING_FIELDS = (
    "floor",
    "wall",
    "roof",
    "water",
    "sanitation",
    "lighting",
    "cooking_fuel",
    "house_ownership",
)
TEXT_FIELDS = (
    "address",
    "rt",
    "rw",
    *HOUSING_FIELDS,
    "business_sector",
    "occupation",
    "household_id",
)
#: Reasons that quarantine a row (the others are flags on accepted rows).


def missing_fields(source: Source, table: RawTable) -> list[Problem]:
    """Required canonical fields (docs/deliveries.md) that no header provides."""
    mapped = set(map_headers(list(table.data.columns), source.columns).values())
    problems = []
    for field in REQUIRED[source.kind]:
        if field not in mapped:
            headers = ", ".join(repr(h) for h in table.data.columns[:12])
            problems.append(
                Problem(
                    source.file,
                    f"required field `{field}` not found (headers: {headers})",
                    f'in sources.yml, under this file add  columns: {{"<its header>": {field}}}',
                )
            )
    return problems


def _join(*flags: pd.Series | np.ndarray) -> pd.Series:
    """The non-empty flags of each row, joined by `;` (string work only on flagged rows)."""
    out = None
    for f in flags:
        f = np.asarray(f, dtype=object)
        f = np.where(pd.isna(f), "", f).astype(str)
        if out is None:
            out = f.astype(object)
            continue
        nz = f != ""
        if nz.any():
            prev = out[nz]
            out[nz] = np.where(prev != "", prev + ";", prev) + f[nz].astype(object)
    return pd.Series(out, dtype=str) if out is not None else pd.Series(dtype=object)


def standardize(source: Source, table: RawTable, on: pd.Timestamp) -> pd.DataFrame:
    """Canonical, cleaned rows of one source, one per data row read (totals included)."""
    mapping = map_headers(list(table.data.columns), source.columns)
    raw = pd.DataFrame({f: table.data[h].astype(str) for h, f in mapping.items()})
    raw.index = range(len(raw))
    n = len(raw)

    def col(f: str) -> pd.Series:
        return raw[f] if f in raw else pd.Series([""] * n, dtype=object)

    out = pd.DataFrame(
        {
            "source_file": source.file,
            "source_row": table.source_row,
            "kind": source.kind,
            "program": source.program,
        },
        index=raw.index,
    )
    # identifiers
    nik_num = (
        table.numeric[[h for h, f in mapping.items() if f == "nik"][0]].to_numpy()
        if "nik" in raw
        else None
    )
    ids = nik.normalize_id(col("nik"), nik_num)
    if nik.flag_truncated_column(ids["id"]):
        trunc = ids["id"].notna() & (ids["id"].str[-1] == "0")
        ids.loc[trunc, "prefix"] = ids.loc[trunc, "id"].str[:15]
        ids.loc[trunc, "flag"] = "id_excel_truncated"
        ids.loc[trunc, "id"] = None
    # a damaged NIK's surviving prefix is only trusted if its region and birth digits are valid
    damaged = ids["prefix"].notna() & ids["id"].isna() & (ids["prefix"].str.len() >= 12)
    bad_prefix = damaged & (nik.validate_nik(ids["prefix"].str.pad(16, "right", "1")) != "")
    ids.loc[bad_prefix, "prefix"] = None
    structural = nik.validate_nik(ids["id"])
    bad = structural != ""
    ids.loc[bad, "id"] = None
    ids.loc[bad, "prefix"] = None
    nik_flag = ids["flag"].str.replace("id_", "nik_", regex=False).where(~bad, structural)
    out["nik"] = ids["id"]
    out["nik_prefix"] = ids["prefix"]
    out["nik_raw"] = col("nik")

    kk_num = (
        table.numeric[[h for h, f in mapping.items() if f == "kk_number"][0]].to_numpy()
        if "kk_number" in raw
        else None
    )
    kks = nik.normalize_id(col("kk_number"), kk_num)
    kk_bad = nik.validate_kk(kks["id"]) != ""
    kk_flag = np.where(kk_bad, "kk_invalid", kks["flag"].str.replace("id_", "kk_", regex=False))
    kk_flag = np.where(
        kk_flag == "kk_missing", "" if "kk_number" not in raw else "kk_missing", kk_flag
    )
    out["kk_number"] = kks["id"].where(~kk_bad, None)
    out["kk_raw"] = col("kk_number")

    # person attributes
    nm = names.clean_names(col("name"))
    out["name_raw"] = col("name")
    out["name_clean"] = nm["name_clean"]
    out["name_key"] = names.name_key(nm["name_clean"])
    out["patronymic"] = nm["patronymic"]
    sexv = codes.map_codes(col("sex"), "sex")
    out["sex"] = sexv["value"]
    bd = dates.parse_dates(col("birth_date"), on)
    out["birth_date"] = bd["date"]
    rel = codes.map_codes(col("relationship"), "relationship")
    out["relationship"] = rel["value"]
    consistency = nik.nik_consistency(out["nik"], out["birth_date"], out["sex"].fillna(""))

    # place
    district = villages.match_districts(col("district"))
    vil = villages.match_villages(col("village"), district)
    out["village_code"] = vil["village_code"]
    out["district_code"] = np.where(
        vil["village_code"].notna(), vil["village_code"].str[:6], district
    )
    out["district_code"] = out["district_code"].where(out["district_code"].notna(), None)
    out["village_raw"] = col("village")
    out["district_raw"] = col("district")
    village_flag = np.select(
        [
            (col("village") == "").to_numpy() & ("village" in raw),
            vil["village_code"].isna().to_numpy() & (col("village") != "").to_numpy(),
            (vil["method"] == "fuzzy").to_numpy(),
        ],
        ["village_missing", "village_unmatched", "village_fuzzy"],
        "",
    )
    dist_mismatch = (
        district.notna() & vil["village_code"].notna() & (district != vil["village_code"].str[:6])
    ).to_numpy()
    dist_unmatched = (district.isna() & (col("district") != "")).to_numpy()

    # registry and program fields
    for f in TEXT_FIELDS:
        out[f] = col(f).str.strip().str.upper().replace("", None) if f in raw else None
    out["household_id"] = (
        col("household_id").str.strip().replace("", None) if "household_id" in raw else None
    )
    if source.kind in DESIL_RANGE and "desil" in raw:
        ds = codes.desil(col("desil"), DESIL_RANGE[source.kind])
        out["desil"] = ds["desil"]
        desil_bad = ~ds["valid"]
    else:
        out["desil"] = pd.array([pd.NA] * n, dtype="Int64")
        desil_bad = pd.Series(False, index=raw.index)
    out["sector"] = (
        codes.sector(col("sector")) if "sector" in raw else codes.sector(col("occupation"))
    )
    out["sector_detail"] = codes.sector_detail(col("sector")) if "sector" in raw else None
    worked = (
        codes.yes_no(col("worked_last_week"))
        if "worked_last_week" in raw
        else pd.Series(pd.array([pd.NA] * n, dtype="boolean"))
    )
    from_occ = codes.works_from_occupation(col("occupation"))
    out["works"] = worked.fillna(from_occ) if "worked_last_week" in raw else from_occ
    status = codes.map_codes(col("employment_status"), "employment_status")
    out["employment_status"] = status["value"]
    out["informal"] = codes.informal(status["value"])
    out["hours_worked"] = pd.to_numeric(col("hours_worked"), errors="coerce")
    out["education_level"] = codes.education_level(col("education"))
    out["amount"] = codes.rupiah(col("amount")) if "amount" in raw else np.nan
    out["monthly_revenue"] = (
        codes.rupiah(col("monthly_revenue")) if "monthly_revenue" in raw else np.nan
    )
    out["workers"] = pd.to_numeric(col("workers"), errors="coerce") if "workers" in raw else np.nan

    # duplicates inside the list
    dup_row = raw.duplicated(keep="first").to_numpy()  # row-number columns are not mapped
    dup_nik = (
        out["nik"].notna()
        & out.duplicated(["nik"], keep=False)
        & ~out.duplicated(["nik", "name_key"], keep=False)
    )

    total = table.is_total
    no_id = (out["nik_raw"].str.strip() == "") & (out["name_clean"] == "")
    quarantine = np.select(
        [total, no_id.to_numpy(), desil_bad.to_numpy()],
        ["total_row", "no_identifier", "desil_invalid"],
        "",
    )
    flags = _join(
        nik_flag.where(nik_flag != "nik_missing", "nik_missing" if "nik" in raw else ""),
        kk_flag,
        consistency,
        np.where((col("sex") != "") & sexv["value"].isna(), "sex_unknown", ""),
        bd["flag"].where((bd["flag"] != "birth_date_missing") | ("birth_date" in raw), ""),
        np.where(out["name_clean"] == "", "name_missing", ""),
        village_flag,
        np.where(dist_mismatch, "district_mismatch", ""),
        np.where(dist_unmatched, "district_unmatched", ""),
        np.where(dup_row, "duplicate_row", ""),
        np.where(dup_nik, "nik_duplicate_in_source", ""),
    )
    out["status"] = np.where(quarantine != "", "quarantined", "accepted")
    out["reason"] = np.where(quarantine != "", _join(quarantine, flags), flags)
    q = np.flatnonzero(quarantine != "")
    out["raw"] = None
    if len(q):
        out.loc[q, "raw"] = pd.Series(table.data.iloc[q].to_dict("records"), index=q)
    return out
