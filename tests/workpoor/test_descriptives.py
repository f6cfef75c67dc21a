"""Working-poverty measures on a population small enough to count by hand."""

from __future__ import annotations

import pandas as pd

from lebongbisa.indicators import Collector, lookup
from lebongbisa.workpoor import descriptives
from lebongbisa.workpoor.persons import employment_persons


def _data():
    acc = pd.DataFrame(
        {
            "person_key": list("abcdefg"),
            "household_key": list("HHHKKLL"),
            "kind": ["dtsen"] * 7,
            "rank": [0] * 7,
            "works": [True, True, False, True, False, True, True],
            "age": [40, 38, 10, 50, 70, 30, 28],
            "relationship": [
                "KEPALA KELUARGA",
                "ISTRI/SUAMI",
                "ANAK",
                "KEPALA KELUARGA",
                "LAINNYA",
                "KEPALA KELUARGA",
                "ISTRI/SUAMI",
            ],
            "sector": ["agriculture", "agriculture", None, "trade", None, "government", "services"],
            "employment_status": [
                "own_account",
                "unpaid_family",
                None,
                "own_account",
                None,
                "government",
                "employee",
            ],
            "informal": [True, True, None, True, None, False, False],
            "hours_worked": [25, 20, None, 50, None, 40, 40],
            "education_level": [2] * 7,
            "sex": list("LPPLPLP"),
            "village_code": ["1707011004"] * 7,
        }
    )
    h = pd.DataFrame(
        {
            "household_key": list("HKL"),
            "desil": pd.array([1, 2, 6], dtype="Int64"),
            "village_code": ["1707011004"] * 3,
        }
    )
    return acc, h


def test_working_poverty_counts_employed_adults_in_poor_households():
    acc, h = _data()
    p = employment_persons(acc, h)
    assert set(p.person_key) == set("abdefg")  # the child is not 15+
    c = Collector("2025Q1")
    descriptives.indicators(c, p)
    ind = c.frame()
    # employed 15+: a, b (H poor), d (K poor), f, g (L not poor) -> 3/5
    assert lookup(ind, "working_poverty_rate") == 3 / 5
    assert lookup(ind, "working_poverty_rate", "desa", "1707011004") == 3 / 5
    # poor households H and K: both heads work
    assert lookup(ind, "poor_households_head_working_share") == 1.0
    # underemployed: a (25 h), b (20 h) of 5 employed with hours
    assert lookup(ind, "underemployment_rate") == 2 / 5
    assert lookup(ind, "informal_share_employed") == 3 / 5
    # what the working poor work in, for the kabupaten and each area: a, b in agriculture,
    # d in trade; f (government) and g (services) work in a household that is not poor
    desa, kec = "1707011004", "170701"
    for scope, code in (("kabupaten", "1707"), ("kecamatan", kec), ("desa", desa)):
        assert lookup(ind, "working_poor_sector_agriculture", scope, code) == 2
        assert lookup(ind, "working_poor_sector_trade", scope, code) == 1
        assert lookup(ind, "working_poor_sector_government", scope, code) == 0
        assert lookup(ind, "working_poverty_rate_sector_services", scope, code) == 0


def test_decomposition_by_head_status():
    acc, h = _data()
    t = descriptives.poor_by_head_status(employment_persons(acc, h)).set_index("head_status")
    assert t.loc["informal", "poor"] == 2 and t.loc["formal", "not_poor"] == 1
    assert t.share_of_poor_households.sum() == 1.0


def test_rates_by_sector():
    acc, h = _data()
    r = descriptives.rates_by(employment_persons(acc, h), "sector").set_index("group")
    assert r.loc["agriculture", "working_poverty_rate"] == 1.0
    assert r.loc["government", "working_poverty_rate"] == 0.0
