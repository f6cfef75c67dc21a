"""Who receives each program in the synthetic Lebong, quarter by quarter.

Dinas see households through the registries (registry desil, DTKS membership, composition),
fill a quota, keep most of last quarter's recipients, and leak a share of places to households
outside the target (village elites, outdated data). Exclusion arises from quotas and from
registry errors; inclusion from leakage and registry errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lebongbisa.synth import calibration as cal


@dataclass(frozen=True)
class ProgramSim:
    code: str
    unit: str  # household | person
    max_desil: int  # registry desil a dinas aims at
    leakage: float  # share of places given outside the target
    retention: float  # share of last quarter's recipients kept
    needs: str = ""  # extra eligibility: components, school, business, agri, house


PROGRAM_SIMS = [
    ProgramSim("PKH", "household", 2, 0.10, 0.95, "components"),
    ProgramSim("BPNT", "household", 4, 0.12, 0.95),
    ProgramSim("PBI-JK", "person", 5, 0.10, 0.97),
    ProgramSim("BLT-DD", "household", 1, 0.30, 0.85),
    ProgramSim("PIP", "person", 4, 0.15, 0.90, "school"),
    ProgramSim("RTLH", "household", 4, 0.20, 0.0, "house"),
    ProgramSim("UMKM-AID", "household", 4, 0.35, 0.0, "business"),
    ProgramSim("SAPROTAN", "household", 4, 0.25, 0.6, "agri"),
]


def household_view(
    hh: pd.DataFrame, p: pd.DataFrame, start: pd.Timestamp, registry_desil: pd.Series, in_dtks: set
) -> pd.DataFrame:
    """Household attributes as a dinas sees them (registry desil, composition)."""
    alive = p[p.alive]
    age = (start - alive.birth_date).dt.days / 365.25
    g = alive.assign(c06=age < 7, school=(age >= 7) & (age <= 18), eld=age >= 70).groupby(
        "household_id"
    )
    v = hh[["household_id", "village_code", "owns_business", "floor", "wall"]].set_index(
        "household_id"
    )
    v["desil"] = registry_desil.reindex(v.index)
    v["dtks"] = v.index.isin(in_dtks)
    v["children_0_6"] = g.c06.sum().reindex(v.index).fillna(0)
    v["children_school_age"] = g.school.sum().reindex(v.index).fillna(0)
    v["elderly_70"] = g.eld.sum().reindex(v.index).fillna(0)
    heads = alive[alive.relationship == "KEPALA KELUARGA"].drop_duplicates("household_id")
    v["head_agriculture"] = (
        heads.set_index("household_id")
        .sector.reindex(v.index)
        .isin(["padi", "hortikultura", "perkebunan_kopi", "peternakan"])
    )
    v["house_unfit"] = (v.floor == "TANAH") | (v.wall == "BAMBU")
    v["alive_members"] = g.size().reindex(v.index).fillna(0)
    return v[v.alive_members > 0]


def _needs_mask(view: pd.DataFrame, needs: str) -> pd.Series:
    if needs == "components":
        return (view.children_0_6 + view.children_school_age + view.elderly_70) > 0
    if needs == "school":
        return view.children_school_age > 0
    if needs == "business":
        return view.owns_business
    if needs == "agri":
        return view.head_agriculture
    if needs == "house":
        return view.house_unfit
    return pd.Series(True, index=view.index)


def select_households(
    rng: np.random.Generator, sim: ProgramSim, view: pd.DataFrame, quota: int, previous: set
) -> np.ndarray:
    """Household ids receiving the program this quarter."""
    need = _needs_mask(view, sim.needs)
    eligible = view.index[(view.desil <= sim.max_desil) & need]
    kept = [h for h in previous if h in view.index and rng.random() < sim.retention]
    n_leak = int(round(quota * sim.leakage))
    n_target = max(quota - n_leak - len(kept), 0)
    pool = eligible.difference(kept)
    prio = view.loc[pool, "desil"].to_numpy() + rng.uniform(0, 2.5, len(pool))
    chosen = pool[np.argsort(prio)[:n_target]]
    rest = view.index.difference(chosen).difference(kept)
    rest_need = rest[need.reindex(rest).to_numpy()] if sim.needs else rest
    leak = rng.choice(rest_need, min(n_leak, len(rest_need)), replace=False)
    return np.unique(np.concatenate([np.asarray(kept, dtype=int), chosen, leak]))


def program_recipients(
    rng: np.random.Generator,
    hh: pd.DataFrame,
    p: pd.DataFrame,
    start: pd.Timestamp,
    view: pd.DataFrame,
    scale: float,
    state: dict[str, set],
) -> pd.DataFrame:
    """One row per (program, recipient person) with the household and benefit amount."""
    alive = p[p.alive]
    age = (start - alive.birth_date).dt.days / 365.25
    rows = []
    for sim in PROGRAM_SIMS:
        quota = max(int(round(cal.PROGRAM_SIZE[sim.code] * scale)), 1)
        if sim.unit == "household":
            ids = select_households(rng, sim, view, quota, state.get(sim.code, set()))
            state[sim.code] = set(ids)
            # the registered recipient: the wife (pengurus) for PKH/BPNT, else the head
            mem = alive[alive.household_id.isin(ids)]
            if sim.code in ("PKH", "BPNT"):
                rank = np.where(
                    mem.relationship == "ISTRI/SUAMI",
                    0,
                    np.where(mem.relationship == "KEPALA KELUARGA", 1, 2),
                )
            else:
                rank = np.where(mem.relationship == "KEPALA KELUARGA", 0, 1)
            rec = (
                mem.assign(_r=rank, _a=-age.loc[mem.index])
                .sort_values(["_r", "_a"])
                .drop_duplicates("household_id")
            )
        else:
            if sim.code == "PBI-JK":
                hh_quota = quota / max(view.alive_members[view.desil <= sim.max_desil].mean(), 1)
                ids = select_households(rng, sim, view, int(hh_quota), state.get(sim.code, set()))
                state[sim.code] = set(ids)
                rec = alive[alive.household_id.isin(ids)]
            else:  # PIP: school-age children of selected households
                school = alive[(age >= 7) & (age <= 18)]
                per_hh = max(view.children_school_age[view.children_school_age > 0].mean(), 1)
                ids = select_households(
                    rng, sim, view, int(quota / per_hh), state.get(sim.code, set())
                )
                state[sim.code] = set(ids)
                rec = school[school.household_id.isin(ids)]
        benefit = {
            "PKH": 750_000,
            "BPNT": 600_000,
            "PBI-JK": 126_000,
            "BLT-DD": 900_000,
            "PIP": 750_000,
            "RTLH": 20_000_000,
            "UMKM-AID": 2_500_000,
            "SAPROTAN": 1_500_000,
        }[sim.code]
        rows.append(
            pd.DataFrame(
                {
                    "program": sim.code,
                    "person_id": rec.person_id.to_numpy(),
                    "household_id": rec.household_id.to_numpy(),
                    "amount": benefit,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)
