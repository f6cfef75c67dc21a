"""Stage 4 for a period: working-poverty measures, the poverty models and village effects.

Writes (artefacts of `folder.ARTEFACTS`) `working_poor_rates`, `working_poor_heads`,
`working_poor_model` (coefficients, marginal effects, cross-validation), `village_effects` and
its indicators part `working_poor_indicators`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from lebongbisa import indicators
from lebongbisa.folder import PeriodFolder, as_folder
from lebongbisa.indicators import Collector
from lebongbisa.io import write_json, write_parquet
from lebongbisa.targeting.households import load_stage_inputs
from lebongbisa.workpoor import descriptives, model
from lebongbisa.workpoor.definitions import DEFAULT, Definitions
from lebongbisa.workpoor.persons import employment_persons


def working_poor_period(folder: PeriodFolder, working_poor: Definitions = DEFAULT) -> dict:
    """Stage 4 on a period folder, with the run configuration's `working_poor` definitions."""
    d, period = working_poor, folder.period
    records, clean, h, acc = load_stage_inputs(folder)
    p = employment_persons(acc, h, d)
    rates = descriptives.all_rates(p)
    write_parquet(rates, folder.path("working_poor_rates"))
    write_parquet(descriptives.poor_by_head_status(p), folder.path("working_poor_heads"))
    c = Collector(period)
    descriptives.indicators(c, p)
    ind = indicators.with_changes(
        c.frame(),
        indicators.previous_part(folder, "working_poor_indicators"),
        [
            "working_poverty_rate",
            "poor_households_head_working_share",
            "underemployment_rate",
            "informal_share_employed",
        ],
    )

    t = model.household_table(p, acc, h)
    reason = model.not_estimable(t)
    fit = None if reason else model.fit_logit(t)
    terms = Collector(period)
    if fit is not None:
        for r in fit["marginal_effects"].itertuples(index=False):
            terms.value("working_poor_ame", "model_term", r.term, r.ame)
            terms.value("working_poor_ame_ci_low", "model_term", r.term, r.ci_low)
            terms.value("working_poor_ame_ci_high", "model_term", r.term, r.ci_high)
    indicators.write_part(pd.concat([ind, terms.frame()]), folder, "working_poor_indicators")
    fe = model.village_effects(t) if fit is not None else pd.Series(dtype=float)
    write_parquet(
        fe.rename("village_effect").rename_axis("village_code").reset_index(),
        folder.path("village_effects"),
    )
    out = {
        "period": period,
        "definitions": d.as_dict(),
        "estimated": fit is not None,
        "reason": reason[1] if reason else None,
        "reason_id": reason[0] if reason else None,
        "households": int(len(t)),
    }
    if fit is not None:
        cv = model.cross_validate(fit)
        out |= {
            "formula": fit["formula"],
            "n": fit["n"],
            "clusters": fit["clusters"],
            "pseudo_r2": fit["pseudo_r2"],
            "coefficients": fit["coefficients"].to_dict("records"),
            "marginal_effects": fit["marginal_effects"].to_dict("records"),
            "cv": {
                "auc": cv["auc"],
                "brier": cv["brier"],
                "base_rate": cv["base_rate"],
                "calibration": cv["calibration"].to_dict("records"),
            },
        }
    write_json(out, folder.path("working_poor_model"))
    return out


def load_model(folder: Path | PeriodFolder) -> dict:
    """The saved model; when it was not estimated, `estimated` is False and `reason` says why."""
    f = as_folder(folder)
    m = json.loads(f.path("working_poor_model").read_text())
    m.setdefault("estimated", True)
    if not m["estimated"]:
        return m
    m["marginal_effects"] = pd.DataFrame(m["marginal_effects"])
    m["coefficients"] = pd.DataFrame(m["coefficients"])
    m["cv"]["calibration"] = pd.DataFrame(m["cv"]["calibration"])
    return m
