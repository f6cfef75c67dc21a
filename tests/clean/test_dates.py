"""Birth dates in every format offices use; impossible dates are flagged, never guessed."""

from __future__ import annotations

import pandas as pd
import pytest

from lebongbisa.clean.dates import parse_dates

ON = pd.Timestamp("2024-06-30")


@pytest.mark.parametrize(
    ("raw", "expected", "flag"),
    [
        ("17/08/1985", "1985-08-17", ""),
        ("17-08-1985", "1985-08-17", ""),
        ("17.08.1985", "1985-08-17", ""),
        ("1985-08-17", "1985-08-17", ""),
        ("1985-08-17 00:00:00", "1985-08-17", ""),
        ("17 Agustus 1985", "1985-08-17", ""),
        ("17-Agu-1985", "1985-08-17", ""),
        ("1 PEBRUARI 1990", "1990-02-01", ""),
        ("3 Nopember 2001", "2001-11-03", ""),
        ("31276", "1985-08-17", ""),  # Excel serial
        ("LEBONG, 17-08-1985", "1985-08-17", ""),  # TTL column
        ("17/08/85", "1985-08-17", ""),
        ("05/03/20", "2020-03-05", ""),
        ("31/02/1990", None, "birth_date_invalid"),
        ("17/13/1985", None, "birth_date_invalid"),
        ("01/01/2030", None, "birth_date_invalid"),  # in the future
        ("01/01/1890", None, "birth_date_invalid"),  # older than 110
        ("kosong", None, "birth_date_invalid"),
        ("", None, "birth_date_missing"),
    ],
)
def test_parse_dates(raw, expected, flag):
    out = parse_dates(pd.Series([raw]), ON)
    got = out["date"][0]
    assert (pd.isna(got) and expected is None) or got == pd.Timestamp(expected)
    assert out["flag"][0] == flag
