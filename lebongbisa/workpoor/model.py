"""Models of household poverty on employment variables (statsmodels), with diagnostics.

- Logit of "poor" (recorded desil <= 2, or any outcome given) on the head's work (sector or not
  working), informality, casual status and underemployment, education, other working members,
  dependency ratio, size, female head, business and house ownership; standard errors
  clustered by desa; average marginal effects (discrete change for indicators).
- A fixed-effects variant: a linear probability model with one intercept per desa; its
  demeaned intercepts are the village effects passed to the village stage (poverty beyond what
  the households' work and composition explain).
- Out-of-sample checks with scikit-learn: 5-fold cross-validated AUC, Brier score and a
  calibration curve.

Before fitting, `not_estimable` checks that the data can carry the model (enough households,
enough poor and non-poor ones per parameter, enough villages for clustered errors); when they
cannot, the stage publishes the descriptive rates and says why the model was not estimated.
Villages with a single household carry no information on their own fixed effect and are left
out of the fixed-effects model.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import patsy
import statsmodels.formula.api as smf
from sklearn.calibration import calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from lebongbisa.clean._vector import among

CASUAL = {"casual_agriculture", "casual_nonagriculture", "casual", "unpaid_family"}
REFERENCE_WORK = "trade"
CANDIDATES = [
    "head_informal",
    "head_casual_or_unpaid",
    "head_underemployed",
    "head_education",
    "other_working_members",
    "dependency_ratio",
    "household_size",
    "female_head",
    "has_business",
    "house_owned",
]


def household_table(p: pd.DataFrame, acc: pd.DataFrame, h: pd.DataFrame) -> pd.DataFrame:
    """One row per household whose head has recorded employment."""
    heads = p[p.relationship == "KEPALA KELUARGA"].drop_duplicates("household_key")
    heads = heads.set_index("household_key")
    hh = h.set_index("household_key").reindex(heads.index)
    people = acc.sort_values("rank").drop_duplicates(["household_key", "person_key"])
    people = people[among(people.household_key, heads.index)]
    dep = people.assign(dep=(people.age < 15) | (people.age >= 65)).groupby("household_key")
    ownership = acc[acc.house_ownership.notna()].groupby("household_key").house_ownership.first()
    working = p[p.employed].groupby("household_key").size()
    t = pd.DataFrame(index=heads.index)
    t["poor"] = heads.poor.astype(int)
    t["head_work"] = heads.sector.astype(str)
    t["head_informal"] = (heads.status_group == "informal").astype(int)
    t["head_casual_or_unpaid"] = heads.employment_status.isin(CASUAL).astype(int)
    t["head_underemployed"] = heads.underemployed.astype("Float64")
    t["head_education"] = heads.education_level.astype("Float64")
    t["other_working_members"] = (
        working.reindex(t.index).fillna(0) - heads.employed.astype(int)
    ).clip(lower=0)
    t["household_size"] = hh.members.clip(lower=1)
    t["dependency_ratio"] = (dep.dep.sum() / dep.size()).reindex(t.index)
    t["female_head"] = (heads.sex == "P").astype(int)
    t["has_business"] = hh.has_business.astype(int)
    t["house_owned"] = (
        ownership.reindex(t.index)
        .eq("MILIK SENDIRI")
        .astype(int)
        .where(ownership.reindex(t.index).notna())
    )
    t["village_code"] = hh.village_code
    # rare head-work categories join "other" so every dummy is estimable
    counts = t.head_work.value_counts()
    t.loc[t.head_work.isin(counts[counts < 30].index), "head_work"] = "other"
    return t.dropna(subset=["village_code"])


#: the least data the model is fitted on: households, households in the rarer outcome class
#: per estimated parameter (events per variable, Peduzzi et al. 1996 use 10; 5 is a common
#: lower bound), and villages for cluster-robust errors (fewer clusters give unreliable ones)
MIN_HOUSEHOLDS = 100
MIN_EVENTS_PER_PARAMETER = 5
MIN_CLUSTERS = 10


def _formula(t: pd.DataFrame, outcome: str = "poor") -> tuple[str, list[str]]:
    covs = [c for c in CANDIDATES if t[c].notna().mean() > 0.8 and t[c].nunique() > 1]
    terms = covs
    if t.head_work.nunique() > 1:  # a constant regressor is left out
        ref = REFERENCE_WORK if REFERENCE_WORK in set(t.head_work) else t.head_work.mode()[0]
        terms = [f"C(head_work, Treatment('{ref}'))"] + covs
    return f"{outcome} ~ " + (" + ".join(terms) or "1"), covs


def not_estimable(t: pd.DataFrame, outcome: str = "poor") -> tuple[str, str] | None:
    """Why the poverty model cannot be estimated on `t`, in plain (Indonesian, English)
    words; None when it can."""
    if len(t) < MIN_HOUSEHOLDS:
        return (
            f"hanya {len(t)} rumah tangga yang kepalanya punya status pekerjaan dan desil "
            f"tercatat (diperlukan sedikitnya {MIN_HOUSEHOLDS})",
            f"only {len(t)} households have a head with recorded employment and a recorded "
            f"desil (at least {MIN_HOUSEHOLDS} are needed)",
        )
    _, covs = _formula(t, outcome)
    params = 1 + len(covs) + max(t.head_work.nunique() - 1, 0)
    rarer = int(min(t[outcome].sum(), (1 - t[outcome]).sum()))
    if rarer < MIN_EVENTS_PER_PARAMETER * params:
        return (
            f"hasil yang lebih jarang (miskin atau tidak miskin) hanya {rarer} rumah tangga "
            f"untuk {params} parameter (diperlukan sedikitnya {MIN_EVENTS_PER_PARAMETER} per "
            "parameter)",
            f"the rarer outcome (poor or not poor) has only {rarer} households for {params} "
            f"parameters (at least {MIN_EVENTS_PER_PARAMETER} per parameter are needed)",
        )
    clusters = t.village_code.nunique()
    if clusters < MIN_CLUSTERS:
        return (
            f"rumah tangga hanya tinggal di {clusters} desa: galat baku yang dikelompokkan per "
            f"desa memerlukan sedikitnya {MIN_CLUSTERS}",
            f"the households live in only {clusters} villages: standard errors clustered by "
            f"village need at least {MIN_CLUSTERS}",
        )
    return None


def _label(term: str) -> str:
    if term.startswith("C(head_work"):
        return "head works in: " + term.split("[T.")[-1].rstrip("]")
    return term


def fit_logit(t: pd.DataFrame, outcome: str = "poor") -> dict:
    """Cluster-robust logit with average marginal effects."""
    formula, covs = _formula(t, outcome)
    cols = [outcome, "head_work", "village_code", *covs]
    data = t[cols].dropna().copy()
    for c in covs:
        data[c] = data[c].astype(float)
    groups = pd.factorize(data.village_code)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = smf.logit(formula, data).fit(
            disp=0, maxiter=200, cov_type="cluster", cov_kwds={"groups": groups}
        )
        ame = res.get_margeff(at="overall", dummy=True).summary_frame()
    ci = res.conf_int()
    coefs = pd.DataFrame(
        {
            "term": res.params.index.map(_label),
            "coef": res.params.to_numpy(),
            "se": res.bse.to_numpy(),
            "ci_low": ci[0].to_numpy(),
            "ci_high": ci[1].to_numpy(),
            "p_value": res.pvalues.to_numpy(),
        }
    )
    coefs["odds_ratio"] = np.exp(coefs.coef)
    ame = ame.reset_index(names="term").rename(
        columns={
            "dy/dx": "ame",
            "Std. Err.": "se",
            "Pr(>|z|)": "p_value",
            "Conf. Int. Low": "ci_low",
            "Cont. Int. Hi.": "ci_high",
        }
    )
    ame["term"] = ame.term.map(_label)
    return {
        "formula": formula,
        "n": int(res.nobs),
        "clusters": int(len(set(groups))),
        "pseudo_r2": float(res.prsquared),
        "coefficients": coefs,
        "marginal_effects": ame[["term", "ame", "se", "ci_low", "ci_high", "p_value"]],
        "data": data,
    }


def village_effects(t: pd.DataFrame, outcome: str = "poor") -> pd.Series:
    """Desa fixed effects from a linear probability model, demeaned (share points of poverty
    beyond what work and composition explain)."""
    formula, covs = _formula(t, outcome)
    data = t[[outcome, "head_work", "village_code", *covs]].dropna().copy()
    for c in covs:
        data[c] = data[c].astype(float)
    size = data.village_code.value_counts()
    data = data[data.village_code.isin(size[size >= 2].index)]
    if data.village_code.nunique() < 2:
        return pd.Series(dtype=float, name="village_effect")
    res = smf.ols(formula + " + C(village_code)", data).fit()
    fe = res.params.filter(like="C(village_code)")
    fe.index = fe.index.str.extract(r"\[T\.(\d+)\]", expand=False)
    base = sorted(set(data.village_code) - set(fe.index))
    fe = pd.concat([fe, pd.Series(0.0, index=base)])
    size = data.village_code.value_counts().reindex(fe.index)
    return (fe - np.average(fe, weights=size)).rename("village_effect")


def cross_validate(fit: dict, outcome: str = "poor", folds: int = 5, seed: int = 58) -> dict:
    """Out-of-sample AUC, Brier score and calibration of the same specification."""
    data = fit["data"]
    y, x = patsy.dmatrices(fit["formula"], data, return_type="dataframe")
    y = y.iloc[:, 0].to_numpy().astype(int)
    folds = min(folds, int(np.bincount(y, minlength=2).min()))
    if folds < 2:  # one class only: no AUC can be computed
        nan = float("nan")
        return {
            "auc": nan,
            "brier": nan,
            "base_rate": float(y.mean()),
            "calibration": pd.DataFrame({"predicted": [], "observed": []}),
        }
    model = LogisticRegression(max_iter=2000, C=1e4)
    cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
    prob = cross_val_predict(model, x.drop(columns="Intercept"), y, cv=cv, method="predict_proba")[
        :, 1
    ]
    frac, mean_pred = calibration_curve(y, prob, n_bins=10, strategy="quantile")
    return {
        "auc": float(roc_auc_score(y, prob)),
        "brier": float(brier_score_loss(y, prob)),
        "base_rate": float(y.mean()),
        "calibration": pd.DataFrame({"predicted": mean_pred, "observed": frac}),
    }
