"""A transparent priority index for Desa Binaan, with its sensitivity to the weights.

Each indicator is turned into a percentile rank among the villages (1 = worst), so units do not
matter; the index is the weighted mean of those ranks. Weights come from configuration; the
defaults favour the depth of poverty and who is left out:
share in desil 1 (0.25), working poverty (0.20), desil 1 without any program (0.20),
housing deprivation (0.15), underemployment (0.10), village effect of the working-poor model
(0.10). Only villages with records are ranked (a village without data is listed as such,
never given a middle rank). Indicators with data for fewer than half of them are dropped and the
weights renormalized; a village missing one of the kept indicators gets the middle rank (0.5)
on it. When no kept indicator differs between villages, there is no ranking.
Sensitivity: the weights are perturbed (Dirichlet around the defaults) and each village's rank
range (5th to 95th percentile) is reported.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa.villages.definitions import DEFAULT_WEIGHTS
from lebongbisa.villages.table import FEATURES, feature_label


def _ranks(t: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    cols = [c for c in weights if c in t and t[c].notna().mean() >= 0.5]
    r = pd.DataFrame(index=t.index)
    for c in cols:
        worse_high = FEATURES[c][1]
        r[c] = t[c].rank(pct=True, ascending=worse_high).fillna(0.5)
    return r


def not_rankable(
    t: pd.DataFrame, weights: dict[str, float] | None = None
) -> tuple[str, str] | None:
    """Why the villages in `t` (those with records) cannot be ranked, in (Indonesian,
    English); None when they can."""
    if len(t) < 2:
        return (
            f"hanya {len(t)} desa yang punya data: tidak ada yang dapat diperingkat",
            f"only {len(t)} village(s) have records: there is nothing to rank",
        )
    weights = dict(weights or DEFAULT_WEIGHTS)
    used = [c for c in _ranks(t, weights).columns if t[c].nunique() > 1]
    if not used:
        return (
            "tidak ada indikator prioritas (desil, pekerja miskin, eksklusi, rumah, setengah "
            "menganggur) yang datanya berbeda antar desa yang punya data",
            "no priority indicator (desil, working poverty, exclusion, housing, "
            "underemployment) has data that differ between the villages with records",
        )
    return None


def priority(
    t: pd.DataFrame,
    weights: dict[str, float] | None = None,
    draws: int = 1000,
    concentration: float = 30.0,
    seed: int = 58,
) -> tuple[pd.DataFrame, dict]:
    """Priority index, rank and rank range per village, its three main reasons (the largest
    weighted percentile ranks, each as `contribution_<feature>`); returns the table and the
    weights used."""
    weights = dict(weights or DEFAULT_WEIGHTS)
    r = _ranks(t, weights)
    w = pd.Series({c: weights[c] for c in r.columns})
    w = w / w.sum()
    index = r @ w
    rank = index.rank(ascending=False, method="min").astype(int)
    rng = np.random.default_rng(seed)
    sims = rng.dirichlet(w.to_numpy() * concentration, size=draws)
    sim_ranks = pd.DataFrame(r.to_numpy() @ sims.T, index=t.index).rank(ascending=False)
    contrib = r.mul(w, axis=1)
    main = contrib.apply(lambda row: list(row.sort_values(ascending=False).index[:3]), axis=1)
    reasons = main.map(lambda cols: ", ".join(feature_label(c, "id") for c in cols))
    reasons_en = main.map(lambda cols: ", ".join(feature_label(c, "en") for c in cols))
    out = pd.DataFrame(
        {
            "village_code": t.village_code,
            "village_name": t.village_name,
            "district_name": t.district_name,
            "priority_index": index,
            "rank": rank,
            "rank_p05": sim_ranks.quantile(0.05, axis=1).round().astype(int),
            "rank_p95": sim_ranks.quantile(0.95, axis=1).round().astype(int),
            "reasons": reasons,
            "reasons_en": reasons_en,
            **{f"contribution_{c}": contrib[c].astype(float) for c in contrib.columns},
        }
    ).sort_values("rank")
    return out, w.to_dict()
