"""How good are the links made, without truth: precision and recall estimated from the model's
own match probabilities (and the officers' decisions where there are any).

Over the scored candidate pairs (p >= the review floor), a pair in one person counts p expected
true links and 1 - p false ones; a pair left apart counts p missed links. So
    precision ~ sum(p | joined) / #joined,  recall ~ sum(p | joined) / sum(p).
A decided pair's p is its decision (1 SAMA, 0 BEDA). Pairs scored below the floor are never
seen, so recall is an upper bound; and the estimate is only as calibrated as the model
(Fellegi-Sunter's independence assumption tends to make p too confident). The synthetic
truth measures both (tests/link, notebook 02).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _p(scored: pd.DataFrame, decided: pd.DataFrame | None) -> pd.Series:
    p = scored.match_probability.astype(float)
    if decided is None or not len(decided):
        return p
    lo = np.minimum(decided.uid_l, decided.uid_r)
    hi = np.maximum(decided.uid_l, decided.uid_r)
    label = pd.Series(
        decided.same.astype(float).to_numpy(), index=pd.MultiIndex.from_arrays([lo, hi])
    )
    label = label[~label.index.duplicated(keep="last")]
    key = pd.MultiIndex.from_arrays([scored.uid_l, scored.uid_r])
    found = label.reindex(key).to_numpy()
    return pd.Series(np.where(np.isnan(found), p, found), index=scored.index)


def joined_pairs(scored: pd.DataFrame, clusters: pd.DataFrame) -> np.ndarray:
    """Whether each scored pair ended in one person."""
    cluster = pd.Series(clusters.cluster.to_numpy(), index=clusters.unique_id.to_numpy())
    return cluster[scored.uid_l].to_numpy() == cluster[scored.uid_r].to_numpy()


def estimated_accuracy(
    scored: pd.DataFrame, clusters: pd.DataFrame, decided: pd.DataFrame | None = None
) -> dict[str, float]:
    """Estimated pairwise precision and recall of the links made (see module docstring)."""
    p = _p(scored, decided).to_numpy()
    joined = joined_pairs(scored, clusters)
    tp = p[joined].sum()
    n = int(joined.sum())
    return {
        "estimated_precision": float(tp / n) if n else float("nan"),
        "estimated_recall": float(tp / p.sum()) if p.sum() else float("nan"),
        "pairs_joined": n,
        "pairs_scored": int(len(p)),
        "expected_false_links": float((1 - p[joined]).sum()),
        "expected_missed_links": float(p[~joined].sum()),
    }


def true_accuracy(scored: pd.DataFrame, clusters: pd.DataFrame, same: np.ndarray) -> dict:
    """The same pair-level precision and recall with the truth (`same`: each scored pair is
    one true person)."""
    joined = joined_pairs(scored, clusters)
    tp = int((joined & same).sum())
    return {
        "true_precision": tp / joined.sum() if joined.sum() else float("nan"),
        "true_recall": tp / same.sum() if same.sum() else float("nan"),
    }


def precision_curve(scored: pd.DataFrame) -> pd.DataFrame:
    """Estimated precision and recall of linking every pair at or above each threshold (the
    model's probabilities alone): the trade-off a threshold chooses."""
    p = np.sort(scored.match_probability.to_numpy(dtype=float))[::-1]
    if not len(p):
        return pd.DataFrame(columns=["threshold", "estimated_precision", "estimated_recall"])
    tp = np.cumsum(p)
    n = np.arange(1, len(p) + 1)
    out = pd.DataFrame(
        {"threshold": p, "estimated_precision": tp / n, "estimated_recall": tp / p.sum()}
    )
    return out.drop_duplicates("threshold", keep="last").reset_index(drop=True)


def threshold_for_precision(scored: pd.DataFrame, target: float, floor: float) -> float:
    """The lowest threshold whose links reach the estimated `target` precision (never below
    `floor`, the review band's floor; 1.0 when no threshold reaches it)."""
    curve = precision_curve(scored)
    ok = curve[(curve.estimated_precision >= target) & (curve.threshold >= floor)]
    return float(ok.threshold.min()) if len(ok) else 1.0


#: labelled pairs needed to calibrate the model's probabilities for one class of pair
MIN_CALIBRATION_LABELS = 20


class Calibration:
    """The model's probabilities recalibrated on the officers' answers (Platt scaling: a
    logistic regression of the answer on logit p), with its own uncertainty: each draw uses the
    fit to one bootstrap resample of the answers, so few answers give wide intervals.

    Built from the decisions log's rows of one class of pair (decisions.for_review) that carry
    the model's probability at the time; `None` (see `fit`) when there are too few answers or
    only one kind of answer."""

    def __init__(self, p: np.ndarray, same: np.ndarray, resamples: int = 200, seed: int = 58):
        from sklearn.linear_model import LogisticRegression

        rng = np.random.default_rng(seed)
        x = _logit(p).reshape(-1, 1)
        self.labels = len(p)
        self.fits = []
        for _ in range(resamples):
            i = rng.integers(0, len(p), len(p))
            if same[i].min() == same[i].max():  # one kind of answer: no slope to fit
                continue
            m = LogisticRegression(C=1.0).fit(x[i], same[i])
            self.fits.append((float(m.intercept_[0]), float(m.coef_[0, 0])))

    @classmethod
    def fit(cls, log: pd.DataFrame, pair_class: str, **kw) -> Calibration | None:
        d = log[(log.pair_class == pair_class) & log.p_model.notna()]
        same = d.same.to_numpy(dtype=int)
        if len(d) < MIN_CALIBRATION_LABELS or same.min() == same.max():
            return None
        cal = cls(d.p_model.to_numpy(dtype=float), same, **kw)
        return cal if cal.fits else None

    def __call__(self, p: np.ndarray, draw: int) -> np.ndarray:
        a, b = self.fits[draw % len(self.fits)]
        return 1 / (1 + np.exp(-(a + b * _logit(p))))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))
