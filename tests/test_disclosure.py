"""Small cells safe on every published page: primary and complementary suppression along the
relations a reader can subtract (desa -> kecamatan -> kabupaten, a program -> any program,
a quarter -> the one before), checked by hand and on a whole quarter of the synthetic Lebong."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from lebongbisa import indicators
from lebongbisa.folder import PeriodFolder
from lebongbisa.report import disclosure

KAB = "1707"
D1, D2, D3 = "1707011001", "1707011002", "1707011003"  # three desa of kecamatan 170701
KEC, KEC2, D4 = "170701", "170702", "1707021001"


def _table(rows: list[tuple]) -> pd.DataFrame:
    """(indicator, scope_type, scope_code, value[, denominator]) rows: counts, or rates with
    their numerator and denominator."""
    out = []
    for r in rows:
        name, scope, code, value, *den = r
        if den:
            out.append((name, scope, code, value / den[0], value, den[0]))
        else:
            out.append((name, scope, code, value, value, np.nan))
    cols = ["indicator", "scope_type", "scope_code", "value", "numerator", "denominator"]
    return pd.DataFrame(out, columns=cols).assign(period="2025Q1")


def _desil1(d1: float, d2: float, d3: float, d4: float) -> list[tuple]:
    name = "households_desil1"
    return [
        (name, "desa", D1, d1),
        (name, "desa", D2, d2),
        (name, "desa", D3, d3),
        (name, "desa", D4, d4),
        (name, "kecamatan", KEC, d1 + d2 + d3),
        (name, "kecamatan", KEC2, d4),
        (name, "kabupaten", KAB, d1 + d2 + d3 + d4),
    ]


def _hidden(pub: pd.DataFrame, name: str, scope: str, code: str) -> str:
    return indicators.row(pub, name, scope, code).hidden


def test_a_small_desa_count_hides_its_smallest_neighbour_too():
    ind = _table(_desil1(3, 10, 12, 40))
    pub = disclosure.protect(ind, 5)
    assert _hidden(pub, "households_desil1", "desa", D1) == "small"
    # kecamatan 25 minus 10 and 12 would give 3 back: the 10 goes too, the 12 and totals stay
    assert _hidden(pub, "households_desil1", "desa", D2) == "other"
    assert _hidden(pub, "households_desil1", "desa", D3) == ""
    assert _hidden(pub, "households_desil1", "kecamatan", KEC) == ""
    assert pd.isna(indicators.lookup(pub, "households_desil1", "desa", D2))
    assert disclosure.audit(ind) == {"below_minimum": 1, "recoverable": 1}
    assert disclosure.audit(ind, pub) == {"below_minimum": 0, "recoverable": 0}


def test_a_hidden_kecamatan_is_protected_within_the_kabupaten():
    # kecamatan 170702 holds one desa of 4: small at the desa and the kecamatan alike; the
    # kabupaten minus kecamatan 170701 would give it back, so one more cell goes
    ind = _table(_desil1(6, 10, 12, 4))
    pub = disclosure.protect(ind, 5)
    assert _hidden(pub, "households_desil1", "kecamatan", KEC2) == "small"
    assert (pub.hidden != "").sum() >= 3
    assert disclosure.audit(ind, pub) == {"below_minimum": 0, "recoverable": 0}


def test_when_every_other_part_is_zero_the_total_is_hidden():
    ind = _table(_desil1(3, 0, 0, 40))
    pub = disclosure.protect(ind, 5)
    assert _hidden(pub, "households_desil1", "kecamatan", KEC) != ""
    assert disclosure.audit(ind, pub) == {"below_minimum": 0, "recoverable": 0}


def test_one_program_alone_in_a_desa_hides_with_any_program():
    # P reaches 7 households in D1 and 3 in D2 (small); the 7 is hidden to protect the 3, and
    # in D1, where P alone reaches anyone, "any program" would give the 7 back
    rows = [
        ("recipients_households", "program_desa", f"P:{D1}", 7),
        ("recipients_households", "program_desa", f"P:{D2}", 3),
        ("recipients_households", "program_kecamatan", f"P:{KEC}", 10),
        ("recipients_households", "program", "P", 10),
        ("households", "desa", D1, 30),
        ("households", "desa", D2, 40),
        ("households", "kecamatan", KEC, 70),
        ("coverage_any_program", "desa", D1, 7, 30),
        ("coverage_any_program", "desa", D2, 3, 40),
    ]  # no kecamatan row for "any program": the desa rows are not protected as its parts
    ind = _table(rows)
    pub = disclosure.protect(ind, 5)
    assert _hidden(pub, "recipients_households", "program_desa", f"P:{D1}") == "other"
    assert _hidden(pub, "coverage_any_program", "desa", D1) == "other"
    assert _hidden(pub, "coverage_any_program", "desa", D2) == "small"
    assert disclosure.audit(ind)["recoverable"] >= 1
    assert disclosure.audit(ind, pub) == {"below_minimum": 0, "recoverable": 0}


def test_a_rate_over_a_hidden_count_is_hidden():
    rows = [
        *_desil1(3, 10, 12, 40),
        ("exclusion_error_any_program", "desa", D2, 0, 10),  # 0 of the hidden 10
        ("exclusion_error_any_program", "desa", D3, 6, 12),
    ]
    ind = _table(rows)
    pub = disclosure.protect(ind, 5)
    r = indicators.row(pub, "exclusion_error_any_program", "desa", D2)
    assert r.hidden == "other" and pd.isna(r.denominator) and pd.isna(r.value)
    assert _hidden(pub, "exclusion_error_any_program", "desa", D3) == ""
    assert disclosure.audit(ind, pub) == {"below_minimum": 0, "recoverable": 0}


def test_a_change_is_hidden_when_either_quarter_is():
    before = _table(_desil1(3, 10, 12, 40))
    now = _table(
        [
            *_desil1(8, 10, 12, 40),
            ("change_households_desil1", "desa", D1, 5),
            ("change_households_desil1", "desa", D3, 0),
        ]
    )
    pub = disclosure.protect(now, 5, disclosure.protect(before, 5))
    assert _hidden(pub, "change_households_desil1", "desa", D1) == "other"
    assert _hidden(pub, "change_households_desil1", "desa", D3) == ""
    assert _hidden(pub, "households_desil1", "desa", D1) == ""  # 8 now: shown


def _published_cells(published: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """The counts a published table shows (count rows and the numerators of shown rates)."""
    shown = published[(published.hidden == "") & published.kind.isin(["count", "rate"])]
    return shown[~shown.indicator.str.match(disclosure.NOT_CELLS)]


def test_a_whole_quarter_publishes_no_small_cell_and_none_recoverable(small_report):
    data, _ = small_report
    for period in ("2024Q4", "2025Q1"):
        folder = PeriodFolder.of(period, data).processed
        raw = indicators.read(folder)
        published = disclosure.published(folder, 5)
        before, after = disclosure.audit(raw), disclosure.audit(raw, published)
        assert before["below_minimum"] > 100 and before["recoverable"] > 10, before
        assert after == {"below_minimum": 0, "recoverable": 0}, after
        cells = _published_cells(published, 5)
        assert not cells.numerator.between(1, 4).any()
        # the analysts' indicators.csv keeps the exact counts
        assert len(published) == len(raw) and raw.numerator.between(1, 4).any()


def test_the_briefs_and_the_summary_show_no_hidden_cell(small_report):
    data, reports = small_report
    folder, pages = PeriodFolder.of("2025Q1", data).processed, reports / "2025Q1"
    published = disclosure.published(folder, 5)
    hidden = published[
        (published.hidden != "")
        & (published.scope_type == "program_desa")
        & (published.indicator == "recipients_households")
    ]
    assert "small" in set(hidden.hidden)
    raw = indicators.read(folder).set_index(["indicator", "scope_type", "scope_code"])
    for r in pd.concat([g.head(10) for _, g in hidden.groupby("hidden")]).itertuples():
        program, code = r.scope_code.split(":")
        html = (pages / "desa" / f"{code}.html").read_text(encoding="utf-8")
        row = re.search(rf"<tr><td>{re.escape(program)}</td>(.*?)</tr>", html).group(1)
        shown = "&lt;5" if r.hidden == "small" else "x"
        exact = raw.loc[(r.indicator, r.scope_type, r.scope_code)].value
        assert f">{shown}<" in row and f">{exact:.0f}<" not in row, (code, program)
    summary = (pages / "06_ringkasan.html").read_text(encoding="utf-8")
    assert "Berapa biaya salah sasaran" in summary
    assert "sampai ke keluarga di luar sasaran" in summary
