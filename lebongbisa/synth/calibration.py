"""Calibration targets and generator assumptions, each with its source (reference: domain.md).

Everything the generator takes from the outside world is here, so `docs/assumptions.md`
and the calibration tests read from one place. `[ASSUMPTION]` marks a guess.
"""

from __future__ import annotations

#: Dukcapil 2024-S1 population by kecamatan code (radarlebong.bacakoran.co/amp/13460).
KECAMATAN_POPULATION_2024 = {
    "170701": 17_609,
    "170702": 6_272,
    "170703": 11_915,
    "170704": 16_080,
    "170705": 5_114,
    "170706": 6_797,
    "170707": 11_387,
    "170708": 9_720,
    "170709": 8_300,
    "170710": 9_411,
    "170711": 5_891,
    "170712": 6_278,
}

#: Default persons: Dukcapil Dec 2024 (cahyadsn/wilayah `wilayah_penduduk.sql`) rounded.
DEFAULT_PERSONS = 115_000

#: BPS Susenas March headcount poverty P0 (fraction of persons). 2025 is not published
#: [ASSUMPTION: 9.9%, following the province's 13.56 -> 12.08 fall, damped].
POVERTY_RATE = {2022: 0.1203, 2023: 0.1115, 2024: 0.1045, 2025: 0.0990, 2026: 0.0950}

#: Garis Kemiskinan Rp/capita/month. 2022 is BPS; later years extrapolated at +5.5%/yr
#: [ASSUMPTION; the 2019-2022 growth averaged 5.3%/yr].
POVERTY_LINE = {2022: 472_738, 2023: 498_739, 2024: 526_170, 2025: 555_109, 2026: 585_640}

#: Extreme poverty line as a share of GK [ASSUMPTION: government estimate ~80% of rural GK
#: is quoted; Rp322,170 in 2021 is 0.73 of GK 2021]. Target share of persons 0.5-1.5%.
EXTREME_LINE_SHARE = 0.62

#: Household size distribution [ASSUMPTION: rural Sumatra, mean ~3.6; poor households are
#: larger because per-capita consumption falls with size].
HOUSEHOLD_SIZE_P = {1: 0.08, 2: 0.16, 3: 0.23, 4: 0.25, 5: 0.15, 6: 0.08, 7: 0.04, 8: 0.01}

#: Open unemployment (TPT) target, BPS Sakernas Aug 2024: 3.16%.
UNEMPLOYMENT_RATE = 0.0316

#: Registry and program sizes as shares of the population (Kemensos, March 2024, domain.md §4):
#: DTKS 52,268 persons; PBI-JK 47,529 persons; PKH 4,734 and BPNT 8,526 families.
DTKS_PERSON_SHARE = 52_268 / 115_000
PROGRAM_SIZE = {  # units per 115,000 persons
    "PKH": 4_734,
    "BPNT": 8_526,
    "PBI-JK": 47_529,
    "BLT-DD": 1_560,  # [ASSUMPTION] ~15 KPM per desa
    "PIP": 3_600,  # [ASSUMPTION] ~15% of school-age children
    "RTLH": 60,  # [ASSUMPTION] houses renovated per quarter
    "UMKM-AID": 650,  # [ASSUMPTION] Disperindagkop-UKM business aid per quarter
    "SAPROTAN": 3_000,  # [ASSUMPTION] Dinas Pertanian farm-input packages per season
}

#: P3KE covers the bottom ~40-45% of households, desil 1-4 (domain.md §3.2).
P3KE_DESIL_CUTS = (0.10, 0.20, 0.31, 0.43)

#: Sector of work: (label, Regsosek 417 code, P3KE Pekerjaan, base share of workers,
#: log productivity effect). Shares [ASSUMPTION: ~55% agriculture; BPS Lebong says most
#: workers are in agriculture, Bengkulu 48% in 2022]. Effects [ASSUMPTION] are the
#: generating truth that the working-poor model (stage 4) must recover in sign.
SECTORS = [
    ("padi", "01", "PETANI", 0.20, -0.10),
    ("hortikultura", "02", "PETANI", 0.08, -0.05),
    ("perkebunan_kopi", "03", "PETANI", 0.22, -0.15),
    ("peternakan", "05", "PETANI", 0.04, -0.05),
    ("tambang_rakyat", "07", "PEKERJA LEPAS", 0.05, -0.08),
    ("perdagangan", "12", "PEDAGANG", 0.14, 0.08),
    ("konstruksi", "09", "PEKERJA LEPAS", 0.07, 0.00),
    ("transportasi", "13", "WIRASWASTA", 0.04, 0.05),
    ("jasa", "19", "PEGAWAI SWASTA", 0.08, 0.10),
    ("pemerintahan", "20", "PNS/TNI/POLRI", 0.08, 0.30),
]

