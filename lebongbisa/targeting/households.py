"""The household base: one row per resolved household with its recorded desil, DTKS status,
composition, place and the programs it receives (flags, record counts, Rupiah).

Attributes come from the household's own records, registries first: desil from DTSEN where the
household has a DTSEN record, else from P3KE (docs/outputs.md); ages, sex, relationship and work
from the most authoritative record of each person (DTSEN, DTKS, P3KE, then lists).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa import kinds
from lebongbisa.clean._vector import among
from lebongbisa.folder import PeriodFolder
from lebongbisa.targeting.money import quarterly_benefit

#: the list kinds whose rows give their household an attribute of the target rules: a
#: household with a row of the UMKM registry has a business
LIST_ATTRIBUTES = {"umkm": "has_business"}
#: employment statuses of a member who runs their own work (a farm of their own in
#: agriculture), unlike employees and casual labourers
OWN_ACCOUNT = ("own_account", "employer_temporary", "employer_permanent")

PERSON_COLS = [
    "age",
    "sex",
    "relationship",
    "sector",
    "sector_detail",
    "works",
    "employment_status",
    "hours_worked",
    "education_level",
    "informal",
]


def accepted_records(records: pd.DataFrame, clean: pd.DataFrame) -> pd.DataFrame:
    """Accepted rows with their keys and analytic fields (records and clean are aligned)."""
    cols = [
        "kind",
        "program",
        "desil",
        "village_code",
        "district_code",
        "floor",
        "wall",
        "house_ownership",
        "amount",
        "nik_valid",
        "business_sector",
        "kk_key",
        *PERSON_COLS,
    ]
    a = pd.concat(
        [
            records[
                [
                    "source_file",
                    "source_row",
                    "status",
                    "reason",
                    "person_key",
                    "household_key",
                    "match_type",
                ]
            ].assign(identity_key=records.get("identity_key")),
            clean[cols],
        ],
        axis=1,
    )
    a = a[a.status == "accepted"].copy()
    a["rank"] = a.kind.map(kinds.PRIORITY).fillna(9)
    return a


def persons_table(acc: pd.DataFrame) -> pd.DataFrame:
    """One row per person: attributes from the most authoritative record."""
    p = acc.sort_values("rank").drop_duplicates("person_key")
    return p.set_index("person_key")[PERSON_COLS + ["household_key"]]


def _mode_by_household(d: pd.DataFrame, col: str) -> pd.Series:
    """The most frequent value of `col` per household (ties: the smallest value)."""
    d = d.dropna(subset=[col])
    if d.empty:
        return pd.Series(dtype=d[col].dtype)
    counts = d.groupby(["household_key", col]).size().rename("n").reset_index()
    counts = counts.sort_values(["household_key", "n", col], ascending=[True, False, True])
    return counts.drop_duplicates("household_key").set_index("household_key")[col]


def _mode_desil(acc: pd.DataFrame, kind: str) -> pd.Series:
    return _mode_by_household(acc[acc.kind == kind], "desil")


def household_base(acc: pd.DataFrame, catalog: list[dict]) -> pd.DataFrame:
    """One row per household_key (see module docstring), in the order the records first name
    them. The keys are numbered first: every grouping below is on integers, not on text."""
    households, hk = pd.factorize(acc.household_key, use_na_sentinel=False)
    acc = acc.assign(
        household_key=households,
        person_key=pd.factorize(acc.person_key, use_na_sentinel=False)[0],
    )
    h = _household_base(acc, catalog)
    h.index = pd.Index(hk, name="household_key")
    return h.reset_index()


def _household_base(acc: pd.DataFrame, catalog: list[dict]) -> pd.DataFrame:
    """`household_base` of records whose keys are numbers 0..n-1, indexed by them."""
    h = pd.DataFrame(index=pd.RangeIndex(acc.household_key.max() + 1 if len(acc) else 0))
    desil = pd.Series(np.nan, index=h.index)
    source = pd.Series("", index=h.index, dtype=object)
    for kind in kinds.DESIL_SOURCES:  # DTSEN where present, else P3KE
        d = _mode_desil(acc, kind).reindex(h.index)
        take = desil.isna() & d.notna()
        desil[take], source[take] = d[take], kind
    h["desil"] = desil.astype("Int64")
    h["desil_source"] = source.to_numpy()
    h["dtks"] = among(h.index, acc.household_key[acc.kind == "dtks"])
    h["in_registry"] = among(h.index, acc.household_key[acc.kind.isin(kinds.REGISTRIES)])
    # place: the most common village among the household's records
    h["village_code"] = _mode_by_household(acc, "village_code").reindex(h.index)
    h["district_code"] = h.village_code.str[:6]

    # composition from the distinct persons recorded in the household
    pp = acc.sort_values("rank").drop_duplicates(["household_key", "person_key"])
    g = pp.assign(
        c06=pp.age.between(0, 6),
        school=pp.age.between(7, 18),
        eld=pp.age >= 70,
        head=pp.relationship == "KEPALA KELUARGA",
    ).groupby("household_key")
    h["members"] = g.person_key.nunique().reindex(h.index).fillna(0).astype(int)
    for col, src in (
        ("children_0_6", "c06"),
        ("children_school_age", "school"),
        ("elderly_70", "eld"),
    ):
        h[col] = g[src].sum().reindex(h.index).fillna(0).astype(int)
    heads = (
        pp[pp.relationship == "KEPALA KELUARGA"]
        .drop_duplicates("household_key")
        .set_index("household_key")
    )
    workers = pp[pp.works.fillna(False).astype(bool)]
    h["workers"] = workers.groupby("household_key").size().reindex(h.index).fillna(0).astype(int)
    farmers = workers[
        (workers.sector == "agriculture") & workers.employment_status.isin(OWN_ACCOUNT)
    ]
    h["own_farm"] = among(h.index, farmers.household_key)
    h["head_known"] = among(h.index, heads.index)
    h["female_head"] = heads.sex.reindex(h.index).eq("P")
    h["head_agriculture"] = heads.sector.reindex(h.index).eq("agriculture")
    for kind, attribute in LIST_ATTRIBUTES.items():
        h[attribute] = among(h.index, acc.household_key[acc.kind == kind])
    unfit = acc[acc.kind.isin(kinds.REGISTRIES)]
    unfit = unfit[(unfit.floor == "TANAH") | (unfit.wall == "BAMBU")].household_key
    h["house_unfit"] = among(h.index, unfit)

    # programs received; a list without amounts counts the catalog's benefit for a quarter
    prog = acc[acc.kind == "program"].copy()
    codes = [p["code"] for p in catalog]
    per_quarter = {p["code"]: quarterly_benefit(p) for p in catalog}
    prog["amount"] = prog.amount.fillna(prog.program.map(per_quarter))
    cnt = (
        prog.pivot_table(
            index="household_key", columns="program", values="source_row", aggfunc="count"
        )
        .reindex(index=h.index, columns=codes)
        .fillna(0)
    )
    rp = (
        prog.pivot_table(index="household_key", columns="program", values="amount", aggfunc="sum")
        .reindex(index=h.index, columns=codes)
        .fillna(0)
    )
    for c in codes:
        h[f"receives_{c}"] = cnt[c] > 0
        h[f"records_{c}"] = cnt[c].astype(int)
        h[f"rupiah_{c}"] = rp[c]
    h["programs"] = cnt.gt(0).sum(axis=1).astype(int)
    agencies = {p["code"]: p["agency"] for p in catalog}
    types = {p["code"]: p["type"] for p in catalog}
    rec = cnt.gt(0)
    h["dinas"] = sum(
        rec[[c for c in codes if agencies[c] == a]].any(axis=1).astype(int)
        for a in set(agencies.values())
    )
    for t in ("bansos", "pemberdayaan"):
        cols = [c for c in codes if types[c] == t]
        h[f"receives_{t}"] = rec[cols].any(axis=1) if cols else False
    h["rupiah_total"] = rp.sum(axis=1)
    return h


def load_stage_inputs(
    folder: PeriodFolder,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """records, clean, household base and accepted records of a processed period."""
    records = pd.read_parquet(folder.path("records"))
    clean = pd.read_parquet(folder.path("clean"))
    h = pd.read_parquet(folder.path("household_base"))
    return records, clean, h, accepted_records(records, clean)
