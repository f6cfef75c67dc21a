"""Target rules are checked and evaluated safely; missing values never meet a rule."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from lebongbisa.targeting_rules import check_rule, evaluate_rule

H = pd.DataFrame(
    {
        "desil": pd.array([1, 2, 4, None, 7], dtype="Int64"),
        "children_school_age": [0, 2, 1, 3, 0],
        "house_unfit": [True, False, True, True, False],
        "has_business": [False, True, False, False, True],
    }
)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("desil <= 2", [True, True, False, False, False]),
        ("desil <= 4 and children_school_age > 0", [False, True, True, False, False]),
        ("desil <= 4 and house_unfit", [True, False, True, False, False]),
        ("not has_business and desil <= 4", [True, False, True, False, False]),
        ("desil == 7 or has_business", [False, True, False, False, True]),
        ("1 <= desil <= 2", [True, True, False, False, False]),
    ],
)
def test_rules_evaluate_per_household(rule, expected):
    assert evaluate_rule(rule, H).tolist() == expected


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("desil <=", "not a valid expression"),
        ("__import__('os')", "Call"),
        ("income < 500000", "unknown attribute 'income'"),
        ("desil.real > 1", "Attribute"),
        ("desil == 'satu'", "only numbers"),
    ],
)
def test_unsafe_or_unknown_rules_are_refused(rule, message):
    assert message in check_rule(rule)
    with pytest.raises(ValueError, match=re.escape(message)):
        evaluate_rule(rule, H)
