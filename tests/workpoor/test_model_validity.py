"""Validity check: on the synthetic Lebong, where the generating effects are known
(truth/<period>/model.json), the model recovers the signs of the main employment effects
with intervals on the right side of zero; and the stage's outputs are complete."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from lebongbisa import indicators, stages
from lebongbisa.folder import PeriodFolder
from lebongbisa.targeting.households import accepted_records
from lebongbisa.workpoor import model
from lebongbisa.workpoor.persons import employment_persons


@pytest.fixture(scope="module")
def fitted(full_processed):
    proc = PeriodFolder.of("2025Q1", full_processed).processed
    stages.working_poor("2025Q1", full_processed)
    records = pd.read_parquet(proc / "records.parquet")
    clean = pd.read_parquet(proc / "clean.parquet")
    h = pd.read_parquet(proc / "household_base.parquet")
    acc = accepted_records(records, clean)
    t = model.household_table(employment_persons(acc, h), acc, h)
    # the true outcome: consumption below the poverty line, for the household's true identity
    truth = records[["source_file", "source_row"]].merge(
        pd.read_parquet(full_processed / "truth" / "2025Q1" / "rows.parquet"), how="left"
    )
    true_hh = (
        truth.household_id[acc.index]
        .groupby(acc.household_key.to_numpy())
        .agg(lambda s: s.mode().iloc[0] if s.notna().any() else None)
    )
    poor = (
        pd.read_parquet(full_processed / "truth" / "2025Q1" / "households.parquet")
        .set_index("household_id")
        .poor
    )
    t["poor_true"] = true_hh.reindex(t.index).map(poor).astype(float)
    fit = model.fit_logit(t.dropna(subset=["poor_true"]), outcome="poor_true")
    return full_processed, fit


def test_main_employment_effects_have_the_generating_signs(fitted):
    _, fit = fitted
    truth = json.loads((fitted[0] / "truth" / "2025Q1" / "model.json").read_text())
    me = fit["marginal_effects"].set_index("term")
    e = truth["consumption_effects"]
    # a negative effect on consumption is a positive effect on the probability of being poor
    expected = {
        "head works in: agriculture": -truth["sector_effects"]["perkebunan_kopi"],
        "head works in: not working": -e["head_not_working"],
        "head_casual_or_unpaid": -truth["status_effects"]["6"],
        "head_underemployed": -e["head_underemployed"],
        "head_education": -e["head_education_level"],
        "other_working_members": -e["other_worker_share"],
        "has_business": -e["owns_business"],
        "female_head": -e["female_head"],
    }
    for term, sign in expected.items():
        r = me.loc[term]
        assert (r.ame > 0) == (sign > 0), term
        assert (r.ci_low > 0) if sign > 0 else (r.ci_high < 0), (term, r.ci_low, r.ci_high)


def test_stage_outputs_and_out_of_sample_checks(fitted):
    data, _ = fitted
    proc = PeriodFolder.of("2025Q1", data).processed
    m = json.loads((proc / "working_poor_model.json").read_text())
    assert 0.65 < m["cv"]["auc"] < 1 and m["n"] > 10_000 and m["clusters"] > 90
    fe = pd.read_parquet(proc / "village_effects.parquet")
    assert len(fe) > 90 and abs(fe.village_effect.mean()) < 0.05
    ind = indicators.read(proc)
    wpr = indicators.lookup(ind, "working_poverty_rate")
    share = indicators.lookup(ind, "poor_households_head_working_share")
    assert 0.05 < wpr < 0.5 and share > 0.6
    assert (ind[ind.indicator == "working_poverty_rate"].scope_type == "desa").sum() > 90


def test_working_poverty_rate_is_close_to_the_truth(fitted):
    """The estimate uses recorded desil; the truth uses the same definition on true identities."""
    data, _ = fitted
    proc = PeriodFolder.of("2025Q1", data).processed
    ind = indicators.read(proc)
    persons = pd.read_parquet(data / "truth" / "2025Q1" / "persons.parquet")
    hh = pd.read_parquet(data / "truth" / "2025Q1" / "households.parquet").set_index("household_id")
    adults = persons[persons.alive & persons.works]
    desil = adults.household_id.map(hh.registry_desil)
    adults = adults[desil.notna()]
    true_rate = (desil[desil.notna()] <= 2).mean()
    assert abs(indicators.lookup(ind, "working_poverty_rate") - true_rate) < 0.02
