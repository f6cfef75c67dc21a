"""NIK/KK normalization and validation, table-driven with real-world shapes (domain.md §3.1, §7)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lebongbisa.clean.nik import (
    flag_truncated_column,
    nik_consistency,
    normalize_id,
    validate_kk,
    validate_nik,
)


@pytest.mark.parametrize(
    ("raw", "numeric", "nik", "prefix", "flag"),
    [
        ("1707015811720128", False, "1707015811720128", "1707015811720128", ""),
        ("'1707015811720128", False, "1707015811720128", "1707015811720128", ""),
        (" 1707 0158 1172 0128 ", False, "1707015811720128", "1707015811720128", ""),
        ("1707015811720128.0", False, "1707015811720128", "1707015811720128", ""),
        ("1707015811720120", True, None, "170701581172012", "id_excel_truncated"),
        ("1707015811720121", True, "1707015811720121", "1707015811720121", ""),
        ("1.70701E+15", False, None, "170701", "id_excel_scientific"),
        ("1,70701581172E+15", False, None, "170701581172", "id_excel_scientific"),
        ("170701581172012", False, None, None, "id_length"),
        ("17070158117201281", False, None, None, "id_length"),
        ("17070158X1720128", False, None, None, "id_not_digits"),
        ("", False, None, None, "id_missing"),
        ("-", False, None, None, "id_missing"),
        ("0", False, None, None, "id_missing"),
    ],
)
def test_normalize_id(raw, numeric, nik, prefix, flag):
    out = normalize_id(pd.Series([raw]), np.array([numeric]))
    assert out["id"][0] == nik
    assert out["prefix"][0] == prefix
    assert out["flag"][0] == flag


@pytest.mark.parametrize(
    ("nik", "reason"),
    [
        ("1707015811720128", ""),  # woman born 18-11-1972
        ("1707011811720128", ""),  # man born 18-11-1972
        ("1707010002720128", "nik_day"),
        ("1707013502720128", "nik_day"),  # 32..40 is no day for anyone
        ("1707017502720128", "nik_day"),
        ("1707011813720128", "nik_month"),
        ("1707011811720000", "nik_serial_zero"),
        ("0907011811720128", "nik_region"),
        ("9907011811720128", "nik_region"),
        ("1702011811720128", ""),  # registered in Rejang Lebong: not invalid
    ],
)
def test_validate_nik(nik, reason):
    assert validate_nik(pd.Series([nik]))[0] == reason


def test_validate_kk_checks_registration_date_and_serial():
    kk = pd.Series(["1707012308110192", "1707013308110192", "1707012308110000"])
    assert validate_kk(kk).tolist() == ["", "kk_day", "kk_serial_zero"]


@pytest.mark.parametrize(
    ("nik", "birth", "sex", "flag"),
    [
        ("1707015811720128", "1972-11-18", "P", ""),
        ("1707015811720128", "1972-11-18", "L", "nik_sex_mismatch"),
        ("1707011811720128", "1972-11-19", "L", "nik_birthdate_mismatch"),
        ("1707011811720128", None, "L", ""),
    ],
)
def test_nik_consistency_with_recorded_sex_and_birth_date(nik, birth, sex, flag):
    out = nik_consistency(pd.Series([nik]), pd.Series(pd.to_datetime([birth])), pd.Series([sex]))
    assert out[0] == flag


def test_a_column_where_most_niks_end_in_zero_went_through_excel():
    rng = np.random.default_rng(0)
    honest = pd.Series([f"17070118117201{d:02d}" for d in rng.integers(0, 100, 200)])
    damaged = honest.str[:15] + "0"
    assert not flag_truncated_column(honest)
    assert flag_truncated_column(damaged)


@given(st.text(max_size=40))
def test_normalize_id_never_crashes_and_only_returns_16_digit_ids(s):
    out = normalize_id(pd.Series([s]))
    v = out["id"][0]
    assert v is None or (len(v) == 16 and v.isdigit())
    assert out["flag"][0] in {
        "",
        "id_missing",
        "id_excel_scientific",
        "id_excel_truncated",
        "id_length",
        "id_not_digits",
    }


@given(
    st.dates(
        min_value=pd.Timestamp("1930-01-01").date(), max_value=pd.Timestamp("2024-12-31").date()
    ),
    st.sampled_from(["L", "P"]),
    st.integers(1, 9999),
    st.sampled_from(["170701", "170912"]),
)
def test_every_well_formed_nik_is_valid_and_consistent(d, sex, serial, region):
    day = d.day + (40 if sex == "P" else 0)
    nik = f"{region}{day:02d}{d.month:02d}{d.year % 100:02d}{serial:04d}"
    s = pd.Series([nik])
    assert normalize_id(s)["id"][0] == nik
    assert validate_nik(s)[0] == ""
    assert nik_consistency(s, pd.Series(pd.to_datetime([d])), pd.Series([sex]))[0] == ""
