"""The full-scale synthetic Lebong matches the public figures it is calibrated to (domain.md §8).

Generated once per session (about half a minute): tolerances are those the issue sets.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from lebongbisa.synth import calibration as cal


def _truth(root, period, name):
    return pd.read_parquet(root / "truth" / period / f"{name}.parquet")


def _alive_persons(root, period):
    p = _truth(root, period, "persons")
    return p[p.alive]


def test_population_is_lebongs_size_over_all_104_villages(full_lebong):
    p = _alive_persons(full_lebong, "2024Q1")
    assert abs(len(p) - cal.DEFAULT_PERSONS) / cal.DEFAULT_PERSONS < 0.02
    assert p.village_code.nunique() == 104
    kec = p.village_code.str[:6].value_counts(normalize=True)
    target = pd.Series(cal.KECAMATAN_POPULATION_2024) / sum(cal.KECAMATAN_POPULATION_2024.values())
    assert (kec.reindex(target.index) - target).abs().max() < 0.01


@pytest.mark.parametrize(("period", "year"), [("2024Q1", 2024), ("2025Q1", 2025)])
def test_poverty_rate_matches_bps_within_half_a_point(full_lebong, period, year):
    h = _truth(full_lebong, period, "households")
    rate = (h.poor * h.hh_size).sum() / h.hh_size.sum()
    assert abs(rate - cal.POVERTY_RATE[year]) < 0.005
    extreme = (h.extreme_poor * h.hh_size).sum() / h.hh_size.sum()
    assert 0.005 <= extreme <= 0.015


def test_unemployment_is_near_three_percent(full_lebong):
    p = _alive_persons(full_lebong, "2024Q1")
    lf = p.works | p.unemployed
    assert 0.02 <= p.unemployed[lf].mean() <= 0.04


def test_most_poor_household_heads_work(full_lebong):
    p = _alive_persons(full_lebong, "2024Q1")
    h = _truth(full_lebong, "2024Q1", "households").set_index("household_id")
    heads = p[p.relationship == "KEPALA KELUARGA"]
    poor_heads = heads[heads.household_id.map(h.poor).fillna(False).astype(bool)]
    assert poor_heads.works.mean() > 0.6
    # and poverty is concentrated among informal and agricultural workers
    informal = poor_heads.emp_status.isin([k for k, v in cal.STATUSES.items() if v[1]])
    assert informal[poor_heads.works].mean() > 0.7


def test_dtks_and_program_sizes_are_near_lebongs(full_lebong):
    rows = _truth(full_lebong, "2024Q1", "rows")
    spec = yaml.safe_load((full_lebong / "raw" / "2024Q1" / "sources.yml").read_text())
    by_file = {s["file"]: s for s in spec["sources"]}
    rows["kind"] = rows.source_file.map(lambda f: by_file[f]["kind"])
    rows["program"] = rows.source_file.map(lambda f: by_file[f].get("program"))
    dtks_persons = rows[rows.kind == "dtks"].person_id.nunique()
    assert abs(dtks_persons - 52_268) / 52_268 < 0.10
    progs = rows[rows.kind == "program"]
    units = {
        "PKH": progs[progs.program == "PKH"].household_id.nunique(),
        "BPNT": progs[progs.program == "BPNT"].household_id.nunique(),
        "PBI-JK": progs[progs.program == "PBI-JK"].person_id.nunique(),
    }
    for code, n in units.items():
        assert abs(n - cal.PROGRAM_SIZE[code]) / cal.PROGRAM_SIZE[code] < 0.10, (code, n)


def test_defects_are_present_at_their_configured_rates(full_lebong):
    rows = _truth(full_lebong, "2024Q1", "rows")
    reg = rows[rows.source_file.str.startswith(("DTKS", "p3ke"))]
    d = reg.defects
    invalid = d.str.contains(r"nik_(?:length|day_zero|month_invalid|serial_zero)")
    assert abs(invalid.mean() - cal.DEFECT_RATES["registry"]["invalid_nik"]) < 0.01
    kk = d.str.contains(r"kk_")
    assert abs(kk.mean() - cal.DEFECT_RATES["registry"]["invalid_kk"]) < 0.015
    assert 0.001 <= d.str.contains("nik_duplicate").mean() <= 0.01
    prog = rows[~rows.source_file.str.startswith(("DTKS", "p3ke"))]
    assert abs(prog.defects.str.contains("duplicate_row").mean() - 0.01) < 0.005
    assert prog.defects.str.contains("village_").mean() > 0.15
    blt = prog[prog.source_file.str.startswith("BLT")]
    assert blt.defects.str.contains("excel_truncated").mean() > 0.9
    bpnt = prog[prog.source_file.str.startswith("BPNT")]
    assert abs(bpnt.defects.str.contains("excel_scientific").mean() - 0.25 * 0.93) < 0.03
    # name variants across kinds: titles, Muhammad, bin/binti, old spelling, typos
    for kind in ("title", "muhammad", "bin_binti", "old_spelling", "typo"):
        assert prog.defects.str.contains(kind).any(), kind


def test_dead_persons_remain_listed_in_the_registries(full_lebong):
    rows = _truth(full_lebong, "2025Q1", "rows")
    p = _truth(full_lebong, "2025Q1", "persons").set_index("person_id")
    dead = ~rows.person_id.map(p.alive)
    share = dead[rows.source_file.str.startswith("DTSEN")].mean()
    assert 0.001 < share < 0.03
