"""Quarter-to-quarter change in the true population: births, deaths, moves, KK splits, jobs.

Registries observe these changes late (see `registries.py`); the truth moves every quarter.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa.clean._vector import among
from lebongbisa.synth import calibration as cal
from lebongbisa.synth.names import draw_names
from lebongbisa.synth.population import assign_work, make_kk, make_nik


def advance_quarter(
    rng: np.random.Generator,
    hh: pd.DataFrame,
    p: pd.DataFrame,
    vil: pd.DataFrame,
    start: pd.Timestamp,
    period: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply one quarter of demographic and labour change ending at `start` (new quarter)."""
    d = cal.DYNAMICS
    alive = p.alive.to_numpy()
    age = ((start - p.birth_date).dt.days / 365.25).to_numpy()
    # deaths
    p_death = np.where(age >= 60, d["death_old"], d["death_base"])
    dies = alive & (rng.random(len(p)) < p_death)
    p.loc[dies, "alive"] = False
    p.loc[dies, "death_period"] = period

    # births to women 15-44 who are head or spouse
    mothers = p[
        p.alive
        & (p.sex == "P")
        & (age >= 15)
        & (age < 45)
        & p.relationship.isin(["ISTRI/SUAMI", "KEPALA KELUARGA"])
    ]
    mothers = mothers[rng.random(len(mothers)) < d["birth_per_woman_15_44"]]
    if len(mothers):
        k = len(mothers)
        sex = np.where(rng.random(k) < 0.5, "P", "L")
        bdate = (start - pd.to_timedelta(rng.integers(1, 90, k), "D")).normalize()
        babies = pd.DataFrame(
            {
                "household_id": mothers.household_id.to_numpy(),
                "relationship": "ANAK",
                "sex": sex,
                "birth_date": bdate,
                "person_id": np.arange(p.person_id.max() + 1, p.person_id.max() + 1 + k),
                "village_code": mothers.village_code.to_numpy(),
                "alive": True,
                "death_period": None,
                "name": draw_names(rng, sex, np.zeros(k)),
                "education": 0,
                "works": False,
                "unemployed": False,
                "in_school": False,
                "sector": None,
                "emp_status": None,
                "hours": 0,
            }
        )
        babies["nik"] = make_nik(babies.village_code.str[:6], babies.birth_date, babies.sex)
        # serials must not collide with existing NIKs of the same date
        clash = among(babies.nik, p.nik)
        babies.loc[clash, "nik"] = babies.loc[clash, "nik"].str[:12] + (
            9000 + np.arange(clash.sum())
        ).astype(str)
        p = pd.concat([p, babies[p.columns]], ignore_index=True)

    # household moves
    movers = hh[rng.random(len(hh)) < d["household_move"]]
    if len(movers):
        dest = rng.choice(vil.village_code.to_numpy(), len(movers))
        hh.loc[movers.index, "village_code"] = dest
        p["village_code"] = p.household_id.map(hh.set_index("household_id").village_code)

    # KK splits: young adults (not head/spouse) form their own household
    age = ((start - p.birth_date).dt.days / 365.25).to_numpy()
    split = p[p.alive & (p.relationship == "ANAK") & (age >= 20) & (age < 36)]
    split = split[rng.random(len(split)) < d["kk_split"]]
    if len(split):
        k = len(split)
        new_ids = np.arange(hh.household_id.max() + 1, hh.household_id.max() + 1 + k)
        parent = hh.set_index("household_id").loc[split.household_id]
        new = parent.reset_index(drop=True).copy()
        new["household_id"] = new_ids
        new["kk_number"] = make_kk(
            new.village_code.str[:6],
            pd.Series(start - pd.to_timedelta(rng.integers(1, 90, k), "D")),
        )
        clash = among(new.kk_number, hh.kk_number)
        new.loc[clash, "kk_number"] = new.loc[clash, "kk_number"].str[:12] + (
            8000 + np.arange(clash.sum())
        ).astype(str)
        new["persistent"] = rng.normal(0, cal.CONSUMPTION_EFFECTS["persistent_sd"], k)
        new["owns_land"] = rng.random(k) < 0.2
        new["owns_business"] = rng.random(k) < 0.1
        new["split_from"] = split.household_id.to_numpy()
        hh = pd.concat([hh, new[hh.columns.intersection(new.columns)]], ignore_index=True)
        p.loc[split.index, "household_id"] = new_ids
        p.loc[split.index, "relationship"] = "KEPALA KELUARGA"

    # heads who died: the spouse or the oldest member takes over
    heads = p[p.alive & (p.relationship == "KEPALA KELUARGA")].household_id
    orphan = p[p.alive & ~p.household_id.isin(heads)]
    if len(orphan):
        new_head = orphan.sort_values("birth_date").drop_duplicates("household_id").index
        p.loc[new_head, "relationship"] = "KEPALA KELUARGA"

    # jobs change
    change = p.alive.to_numpy() & (rng.random(len(p)) < d["job_change"])
    age = ((start - p.birth_date).dt.days / 365.25).to_numpy()
    turning_15 = p.alive.to_numpy() & (age >= 15) & (age < 15.25)
    assign_work(rng, p, vil, start, mask=change | turning_15)

    e = cal.CONSUMPTION_EFFECTS
    hh["shock"] = e["ar"] * hh.shock + rng.normal(0, e["quarterly_shock_sd"], len(hh))
    return hh, p
