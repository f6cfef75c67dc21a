"""Quarantine reasons and row flags: their codes, Indonesian labels and groupings, in one place
for every stage (stage 1 raises them; linkage, targeting, worklists and reports read them).

A row's `reason` in records.parquet is a `;`-separated list of these codes: why it was
quarantined, or the flags raised on an accepted row."""

from __future__ import annotations

import numpy as np
import pandas as pd

#: reasons that quarantine a row (every other code flags an accepted row)
QUARANTINE_REASONS = {
    "total_row",
    "no_identifier",
    "desil_invalid",
    "verification_key_unknown",
    "verification_result_invalid",
}

#: Indonesian labels for quarantine reasons and flags (reports and worklists use these).
REASON_LABELS = {
    "total_row": "baris total (JUMLAH)",
    "no_identifier": "tanpa NIK dan nama",
    "desil_invalid": "desil di luar kode yang sah",
    "nik_missing": "NIK kosong",
    "nik_excel_truncated": "NIK rusak oleh Excel (digit terakhir jadi 0)",
    "nik_excel_scientific": "NIK rusak oleh Excel (format 1,7E+15)",
    "nik_length": "NIK tidak 16 digit",
    "nik_not_digits": "NIK berisi huruf/tanda",
    "nik_region": "kode wilayah NIK tidak sah",
    "nik_day": "tanggal lahir dalam NIK tidak sah",
    "nik_month": "bulan lahir dalam NIK tidak sah",
    "nik_serial_zero": "nomor urut NIK 0000",
    "nik_sex_mismatch": "NIK tidak cocok dengan jenis kelamin",
    "nik_birthdate_mismatch": "NIK tidak cocok dengan tanggal lahir",
    "nik_duplicate_in_source": "NIK sama untuk nama berbeda",
    "kk_invalid": "No KK tidak sah",
    "kk_length": "No KK tidak 16 digit",
    "kk_missing": "No KK kosong",
    "kk_excel_truncated": "No KK rusak oleh Excel",
    "kk_excel_scientific": "No KK rusak oleh Excel (format E+15)",
    "kk_not_digits": "No KK berisi huruf/tanda",
    "sex_unknown": "jenis kelamin tidak dikenal",
    "birth_date_missing": "tanggal lahir kosong",
    "birth_date_invalid": "tanggal lahir tidak mungkin",
    "name_missing": "nama kosong",
    "village_missing": "desa kosong",
    "village_unmatched": "nama desa tidak dikenali",
    "village_fuzzy": "nama desa dicocokkan mendekati",
    "district_mismatch": "desa tidak berada di kecamatan yang tertulis",
    "district_unmatched": "nama kecamatan tidak dikenali",
    "duplicate_row": "baris ganda",
    "duplicate_in_list": "orang yang sama tercatat lebih dari sekali dalam daftar ini",
    "verification_key_unknown": "daftar kembali: KUNCI ORANG tidak cocok dengan daftar terkirim",
    "verification_result_invalid": "daftar kembali: HASIL VERIFIKASI bukan salah satu pilihan",
    "verification_date_invalid": "daftar kembali: tanggal verifikasi tidak terbaca",
}
#: the same labels in English (an English run's pages)
REASON_LABELS_EN = {
    "total_row": "total row (JUMLAH)",
    "no_identifier": "no NIK and no name",
    "desil_invalid": "desil outside the valid codes",
    "nik_missing": "NIK missing",
    "nik_excel_truncated": "NIK damaged by Excel (last digit turned 0)",
    "nik_excel_scientific": "NIK damaged by Excel (1.7E+15 format)",
    "nik_length": "NIK not 16 digits",
    "nik_not_digits": "NIK has letters or signs",
    "nik_region": "NIK region code invalid",
    "nik_day": "birth day in the NIK invalid",
    "nik_month": "birth month in the NIK invalid",
    "nik_serial_zero": "NIK serial number 0000",
    "nik_sex_mismatch": "NIK does not match the sex",
    "nik_birthdate_mismatch": "NIK does not match the birth date",
    "nik_duplicate_in_source": "same NIK for different names",
    "kk_invalid": "KK number invalid",
    "kk_length": "KK number not 16 digits",
    "kk_missing": "KK number missing",
    "kk_excel_truncated": "KK number damaged by Excel",
    "kk_excel_scientific": "KK number damaged by Excel (E+15 format)",
    "kk_not_digits": "KK number has letters or signs",
    "sex_unknown": "sex unknown",
    "birth_date_missing": "birth date missing",
    "birth_date_invalid": "birth date impossible",
    "name_missing": "name missing",
    "village_missing": "village missing",
    "village_unmatched": "village name not recognised",
    "village_fuzzy": "village name matched approximately",
    "district_mismatch": "village not in the kecamatan written",
    "district_unmatched": "kecamatan name not recognised",
    "duplicate_row": "duplicate row",
    "duplicate_in_list": "the same person listed more than once in this list",
    "verification_key_unknown": "returned list: KUNCI ORANG matches no list row sent",
    "verification_result_invalid": "returned list: HASIL VERIFIKASI is none of the choices",
    "verification_date_invalid": "returned list: verification date unreadable",
}
NIK_DAMAGE = {"nik_excel_truncated", "nik_excel_scientific"}
NIK_INVALID = {
    "nik_length",
    "nik_not_digits",
    "nik_region",
    "nik_day",
    "nik_month",
    "nik_serial_zero",
}


def has_flag(reason: pd.Series, flags: set[str]) -> pd.Series:
    """True where a row's reason contains any of `flags`."""
    pattern = r"(?:^|;)(?:" + "|".join(sorted(flags)) + r")(?:;|$)"
    return reason.fillna("").str.contains(pattern, regex=True)


def nik_category(reason: pd.Series) -> pd.Series:
    """valid / excel_damaged / invalid / missing, from a row's flags."""
    cat = np.select(
        [
            has_flag(reason, NIK_DAMAGE),
            has_flag(reason, NIK_INVALID),
            has_flag(reason, {"nik_missing"}),
        ],
        ["excel_damaged", "invalid", "missing"],
        "valid",
    )
    return pd.Series(cat, index=reason.index)
