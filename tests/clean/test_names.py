"""Name normalization with the variants Indonesian lists carry (domain.md §7)."""

from __future__ import annotations

import pandas as pd
import pytest

from lebongbisa.clean.names import clean_names, name_key


@pytest.mark.parametrize(
    ("raw", "clean", "patronymic"),
    [
        ("Kartini Efendi", "KARTINI EFENDI", ""),
        ("  kartini   efendi ", "KARTINI EFENDI", ""),
        ("H. Ahmad Rasyid", "AHMAD RASYID", ""),
        ("HJ. SITI AISYAH", "SITI AISYAH", ""),
        ("Dr. Ir. Budi Santoso", "BUDI SANTOSO", ""),
        ("Budi Santoso, S.Pd", "BUDI SANTOSO", ""),
        ("M. Yusuf", "MUHAMMAD YUSUF", ""),
        ("MOH.AJIR", "MUHAMMAD AJIR", ""),
        ("Muhamad Rizki", "MUHAMMAD RIZKI", ""),
        ("MOCHAMMAD RIZKI", "MUHAMMAD RIZKI", ""),
        ("ST.MAIMUNAH", "SITI MAIMUNAH", ""),
        ("Abd Kadir", "ABDUL KADIR", ""),
        ("Usman bin Hasan", "USMAN", "HASAN"),
        ("RINA BINTI SLAMET", "RINA", "SLAMET"),
        ("Rahmat", "RAHMAT", ""),
        ("", "", ""),
    ],
)
def test_clean_names(raw, clean, patronymic):
    out = clean_names(pd.Series([raw]))
    assert out["name_clean"][0] == clean
    assert out["patronymic"][0] == patronymic


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("SOEKARNO", "SUKARNO"),
        ("DJOKO", "JOKO"),
        ("TJAHJONO", "CAHJONO"),
        ("SJAHRIAL", "SYAHRIAL"),
        ("ACHMAD", "AKHMAD"),
        ("SAIPPUL", "SAIPUL"),
    ],
)
def test_name_key_equates_old_and_new_spelling(a, b):
    assert name_key(pd.Series([a]))[0] == name_key(pd.Series([b]))[0]
