"""On the synthetic Lebong the typology recovers the planted village types and the priority
ranking puts the villages with the worst true conditions first."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy.stats import spearmanr
from sklearn.metrics import adjusted_rand_score

from lebongbisa import indicators, stages
from lebongbisa.folder import PeriodFolder


@pytest.fixture(scope="module")
def villages(full_processed):
    stages.working_poor("2025Q1", full_processed)
    stages.villages("2025Q1", full_processed)
    return full_processed, PeriodFolder.of("2025Q1", full_processed).processed


def test_all_104_villages_have_a_row_and_desa_indicators(villages):
    _, proc = villages
    t = pd.read_parquet(proc / "village_indicators.parquet")
    assert len(t) == 104 and t.village_code.is_unique
    ind = indicators.read(proc)
    assert (ind[ind.indicator == "priority_rank"].scope_type == "desa").sum() == 104


def test_typology_recovers_the_planted_types(villages):
    data, proc = villages
    typ = pd.read_parquet(proc / "village_typology.parquet")
    truth = (
        pd.read_parquet(data / "truth" / "2025Q1" / "villages.parquet")
        .set_index("village_code")
        .village_type
    )
    planted = typ.village_code.map(truth)
    assert adjusted_rand_score(planted, typ.cluster) >= 0.4
    for kind in ("perkotaan", "tambang"):  # distinct types land in one cluster each
        share = typ.cluster[planted == kind].value_counts(normalize=True).iloc[0]
        assert share >= 0.8, kind


def test_priority_follows_true_poverty(villages):
    data, proc = villages
    prio = pd.read_parquet(proc / "desa_binaan.parquet")
    hh = pd.read_parquet(data / "truth" / "2025Q1" / "households.parquet")
    true_rate = hh.groupby("village_code").apply(
        lambda g: (g.poor * g.hh_size).sum() / g.hh_size.sum()
    )
    rho = spearmanr(prio.priority_index, prio.village_code.map(true_rate)).statistic
    assert rho >= 0.7
    top10 = prio.nsmallest(10, "rank").village_code.map(true_rate)
    assert (top10 > true_rate.median()).all()
