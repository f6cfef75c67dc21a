"""Exclusion, inclusion and coverage on a household base small enough to count by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lebongbisa.indicators import lookup
from lebongbisa.ingest.sources import validate_catalog
from lebongbisa.targeting import money
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
    h["workers"] = [1, 1, 0, 2, 1, 1]
    h["has_business"] = [False, True, False, False, False, False]
    h["own_farm"] = [True, False, True, False, True, False]
    h["rupiah_total"] = h.rupiah_A + h.rupiah_B
    acc = pd.DataFrame(
        {
            "person_key": ["p1", "p2", "p3"],
            "household_key": ["h", "h", "i"],
            "program": [None, "A", None],
            "amount": [float("nan"), 300.0, float("nan")],
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


def test_without_detail_the_kabupaten_and_program_indicators_are_those_of_the_full_measure():
    h, acc = _base()
    full = measure(h, CATALOG, "2024Q3", acc)
    lean = measure(h, CATALOG, "2024Q3", acc, detail=False)
    full = full[full.scope_type.isin(["kabupaten", "program"])]
    money_rows = full.indicator.str.startswith("rupiah_")  # the Rupiah at stake are detail
    assert money_rows.any() and len(lean) >= 60
    pd.testing.assert_frame_equal(
        lean.reset_index(drop=True), full[~money_rows].reset_index(drop=True)
    )


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


def test_rupiah_outside_the_target_and_needed_for_the_rest_by_hand():
    h, acc = _base()
    ind = measure(h, CATALOG, "2024Q3", acc)
    d1, d2 = "1707011004", "1707012002"

    def rp(name, scope="kabupaten", code=None):
        return lookup(ind, name, scope, code)

    # A: outside = l (paid 300); missed = i, a quarter of 1200. B: outside m (100); missed i, j
    assert rp("rupiah_outside_target", "program", "A") == 300
    assert rp("rupiah_unreached_target", "program", "A") == 300
    assert rp("rupiah_outside_target", "program", "B") == 100
    assert rp("rupiah_unreached_target", "program", "B") == 200
    assert rp("rupiah_outside_target") == 400 and rp("rupiah_unreached_target") == 500
    assert rp("rupiah_unreached_target_year") == 2000  # a year of the same: 4 quarters
    # per area: d1 holds the missed (i in A; i, j in B), d2 the outside (l, m)
    assert rp("rupiah_unreached_target", "desa", d1) == 500
    assert rp("rupiah_outside_target", "desa", d1) == 0
    assert rp("rupiah_outside_target", "program_desa", f"A:{d2}") == 300
    # the households behind each figure, for suppression
    row = ind[(ind.indicator == "rupiah_unreached_target") & (ind.scope_type == "kabupaten")]
    assert row.numerator.iloc[0] == 3  # i (A), i and j (B)
    # A's one list row carries its amount, so the Rupiah are the amounts paid
    assert rp("rupiah_from_list", "program", "A") == 1


def test_benefit_per_sets_what_a_quarter_costs_and_is_validated():
    pkh = {"benefit": 750_000, "benefit_per": "quarter"}
    assert money.quarterly_benefit(pkh) == 750_000
    assert money.quarterly_benefit({"benefit": 3_000_000}) == 750_000  # a year's by default
    assert money.quarterly_benefit({"benefit": 100, "benefit_per": "month"}) == 300
    assert money.quarterly_benefit({"benefit": 20_000_000, "benefit_per": "once"}) == 20_000_000
    h, acc = _base()
    once = [dict(CATALOG[0], benefit_per="once"), CATALOG[1]]
    ind = measure(h, once, "2024Q3", acc)
    # A's one target household not reached costs its one-off 1200, in a quarter as in a year
    assert lookup(ind, "rupiah_unreached_target", "program", "A") == 1200
    assert lookup(ind, "rupiah_unreached_target_year", "program", "A") == 1200
    assert np.isnan(money.quarterly_benefit({"benefit": "Rp750.000 per tahap"}))
    bad = [dict(CATALOG[0], benefit_per="season")]
    problems = validate_catalog(bad)
    assert len(problems) == 1 and "benefit_per 'season'" in problems[0].message


def test_a_free_text_benefit_gives_no_figure_for_the_households_not_reached():
    h, acc = _base()
    catalog = [dict(CATALOG[0], benefit="Rp300 per tahap"), CATALOG[1]]
    ind = measure(h, catalog, "2024Q3", acc)
    assert pd.isna(lookup(ind, "rupiah_unreached_target", "program", "A"))
    assert pd.isna(lookup(ind, "rupiah_unreached_target"))  # a sum with an unknown part
    assert lookup(ind, "rupiah_unreached_target", "program", "B") == 200
    assert lookup(ind, "rupiah_outside_target", "program", "A") == 300  # paid amounts


def test_a_person_unit_program_costs_its_recipients_per_household():
    acc = pd.DataFrame(
        {"program": ["P"] * 3, "person_key": ["a", "b", "c"], "household_key": ["h", "h", "i"]}
    )
    costs = money.unit_costs(acc, [{"code": "P", "unit": "person", "benefit": 400}])
    assert costs["P"] == pytest.approx(100 * 1.5)  # 3 recipients in 2 households


def test_the_year_adds_the_quarters_of_the_same_year_and_restarts_in_january():
    h, acc = _base()
    q3 = measure(h, CATALOG, "2024Q3", acc)
    y3 = money.year_to_date(q3, None, "1707")
    q4 = measure(h, CATALOG, "2024Q4", acc).assign(period="2024Q4")
    y4 = money.year_to_date(q4, pd.concat([q3, y3]), "1707")
    assert lookup(y4, "rupiah_outside_target_year") == 800
    assert lookup(y4, "quarters_in_year") == 2
    q1 = q4.assign(period="2025Q1")
    y1 = money.year_to_date(q1, pd.concat([q4, y4]), "1707")
    assert lookup(y1, "rupiah_outside_target_year") == 400 and lookup(y1, "quarters_in_year") == 1


def test_the_rupiah_range_follows_the_intervals_of_the_rates():
    h, acc = _base()
    ind = measure(h, CATALOG, "2024Q3", acc)
    extra = pd.DataFrame(
        [
            ("inclusion_error_low", "A", 0.0),
            ("inclusion_error_high", "A", 2 / 3),
            ("exclusion_error_low", "A", 0.0),
            ("exclusion_error_high", "A", 2 / 3),
        ],
        columns=["indicator", "scope_code", "value"],
    ).assign(period="2024Q3", scope_type="program")
    r = money.ranges(pd.concat([ind, extra]), money.unit_costs(acc, CATALOG), "2024Q3")
    # A pays 900 in all; inclusion 1/3 -> 0..2/3 moves 300 by -300..+300
    assert lookup(r, "rupiah_outside_target_low", "program", "A") == pytest.approx(0)
    assert lookup(r, "rupiah_outside_target_high", "program", "A") == pytest.approx(600)
    # 3 target households at 300: 0..2 of them missed
    assert lookup(r, "rupiah_unreached_target_high", "program", "A") == pytest.approx(600)
    assert pd.isna(lookup(r, "rupiah_outside_target_low", "program", "B"))  # no interval


def test_the_graduation_list_counts_poor_working_households_with_their_own_work_by_hand():
    h, acc = _base()
    ind = measure(h, CATALOG, "2024Q3", acc)
    # desil 1-2: h, i, j; working: h, i; own farm h, business i; h already has B
    # (pemberdayaan), j has a farm but nobody works: only i
    assert lookup(ind, "graduation_households") == 1
    assert lookup(ind, "graduation_households", "desa", "1707011004") == 1
    assert lookup(ind, "graduation_households", "desa", "1707012002") == 0


def test_household_key_membership_in_arrow_answers_as_pandas_isin():
    from lebongbisa.targeting.households import among

    keys = pd.Index(["h1", np.nan, "h3", None, "h5"], dtype=str)
    for members in (
        pd.Series(["h1", None, "h9"], dtype=str),
        pd.Series(["h1", None, "h9"], dtype=object),
        pd.Series(["h5", "h3"], dtype=str),
        pd.Series([], dtype=str),
    ):
        assert list(among(keys, members)) == list(keys.isin(members))
    assert list(among(pd.Index(["a", "b"], dtype=str), pd.Index(["b"]))) == [False, True]
    assert list(among(pd.Index([1, 2]), pd.Series([2]))) == [False, True]  # not text: pandas
