"""What each by-name list holds, by its rule, on households written by hand."""

from __future__ import annotations

import pandas as pd

from lebongbisa.targeting.worklists import members

CATALOG = [
    {"code": "PKH", "unit": "household", "target_rule": "desil <= 2"},
    {"code": "PIP", "unit": "person", "target_rule": "desil <= 4"},
]


def test_list_c_holds_double_receipts_by_person_and_by_household_for_household_programs():
    acc = pd.DataFrame(
        {
            "kind": "program",
            "program": ["PKH", "PKH", "PKH", "PIP", "PIP", "PIP", "PIP"],
            "household_key": ["h1", "h1", "h2", "h1", "h1", "h2", "h2"],
            "person_key": ["p1", "p2", "p3", "p1", "p2", "p3", "p3"],
        }
    )
    h = pd.DataFrame(
        {
            "household_key": ["h1", "h2"],
            "desil": [1, 3],
            "programs": [2, 2],
            "in_registry": [True, True],
            "has_business": False,
            "own_farm": False,
            "workers": 0,
            "receives_pemberdayaan": False,
        }
    )
    held = members(acc, h, CATALOG)
    # PKH is paid per household: two members of h1 are one household paid twice; PIP is
    # paid per person: two members of h1 are two pupils, p3 listed twice is a double receipt
    assert sorted(held["c"]) == [0, 1, 5, 6]
    # list b: PKH reaching h2 (desil 3) is outside its target rule
    assert list(held["b"]) == [2]
