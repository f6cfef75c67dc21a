"""Working-poverty rates by group, and poor households by the head's labour status."""

from __future__ import annotations

import pandas as pd

from lebongbisa.gazetteer import kabupaten_code
from lebongbisa.indicators import Collector
from lebongbisa.workpoor.persons import head_labour_status

DIMENSIONS = {
    "sector": "sector",
    "status_group": "status in employment",
    "employment_status": "detailed status",
    "hours_band": "hours worked",
    "education_level": "education level",
    "sex": "sex",
    "age_group": "age group",
    "district_code": "kecamatan",
}


def rates_by(p: pd.DataFrame, dim: str) -> pd.DataFrame:
    """Employed persons, those in poor households, and the working-poverty rate by group."""
    e = p[p.employed]
    g = (
        e.groupby(dim, observed=True)
        .poor.agg(["size", "sum"])
        .rename(columns={"size": "employed", "sum": "employed_in_poor_households"})
    )
    g["working_poverty_rate"] = g.employed_in_poor_households / g.employed
    g["share_of_working_poor"] = g.employed_in_poor_households / max(e.poor.sum(), 1)
    return g.reset_index().rename(columns={dim: "group"})


def all_rates(p: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for dim, label in DIMENSIONS.items():
        if dim in p and p.loc[p.employed, dim].notna().any():
            t = rates_by(p, dim)
            t.insert(0, "dimension", label)
            parts.append(t)
    if not parts:  # no employed person with recorded employment
        cols = [
            "dimension",
            "group",
            "employed",
            "employed_in_poor_households",
            "working_poverty_rate",
            "share_of_working_poor",
        ]
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out["group"] = out.group.astype(str)
    return out


def poor_by_head_status(p: pd.DataFrame) -> pd.DataFrame:
    """Poor and non-poor households by the head's labour status (the decomposition)."""
    status = head_labour_status(p)
    if status.empty:
        cols = ["head_status", "poor", "not_poor", "share_of_poor_households", "poverty_rate"]
        return pd.DataFrame(columns=cols)
    poor = p.drop_duplicates("household_key").set_index("household_key").poor
    t = pd.crosstab(status, poor.reindex(status.index)).rename(
        columns={True: "poor", False: "not_poor"}
    )
    for c in ("poor", "not_poor"):
        if c not in t:
            t[c] = 0
    t["share_of_poor_households"] = t.poor / t.poor.sum()
    t["poverty_rate"] = t.poor / (t.poor + t.not_poor)
    return t.reset_index(names="head_status")


def indicators(c: Collector, p: pd.DataFrame) -> None:
    kab = kabupaten_code()
    e = p[p.employed]
    c.rate("working_poverty_rate", "kabupaten", kab, e.poor.sum(), len(e))
    for scope, col in (("kecamatan", "district_code"), ("desa", "village_code")):
        for code, g in e.groupby(col):
            c.rate("working_poverty_rate", scope, code, g.poor.sum(), len(g))
    labour = p[p.age.between(15, 200)]
    c.rate("employment_rate_recorded", "kabupaten", kab, labour.employed.sum(), len(labour))
    under = e.underemployed.dropna()
    if len(under):
        c.rate("underemployment_rate", "kabupaten", kab, under.sum(), len(under))
        for code, g in e[e.underemployed.notna()].groupby("village_code"):
            c.rate("underemployment_rate", "desa", code, g.underemployed.sum(), len(g))
    inf = e[e.status_group.isin(["formal", "informal"])]
    c.rate(
        "informal_share_employed",
        "kabupaten",
        kab,
        (inf.status_group == "informal").sum(),
        len(inf),
    )
    areas = (
        ("kabupaten", pd.Series(kab, index=e.index)),
        ("kecamatan", e.district_code),
        ("desa", e.village_code),
    )
    for scope, area in areas:  # what the working poor work in, for each area
        for (code, sector), g in e.groupby([area, e.sector]):
            c.rate(f"working_poverty_rate_sector_{sector}", scope, code, g.poor.sum(), len(g))
            c.count(f"working_poor_sector_{sector}", scope, code, g.poor.sum())
    status = head_labour_status(p)
    hh = p.drop_duplicates("household_key").set_index("household_key")
    poor_heads = status[hh.poor.reindex(status.index).fillna(False).astype(bool)]
    working = poor_heads.isin(["formal", "informal", "status unknown"])
    c.rate("poor_households_head_working_share", "kabupaten", kab, working.sum(), len(poor_heads))
    c.rate(
        "poor_households_head_informal_share",
        "kabupaten",
        kab,
        (poor_heads == "informal").sum(),
        len(poor_heads),
    )
