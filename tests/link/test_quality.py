"""How sure the linker is: precision and recall estimated from its own probabilities agree with
the truth, a target precision picks the threshold, and officers' answers recalibrate the
probabilities."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa.link.diagnostics import link_quality_vs_truth
from lebongbisa.link.quality import (
    Calibration,
    estimated_accuracy,
    precision_curve,
    threshold_for_precision,
)


def test_estimated_precision_and_recall_follow_the_probabilities_and_the_answers():
    scored = pd.DataFrame(
        {"uid_l": [0, 2, 4, 6], "uid_r": [1, 3, 5, 7], "match_probability": [0.9, 0.8, 0.6, 0.2]}
    )
    clusters = pd.DataFrame({"unique_id": range(8), "cluster": [0, 0, 1, 1, 2, 3, 4, 5]})
    est = estimated_accuracy(scored, clusters)
    # joined: (0,1) and (2,3); expected true links 1.7 of 2; expected matches 2.5 in all
    assert np.isclose(est["estimated_precision"], 1.7 / 2)
    assert np.isclose(est["estimated_recall"], 1.7 / 2.5)
    answered = pd.DataFrame({"uid_l": [1, 4], "uid_r": [0, 5], "same": [True, False]})
    est = estimated_accuracy(scored, clusters, answered)  # an answer replaces the probability
    assert np.isclose(est["estimated_precision"], 1.8 / 2)
    assert np.isclose(est["estimated_recall"], 1.8 / 2.0)


def test_the_threshold_for_a_target_precision_is_the_lowest_that_reaches_it():
    scored = pd.DataFrame(
        {"uid_l": range(5), "uid_r": range(5, 10), "match_probability": [1.0, 0.99, 0.9, 0.7, 0.4]}
    )
    curve = precision_curve(scored)
    assert curve.estimated_precision.is_monotonic_decreasing
    assert threshold_for_precision(scored, 0.96, 0.5) == 0.9  # mean of 1.0, 0.99, 0.9 = 0.963
    assert threshold_for_precision(scored, 0.5, 0.5) == 0.7  # never below the floor
    assert threshold_for_precision(scored, 1.01, 0.5) == 1.0


def test_calibration_corrects_an_underconfident_model_and_needs_enough_answers():
    rng = np.random.default_rng(1)
    p = rng.uniform(0.05, 0.9, 400)
    truly = 1 / (1 + np.exp(-(1.5 + 1.2 * np.log(p / (1 - p)))))  # the model says too little
    same = rng.random(400) < truly
    log = pd.DataFrame({"pair_class": "unfound", "p_model": p, "same": same})
    cal = Calibration.fit(log, "unfound")
    assert cal is not None
    grid = np.array([0.1, 0.3, 0.6])
    fitted = np.mean([cal(grid, i) for i in range(50)], axis=0)
    expected = 1 / (1 + np.exp(-(1.5 + 1.2 * np.log(grid / (1 - grid)))))
    assert np.abs(fitted - expected).max() < 0.08
    assert np.std([cal(grid, i)[0] for i in range(50)]) > 0  # its own uncertainty
    assert Calibration.fit(log.head(10), "unfound") is None
    assert Calibration.fit(log.assign(same=True), "unfound") is None
    assert Calibration.fit(log, "band") is None


def test_estimated_precision_and_recall_are_close_to_the_truth(small_series):
    for period in ("2025Q1", "2025Q2"):
        q = link_quality_vs_truth(small_series, period)
        assert abs(q["estimated_precision"] - q["true_precision"]) < 0.01, q
        assert abs(q["estimated_recall"] - q["true_recall"]) < 0.01, q
