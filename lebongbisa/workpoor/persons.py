"""Persons and households with recorded employment (P3KE or DTSEN), joined to their household's
desil, for the working-poor measures and models."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa import kinds
from lebongbisa.workpoor.definitions import DEFAULT, Definitions

HOURS_BANDS = [0, 14, 24, 34, 44, 200]
HOURS_LABELS = ["1-14", "15-24", "25-34", "35-44", "45+"]
AGE_BANDS = [14, 24, 34, 44, 54, 64, 200]
AGE_LABELS = ["15-24", "25-34", "35-44", "45-54", "55-64", "65+"]
FORMAL = {"employer_permanent", "employee", "government"}


def employment_persons(
    acc: pd.DataFrame, h: pd.DataFrame, d: Definitions = DEFAULT
) -> pd.DataFrame:
    """One row per person aged 15+ with recorded employment, with household poverty."""
    src = acc[acc.kind.isin(kinds.EMPLOYMENT) & acc.works.notna()]
    src = src.sort_values("rank").drop_duplicates("person_key")
    p = src[src.age >= d.min_age].copy()
    hh = h.set_index("household_key")
    p["desil"] = p.household_key.map(hh.desil)
    p["poor"] = p.desil <= d.poor_max_desil
    p["employed"] = p.works.astype(bool)
    p["village_code"] = p.household_key.map(hh.village_code).fillna(p.village_code)
    p["district_code"] = p.village_code.str[:6]
    p["hours_band"] = pd.cut(p.hours_worked.where(p.employed), HOURS_BANDS, labels=HOURS_LABELS)
    p["age_group"] = pd.cut(p.age.astype(float), AGE_BANDS, labels=AGE_LABELS)
    p["underemployed"] = (p.employed & (p.hours_worked < d.underemployed_hours)).where(
        p.hours_worked.notna() | ~p.employed
    )
    p["status_group"] = np.select(
        [~p.employed, p.employment_status.isin(FORMAL), p.informal.fillna(False).astype(bool)],
        ["not working", "formal", "informal"],
        "status unknown",
    )
    p["sector"] = p.sector.fillna("unknown").where(p.employed, "not working")
    return p[p.desil.notna()]


def head_labour_status(p: pd.DataFrame) -> pd.Series:
    """Head of household's labour status per household_key (formal/informal/not working)."""
    heads = p[p.relationship == "KEPALA KELUARGA"].drop_duplicates("household_key")
    return heads.set_index("household_key").status_group