#: Status in employment (Regsosek 418 code, P3KE label, informal, log effect [ASSUMPTION]).
STATUSES = {
    "1": ("BERUSAHA SENDIRI", True, 0.00),
    "2": ("BERUSAHA DIBANTU BURUH TIDAK TETAP/TIDAK DIBAYAR", True, 0.05),
    "3": ("BERUSAHA DIBANTU BURUH TETAP/DIBAYAR", False, 0.35),
    "4": ("BURUH/KARYAWAN/PEGAWAI", False, 0.12),
    "5": ("BURUH/KARYAWAN/PEGAWAI", False, 0.25),  # PNS/TNI/Polri/BUMN
    "6": ("PEKERJA BEBAS", True, -0.20),  # casual, agriculture
    "7": ("PEKERJA BEBAS", True, -0.12),  # casual, non-agriculture
    "8": ("PEKERJA KELUARGA/TIDAK DIBAYAR", True, -0.10),
}

#: Other generating effects on log per-capita consumption [ASSUMPTION].
CONSUMPTION_EFFECTS = {
    "head_not_working": -0.18,
    "head_underemployed": -0.15,  # head worked < 35 hours
    "other_worker_share": 0.45,  # per share of other household members who work
    "dependency_ratio": -0.35,  # (children < 15 + elderly 65+) / household size
    "log_household_size": -0.30,
    "head_education_level": 0.06,  # per level 0..5
    "female_head": -0.06,
    "owns_business": 0.14,
    "owns_land": 0.10,
    "persistent_sd": 0.30,  # household-specific persistent noise
    "quarterly_shock_sd": 0.07,
    "ar": 0.9,
}

#: Planted village types (truth for the stage-5 typology): effect on log consumption
#: and how they shift the sector mix [ASSUMPTION].
VILLAGE_TYPES = {
    "perkotaan": dict(
        effect=0.18, sector_boost={"perdagangan": 2.0, "jasa": 2.0, "pemerintahan": 2.0}
    ),
    "sawah": dict(effect=0.00, sector_boost={"padi": 2.2}),
    "kebun_kopi_terpencil": dict(
        effect=-0.22, sector_boost={"perkebunan_kopi": 2.5, "peternakan": 1.5}
    ),
    "tambang": dict(effect=-0.12, sector_boost={"tambang_rakyat": 4.0, "konstruksi": 1.5}),
}

#: Data-quality defects injected, by source family. Rates come from the audits in domain.md §6-§8
#: (invalid NIK ~5-11%, invalid KK ~10-17%, duplicate NIK 0.1-1%); the others are [ASSUMPTION].
DEFECT_RATES = {
    "registry": dict(
        invalid_nik=0.06,
        invalid_kk=0.12,
        duplicate_nik=0.005,
        missing_nik=0.01,
        name_variant=0.15,
        typo=0.04,
        birth_date_error=0.03,
        missing_birth_date=0.01,
    ),
    "program": dict(
        invalid_nik=0.04,
        missing_nik=0.03,
        name_variant=0.30,
        typo=0.05,
        birth_date_error=0.04,
        village_variant=0.35,
        duplicate_row=0.01,
    ),
    #: files whose NIK column passed through Excel as a number (share of their rows)
    "excel_damage": dict(truncated=1.0, scientific=0.25),
}

#: Quarterly demographic rates [ASSUMPTION; Indonesia CBR ~16/1000, CDR ~7/1000].
DYNAMICS = {
    "birth_per_woman_15_44": 0.06 / 4,
    "death_base": 0.003 / 4,  # under 60
    "death_old": 0.04 / 4,  # 60 and over
    "household_move": 0.005,  # households moving village per quarter
    "kk_split": 0.006,  # adults 20-35 (not head/spouse) leaving to form a household
    "job_change": 0.04,  # persons 15+ whose work is re-drawn per quarter
}

#: Registry lags [ASSUMPTION]: quarters before a change reaches DTKS/DTSEN; chance per
#: quarter that a death is removed.
REGISTRY_LAG_QUARTERS = 2
DEATH_REMOVAL_PER_QUARTER = 0.35
