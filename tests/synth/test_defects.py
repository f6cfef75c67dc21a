"""Defect injectors produce exactly the damage real offices produce."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lebongbisa.synth import defects as dfx
from lebongbisa.synth.population import make_nik


@pytest.mark.parametrize(
    ("nik", "truncated", "scientific"),
    [
        ("1707015811720128", "1707015811720120", "1.70701E+15"),
        ("1702014507910063", "1702014507910060", "1.70201E+15"),
        ("1707100000000001", "1707100000000000", "1.7071E+15"),
    ],
)
def test_excel_damage_matches_what_excel_shows(nik, truncated, scientific):
    s = pd.Series([nik])
    assert dfx.excel_truncate(s)[0] == truncated
    assert dfx.excel_scientific(s)[0] == scientific


def test_excel_damage_leaves_invalid_values_alone():
    s = pd.Series(["", "12345"])
    assert dfx.excel_truncate(s).tolist() == ["", "12345"]


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("dmy", "17/08/1985"),
        ("dmy-", "17-08-1985"),
        ("iso", "1985-08-17"),
        ("indonesian", "17 Agustus 1985"),
        ("serial", "31276"),
    ],
)
def test_dates_are_written_in_each_office_style(style, expected):
    assert dfx.format_dates(pd.Series(pd.to_datetime(["1985-08-17"])), style)[0] == expected


def test_nik_encodes_birth_date_with_40_added_for_women():
    birth = pd.Series(pd.to_datetime(["1990-03-05", "1990-03-05"]))
    nik = make_nik(pd.Series(["170701", "170701"]), birth, pd.Series(["L", "P"]))
    assert nik[0][6:12] == "050390" and nik[1][6:12] == "450390"
    assert all(len(x) == 16 and x[12:] != "0000" for x in nik)


def test_invalid_nik_rate_and_labels():
    rng = np.random.default_rng(1)
    nik = pd.Series(["1707015811720128"] * 20_000)
    out, lab = dfx.invalid_nik(rng, nik, 0.06, missing_rate=0.02)
    assert abs((lab.str.startswith("nik_") & (lab != "nik_missing")).mean() - 0.06) < 0.006
    assert abs((lab == "nik_missing").mean() - 0.02 * 0.94) < 0.004
    assert (out[lab == ""] == nik[lab == ""]).all()
    assert (out[lab != ""] != nik[lab != ""]).all()


def test_village_variants_keep_roman_numeral_meaning():
    rng = np.random.default_rng(3)
    out, lab = dfx.village_variants(rng, pd.Series(["Semelako II"] * 400), 1.0)
    digits = out[lab == "village_roman_digit"]
    assert len(digits) > 50 and (digits == "Semelako 2").all()
