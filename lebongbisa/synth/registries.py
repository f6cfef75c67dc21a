"""What the national registries hold about the true population, with their lags and errors.

- P3KE: a stale snapshot (BKKBN PK21 ranked by a proxy-means test), desil 1-4, never updated.
- DTKS: Kemensos's list of ~45% of persons, chosen on a noisy PMT; births and deaths reach it late.
- DTSEN (2025 on): every family ranked into desil 1-10 by a PMT, refreshed quarterly, with a lag
  on deaths and a few families missing (no NIK/KTP).
The PMT predicts consumption from observables (housing, education, size, occupation), as TNP2K's
per-kabupaten models do; its errors are the source of realistic inclusion and exclusion.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa.synth import calibration as cal
from lebongbisa.synth.population import AGRI_SECTORS, HOUSING_ITEMS, household_features


def pmt_score(hh: pd.DataFrame, p: pd.DataFrame, on_date: pd.Timestamp) -> pd.Series:
    """Predicted log consumption from observables (OLS fitted on the population, as a PMT)."""
    f = household_features(hh, p, on_date).set_index("household_id").reindex(hh.household_id)
    cols = {}
    for item, (labels, _) in HOUSING_ITEMS.items():
        for lab in labels[1:]:
            cols[f"{item}={lab}"] = (hh[item] == lab).to_numpy()
    cols["log_size"] = np.log(f.hh_size.fillna(1).clip(lower=1)).to_numpy()
    cols["dep"] = (f.n_dependents.fillna(0) / f.hh_size.fillna(1).clip(lower=1)).to_numpy()
    cols["edu"] = f.head_education.to_numpy()
    cols["agri"] = f.head_sector.isin(AGRI_SECTORS).to_numpy()
    cols["gov"] = (f.head_sector == "pemerintahan").to_numpy()
    cols["female"] = f.female_head.to_numpy()
    x = np.column_stack([np.ones(len(hh))] + [np.asarray(v, dtype=float) for v in cols.values()])
    beta, *_ = np.linalg.lstsq(x, hh.log_pc_consumption.to_numpy(), rcond=None)
    return pd.Series(x @ beta, index=hh.household_id)


def _rank_share(score: pd.Series, weights: pd.Series | None = None) -> pd.Series:
    """Household percentile rank of a score (0 = poorest)."""
    return score.rank(method="first", pct=True)


def p3ke_snapshot(
    rng: np.random.Generator, hh: pd.DataFrame, p: pd.DataFrame, on_date: pd.Timestamp
) -> pd.DataFrame:
    """P3KE individuals: desil 1-4 families with their members as of the snapshot date."""
    score = pmt_score(hh, p, on_date) + rng.normal(0, 0.22, len(hh))
    pct = _rank_share(score)
    desil = pd.Series(
        np.searchsorted(np.array(cal.P3KE_DESIL_CUTS), pct.to_numpy()) + 1, index=pct.index
    )
    fam = pd.DataFrame(
        {
            "household_id": pct.index,
            "desil": desil.to_numpy(),
            "persentil": np.ceil(pct.to_numpy() * 100).astype(int),
        }
    )
    fam = fam[fam.desil <= 4]
    fam["p3ke_family_id"] = ["P3KE" + str(1707_000_000 + i) for i in range(len(fam))]
    members = p[p.alive & p.household_id.isin(fam.household_id)].merge(fam, on="household_id")
    return members[["person_id", "household_id", "p3ke_family_id", "desil", "persentil"]]


class DtksState:
    """DTKS membership over quarters: chosen once on a noisy PMT, then updated late."""

    def __init__(
        self, rng: np.random.Generator, hh: pd.DataFrame, p: pd.DataFrame, on_date: pd.Timestamp
    ):
        score = pmt_score(hh, p, on_date) + rng.normal(0, 0.35, len(hh))
        size = p[p.alive].groupby("household_id").size().reindex(score.index).fillna(0)
        order = score.sort_values().index
        target = cal.DTKS_PERSON_SHARE * p.alive.sum() / 0.93
        chosen = order[: np.searchsorted(size.loc[order].cumsum().to_numpy(), target)]
        self.households = pd.DataFrame(
            {"household_id": chosen, "dtks_id": [f"17070{i:07d}" for i in range(len(chosen))]}
        )
        members = p[p.alive & p.household_id.isin(chosen)]
        members = members[rng.random(len(members)) < 0.93]
        self.members = members[["person_id", "household_id"]].copy()
        self.members["village_code"] = members.village_code.to_numpy()
        self.rng = rng

    def update(self, p: pd.DataFrame, hh: pd.DataFrame, start: pd.Timestamp) -> None:
        """One quarter of DTKS maintenance: late additions, slow removals, stale villages."""
        rng = self.rng
        lag = pd.Timedelta(days=91 * cal.REGISTRY_LAG_QUARTERS)
        alive = p.set_index("person_id").alive
        dead = ~self.members.person_id.map(alive).fillna(False).astype(bool)
        drop = dead & (rng.random(len(self.members)) < cal.DEATH_REMOVAL_PER_QUARTER)
        self.members = self.members[~drop]
        # births reach DTKS after the lag, under the family's DTKS household
        home = self.members.drop_duplicates("household_id").set_index("household_id")
        new = p[
            p.alive
            & p.household_id.isin(home.index)
            & (p.birth_date < start - lag)
            & ~p.person_id.isin(self.members.person_id)
            & (p.relationship == "ANAK")
        ]
        new = new[rng.random(len(new)) < 0.3]
        add = pd.DataFrame(
            {
                "person_id": new.person_id,
                "household_id": new.household_id,
                "village_code": new.village_code,
            }
        )
        self.members = pd.concat([self.members, add], ignore_index=True)
        # recorded villages catch up with moves slowly
        true_v = self.members.person_id.map(p.set_index("person_id").village_code)
        stale = (true_v != self.members.village_code) & true_v.notna()
        upd = stale & (rng.random(len(self.members)) < 0.3)
        self.members.loc[upd, "village_code"] = true_v[upd]


def dtsen_snapshot(
    rng: np.random.Generator,
    hh: pd.DataFrame,
    p: pd.DataFrame,
    on_date: pd.Timestamp,
    missing_households: set,
    pmt_noise: pd.Series,
    still_listed_dead: pd.Series,
) -> pd.DataFrame:
    """DTSEN persons with desil 1-10 for the quarter (families missing a NIK are absent)."""
    score = pmt_score(hh, p, on_date) + pmt_noise.reindex(hh.household_id).to_numpy()
    pct = _rank_share(score)
    desil = np.minimum(np.ceil(pct * 10).astype(int), 10)
    listed = p[
        (p.alive | p.person_id.isin(still_listed_dead)) & ~p.household_id.isin(missing_households)
    ]
    out = listed[["person_id", "household_id"]].copy()
    out["desil"] = out.household_id.map(desil).to_numpy()
    return out
