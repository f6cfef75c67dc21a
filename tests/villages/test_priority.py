"""The Desa Binaan priority index is transparent: ranks follow the weighted indicators, ranges
widen when a village's rank depends on the weights, reasons name the indicators."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa.villages.priority import priority


def _table(n=30, seed=1):
    rng = np.random.default_rng(seed)
    t = pd.DataFrame(
        {
            "village_code": [f"17070120{i:02d}" for i in range(n)],
            "village_name": [f"Desa {i}" for i in range(n)],
            "district_name": "X",
            "share_desil1": rng.random(n),
            "working_poverty_rate": rng.random(n),
            "exclusion_desil1": rng.random(n),
            "housing_deprivation": rng.random(n),
            "underemployment_rate": np.nan,
            "village_effect": rng.normal(0, 0.1, n),
        }
    )
    return t


def test_worst_on_every_indicator_ranks_first_with_a_tight_range():
    t = _table()
    for c in (
        "share_desil1",
        "working_poverty_rate",
        "exclusion_desil1",
        "housing_deprivation",
        "village_effect",
    ):
        t.loc[5, c] = t[c].max() + 1
    out, weights = priority(t)
    first = out.iloc[0]
    assert first.village_code == t.village_code[5] and first["rank"] == 1
    assert first.rank_p05 == 1 and first.rank_p95 == 1
    assert "underemployment_rate" not in weights  # missing indicator dropped, weights renormalized
    assert abs(sum(weights.values()) - 1) < 1e-9
    assert "keluarga desil 1" in first.reasons


def test_custom_weights_change_the_ranking():
    t = _table()
    a, _ = priority(t, {"share_desil1": 1.0})
    b, _ = priority(t, {"housing_deprivation": 1.0})
    assert a.iloc[0].village_code == t.loc[t.share_desil1.idxmax(), "village_code"]
    assert b.iloc[0].village_code == t.loc[t.housing_deprivation.idxmax(), "village_code"]
    assert (a.rank_p05 <= a["rank"]).all() and (a["rank"] <= a.rank_p95 + 1).all()


def test_the_contributions_add_up_to_the_index_and_the_largest_are_the_reasons():
    from lebongbisa.villages.table import feature_label

    out, _ = priority(_table())
    contrib = out.filter(like="contribution_")
    assert np.allclose(contrib.sum(axis=1), out.priority_index)
    features = contrib.columns.str.removeprefix("contribution_")
    label = {feature_label(f, "id"): f"contribution_{f}" for f in features}
    for r in out.itertuples():  # the three reasons contribute at least as much as any other
        named = [label[x] for x in r.reasons.split(", ")]
        c = out.loc[r.Index, contrib.columns].astype(float)
        assert len(named) == 3 and c[named].min() >= c.drop(named).max()
