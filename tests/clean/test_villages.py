"""Village and kecamatan names to Kemendagri codes; Roman numerals compared exactly."""

from __future__ import annotations

import pandas as pd
import pytest

from lebongbisa.clean.villages import match_districts, match_villages


@pytest.mark.parametrize(
    ("raw", "district", "code", "method"),
    [
        ("Semelako II", "", "1707032013", "exact"),
        ("DESA SEMELAKO II", "", "1707032013", "exact"),
        ("Semelako 2", "", "1707032013", "exact"),
        ("semelako ii", "", "1707032013", "exact"),
        ("Semelako III", "", "1707032014", "exact"),
        ("Kel. Pasar Muara Aman", "", "1707011006", "exact"),
        ("1707012002", "", "1707012002", "code"),
        ("17.07.01.2002", "", "1707012002", "code"),
        ("Semelakoo II", "", "1707032013", "fuzzy"),
        ("Tabeak Blau II", "", "1707092005", "exact"),
        ("Pelabai", "", "1707092008", "exact"),  # the desa, not the old kecamatan
        ("Semelako IV", "", None, ""),  # no such village: never the nearest numeral
        ("Jakarta", "", None, ""),
        ("", "", None, ""),
    ],
)
def test_match_villages(raw, district, code, method):
    out = match_villages(pd.Series([raw]), pd.Series([district]))
    assert out["village_code"][0] == code or (code is None and pd.isna(out["village_code"][0]))
    assert out["method"][0] == method


def test_fuzzy_match_prefers_the_recorded_kecamatan():
    out = match_villages(pd.Series(["Tabeak Blauu"]), pd.Series(["170709"]))
    assert pd.isna(out["village_code"][0])  # Tabeak Blau (no numeral) is not in Tubei
    out = match_villages(pd.Series(["Tabeak Blauu II"]), pd.Series(["170709"]))
    assert out["village_code"][0] == "1707092005"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Tubei", "170709"),
        ("PELABAI", "170709"),
        ("Kec. Lebong Utara", "170701"),
        ("LEBONG  UTARA", "170701"),
        ("170712", "170712"),
        ("Curup", None),
    ],
)
def test_match_districts_knows_old_names(raw, code):
    got = match_districts(pd.Series([raw]))[0]
    assert got == code or (code is None and pd.isna(got))
