"""Exclusion, inclusion and coverage on a household base small enough to count by hand."""

from __future__ import annotations

import pandas as pd

from lebongbisa.indicators import lookup
from lebongbisa.targeting.measures import measure

CATALOG = [
    {
        "code": "A",
        "name": "a",
        "agency": "Dinas Sosial",
        "type": "bansos",
        "unit": "household",
        "target_rule": "desil <= 2",
        "benefit": 1200,
    },
    {
        "code": "B",
        "name": "b",
        "agency": "Dinas Pertanian",
        "type": "pemberdayaan",
        "unit": "household",
        "target_rule": "desil <= 4",
        "benefit": 400,
    },
]


def _base():
    # 6 households: desil 1, 1, 2, 3, none, 9
    h = pd.DataFrame(
        {
            "household_key": list("hijklm"),
            "desil": pd.array([1, 1, 2, 3, None, 9], dtype="Int64"),
            "village_code": ["1707011004"] * 3 + ["1707012002"] * 3,
            "receives_A": [True, False, True, False, True, False],
            "receives_B": [True, False, False, True, False, True],
        }
    )
    h["district_code"] = h.village_code.str[:6]
    h["in_registry"] = h.desil.notna()
    for c in ("A", "B"):
        h[f"rupiah_{c}"] = h[f"receives_{c}"] * (300.0 if c == "A" else 100.0)
    h["programs"] = h.receives_A.astype(int) + h.receives_B.astype(int)
    h["dinas"] = h.programs
    h["receives_bansos"] = h.receives_A
    h["receives_pemberdayaan"] = h.receives_B
    h["rupiah_total"] = h.rupiah_A + h.rupiah_B
    acc = pd.DataFrame(
        {
            "person_key": ["p1", "p2", "p3"],
            "household_key": ["h", "h", "i"],
            "program": [None, "A", None],
            "rank": [0, 3, 0],
        }
    )
    return h, acc


def test_program_errors_by_hand():
    h, acc = _base()
    ind = measure(h, CATALOG, "2024Q3", acc)
    # A: target = desil<=2 = {h,i,j}; recipients {h,j,l}: excluded i -> 1/3; outside: l -> 1/3
    assert lookup(ind, "exclusion_error", "program", "A") == 1 / 3
    assert lookup(ind, "inclusion_error", "program", "A") == 1 / 3
    assert lookup(ind, "coverage", "program", "A") == 3 / 6
    # B: target desil<=4 = {h,i,j,k}; recipients {h,k,m}: excluded i,j; outside m
    assert lookup(ind, "exclusion_error", "program", "B") == 2 / 4
    assert lookup(ind, "inclusion_error", "program", "B") == 1 / 3
    assert lookup(ind, "inclusion_error_poor", "program", "B") == 2 / 3
    assert lookup(ind, "benefit_incidence_poor", "program", "A") == 600 / 900


def test_kabupaten_and_overlap_measures_by_hand():
    h, acc = _base()
    ind = measure(h, CATALOG, "2024Q3", acc)
    assert lookup(ind, "persons") == 3 and lookup(ind, "households") == 6
    assert lookup(ind, "households_desil1") == 2
    assert lookup(ind, "exclusion_error_any_program") == 1 / 2  # i gets nothing
    assert lookup(ind, "co_receipt_households", "program_pair", "A+B") == 1
    assert lookup(ind, "jaccard", "program_pair", "A+B") == 1 / 5
    assert lookup(ind, "households", "desa", "1707011004") == 3
    assert lookup(ind, "exclusion_error_any_program", "kecamatan", "170701") == 1 / 2
    assert set(ind.scope_type) == {"kabupaten", "kecamatan", "desa", "program", "program_pair"} | {
        f"{unit}_{level}"
        for unit in ("program", "program_pair", "agency_pair")
        for level in ("kecamatan", "desa")
    } | {"agency_pair"}
    assert list(ind.columns) == [
        "period",
        "indicator",
        "scope_type",
        "scope_code",
        "value",
        "numerator",
        "denominator",
    ]


def test_program_errors_and_overlaps_per_kecamatan_and_desa_by_hand():
    h, acc = _base()
    ind = measure(h, CATALOG, "2024Q3", acc)
    d1, d2 = "1707011004", "1707012002"  # h,i,j (desil 1,1,2) and k,l,m (3, none, 9)
    # persons in the area of their household: p1, p2 (h) and p3 (i) all live in d1
    assert (
        lookup(ind, "persons", "desa", d1) == 3
        and lookup(ind, "persons", "kecamatan", "170701") == 3
    )
    assert pd.isna(lookup(ind, "persons", "desa", d2))  # nobody on record there
    # the desil distribution of each area, on the quarter's scale (desil 1, 2, 3, 9 recorded)
    assert lookup(ind, "households_desil2", "desa", d1) == 1
    assert lookup(ind, "households_desil2", "desa", d2) == 0
    assert lookup(ind, "households_desil9", "kabupaten") == 1
    assert pd.isna(lookup(ind, "households_desil5", "kabupaten"))  # not on the scale here
    # A in d1: target {h,i,j}, recipients {h,j}: i missed; in d2: no target, recipient l outside
    assert lookup(ind, "recipients_households", "program_desa", f"A:{d1}") == 2
    assert lookup(ind, "coverage", "program_desa", f"A:{d1}") == 2 / 3
    assert lookup(ind, "exclusion_error", "program_desa", f"A:{d1}") == 1 / 3
    assert lookup(ind, "inclusion_error", "program_desa", f"A:{d1}") == 0
    assert pd.isna(lookup(ind, "exclusion_error", "program_desa", f"A:{d2}"))  # no target
    assert lookup(ind, "inclusion_error", "program_desa", f"A:{d2}") == 1
    # both desa lie in one kecamatan (170701): its rows are the kabupaten's
    for name in ("exclusion_error", "inclusion_error", "coverage"):
        assert lookup(ind, name, "program_kecamatan", "B:170701") == lookup(
            ind, name, "program", "B"
        )
    # A and B meet on h only (d1); in d2 they reach k, l, m apart
    assert lookup(ind, "co_receipt_households", "program_pair_desa", f"A+B:{d1}") == 1
    assert lookup(ind, "jaccard", "program_pair_desa", f"A+B:{d1}") == 1 / 2
    assert lookup(ind, "jaccard", "program_pair_desa", f"A+B:{d2}") == 0
    pair = "Dinas Pertanian+Dinas Sosial"
    assert lookup(ind, "co_receipt_households", "agency_pair", pair) == 1
    assert lookup(ind, "jaccard", "agency_pair_kecamatan", f"{pair}:170701") == 1 / 5
