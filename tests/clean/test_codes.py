"""Coded values to canonical categories (P3KE labels and Regsosek codes)."""

from __future__ import annotations

import pandas as pd
import pytest

from lebongbisa.clean import codes


@pytest.mark.parametrize(
    ("raw", "sex"),
    [
        ("L", "L"),
        ("LAKI-LAKI", "L"),
        ("Laki-laki", "L"),
        ("1", "L"),
        ("P", "P"),
        ("PEREMPUAN", "P"),
        ("2", "P"),
        ("Perempuan", "P"),
        ("x", None),
        ("", None),
    ],
)
def test_sex(raw, sex):
    got = codes.sex(pd.Series([raw]))[0]
    assert got == sex or (sex is None and pd.isna(got))


@pytest.mark.parametrize(
    ("raw", "status", "informal"),
    [
        ("BERUSAHA SENDIRI", "own_account", True),
        ("1", "own_account", True),
        ("6", "casual_agriculture", True),
        ("PEKERJA BEBAS", "casual", True),
        ("BURUH/KARYAWAN/PEGAWAI", "employee", False),
        ("5", "government", False),
        ("PEKERJA KELUARGA/TIDAK DIBAYAR", "unpaid_family", True),
        ("8", "unpaid_family", True),
    ],
)
def test_employment_status_and_bps_informality(raw, status, informal):
    s = codes.map_codes(pd.Series([raw]), "employment_status")["value"]
    assert s[0] == status
    assert bool(codes.informal(s)[0]) is informal


@pytest.mark.parametrize(
    ("raw", "sector"),
    [
        ("PETANI", "agriculture"),
        ("03", "agriculture"),
        ("3", "agriculture"),
        ("07", "mining"),
        ("PEDAGANG", "trade"),
        ("20", "government"),
        ("PNS/TNI/POLRI", "government"),
    ],
)
def test_sector(raw, sector):
    assert codes.sector(pd.Series([raw]))[0] == sector


@pytest.mark.parametrize(
    ("raw", "allowed", "desil", "valid"),
    [
        ("1", range(1, 5), 1, True),
        ("4", range(1, 5), 4, True),
        ("5", range(1, 5), None, False),
        ("x", range(1, 5), None, False),
        ("Desil 3", range(1, 5), 3, True),
        ("10", range(1, 11), 10, True),
        ("0", range(1, 11), None, False),
        ("", range(1, 5), None, True),
    ],
)
def test_desil(raw, allowed, desil, valid):
    out = codes.desil(pd.Series([raw]), allowed)
    assert (pd.isna(out["desil"][0]) and desil is None) or out["desil"][0] == desil
    assert bool(out["valid"][0]) is valid


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("600000", 600000),
        ("Rp 600.000", 600000),
        ("600,000", 600000),
        ("600000.0", 600000),
        ("1.500.000,50", 1500000.5),
        ("", None),
    ],
)
def test_rupiah(raw, value):
    got = codes.rupiah(pd.Series([raw]))[0]
    assert (pd.isna(got) and value is None) or got == value


def test_works_from_occupation():
    out = codes.works_from_occupation(pd.Series(["PETANI", "TIDAK/BELUM BEKERJA", "PENSIUNAN", ""]))
    assert out.tolist()[:3] == [True, False, False] and pd.isna(out[3])


def test_education_levels():
    out = codes.education_level(pd.Series(["TAMAT SD", "TAMAT SLTA", "TAMAT PT/AKADEMI", "?"]))
    assert out.tolist()[:3] == [2, 4, 5] and pd.isna(out[3])
