"""Pairwise precision and recall of a clustering against the truth, and the exact-NIK
baseline an office would get from a VLOOKUP on the NIK column.

For clusters C and true entities T over the same records: true-positive pairs are the record
pairs in the same cluster *and* the same entity, counted from the contingency table in
O(records) (no pair enumeration).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa.link.graph import components_by_keys


def _pairs(labels: pd.Series) -> int:
    n = labels.value_counts().to_numpy(dtype=np.int64)
    return int((n * (n - 1) // 2).sum())


def pairwise_scores(predicted: pd.Series, truth: pd.Series) -> dict[str, float]:
    """Precision, recall and F1 of same-entity pairs (predicted vs true labels, aligned)."""
    both = predicted.astype(str) + "\x1f" + truth.astype(str)
    tp, pp, tt = _pairs(both), _pairs(predicted.astype(str)), _pairs(truth.astype(str))
    p = tp / pp if pp else 1.0
    r = tp / tt if tt else 1.0
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "true_pairs": tt,
        "predicted_pairs": pp,
    }


def exact_nik_clusters(nik_raw: pd.Series) -> pd.Series:
    """The VLOOKUP baseline: records with the same NIK text (digits only) are one person;
    a record without digits stands alone."""
    digits = nik_raw.fillna("").astype(str).str.replace(r"\D", "", regex=True)
    solo = "row" + pd.Series(np.arange(len(nik_raw)), index=nik_raw.index).astype(str)
    return digits.where(digits != "", solo)


def exact_household_clusters(
    nik_clusters: pd.Series, kk_raw: pd.Series, source_household: pd.Series
) -> pd.Series:
    """Baseline households: records joined by exact NIK, exact KK text or the same source
    household id (connected components)."""
    kk = kk_raw.fillna("").astype(str).str.replace(r"\D", "", regex=True)
    comp = components_by_keys(len(nik_clusters), [nik_clusters, kk, source_household])
    return pd.Series(comp, index=nik_clusters.index)
