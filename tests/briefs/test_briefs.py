"""The area briefs (stage 8): a page for every kecamatan and desa with data, linked from the
area list and to one another, every number read from indicators.csv, in the run's language,
printable on two A4 pages and readable on a phone."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import escape

import pandas as pd
import pytest

from lebongbisa import indicators
from lebongbisa.briefs import content
from lebongbisa.folder import PeriodFolder
from lebongbisa.report import disclosure
from lebongbisa.report.suppress import count, rate

PERIOD = "2025Q1"


@pytest.fixture(scope="module")
def briefs(small_report):
    data, reports = small_report
    return PeriodFolder.of(PERIOD, data).processed, reports / PERIOD


def _chromium(*args: str, tmp_path) -> subprocess.CompletedProcess:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Chromium is needed for this test: apt-get install chromium"
    base = ["--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'p'}"]
    return subprocess.run([chromium, *base, *args], capture_output=True, text=True, timeout=120)


def test_every_area_with_households_has_a_brief_linked_from_the_area_list(briefs):
    processed, reports = briefs
    ind = pd.read_csv(processed / "indicators.csv", dtype={"scope_code": str})
    has = ind[(ind.indicator == "households") & (ind.value > 0)]
    for level in content.LEVELS:
        codes = set(has.scope_code[has.scope_type == level])
        pages = {p.stem for p in (reports / level).glob("*.html")}
        assert codes and pages == codes, level
    listing = (reports / "08_wilayah.html").read_text(encoding="utf-8")
    assert listing.count('href="desa/') == len(list((reports / "desa").glob("*.html")))
    assert 'href="08_wilayah.html"' in (reports / "index.html").read_text(encoding="utf-8")
    desa = (reports / "desa" / "1707011004.html").read_text(encoding="utf-8")
    assert 'href="../kecamatan/170701.html"' in desa and 'href="../06_ringkasan.html"' in desa
    kec = (reports / "kecamatan" / "170701.html").read_text(encoding="utf-8")
    assert 'href="../06_ringkasan.html"' in kec and 'href="../desa/' in kec


def test_a_briefs_numbers_are_those_of_indicators_csv_as_published(briefs):
    processed, reports = briefs
    ind = disclosure.published(processed, 5)  # indicators.csv, small cells hidden
    checked = 0
    for page in sorted((reports / "desa").glob("*.html"))[::7]:
        code, html = page.stem, page.read_text(encoding="utf-8")
        for name in ("households", "persons", "households_desil1"):
            r = indicators.row(ind, name, "desa", code)
            assert f">{escape(count(r.value, hidden=r.hidden))}<" in html, (code, name)
        r = indicators.row(ind, "coverage_any_program", "desa", code)
        assert f">{escape(rate(r.value, r.denominator, hidden=r.hidden))}<" in html, code
        progs = ind[(ind.scope_type == "program_desa") & ind.scope_code.str.endswith(f":{code}")]
        for p in progs[progs.indicator == "coverage"].itertuples():
            program = p.scope_code.split(":")[0]
            row = re.search(rf"<tr><td>{re.escape(program)}</td>(.*?)</tr>", html).group(1)
            assert f">{escape(rate(p.value, p.denominator, hidden=p.hidden))}<" in row, code
        rank = indicators.lookup(ind, "priority_rank", "desa", code)
        if pd.notna(rank):
            assert f"<b>{rank:.0f}</b>" in html, code
        checked += 1
    assert checked >= 10


def test_small_counts_are_suppressed_in_the_briefs(briefs):
    processed, reports = briefs
    ind = pd.read_csv(processed / "indicators.csv", dtype={"scope_code": str})
    small = ind[
        (ind.scope_type == "program_desa")
        & (ind.indicator == "recipients_households")
        & ind.value.between(1, 4)
    ]
    assert len(small)
    for r in small.head(20).itertuples():
        program, code = r.scope_code.split(":")
        html = (reports / "desa" / f"{code}.html").read_text(encoding="utf-8")
        row = re.search(rf"<tr><td>{re.escape(program)}</td>(.*?)</tr>", html).group(1)
        assert ">&lt;5<" in row and f">{r.value:.0f}<" not in row, (code, program)


def test_a_brief_prints_on_at_most_two_a4_pages_and_fits_a_phone(briefs, tmp_path):
    _, reports = briefs
    for page in (reports / "desa" / "1707011004.html", reports / "kecamatan" / "170701.html"):
        pdf = tmp_path / f"{page.stem}.pdf"
        _chromium(
            "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri(), tmp_path=tmp_path
        )
        body = pdf.read_bytes()
        assert 1 <= len(re.findall(rb"/Type\s*/Page(?!s)", body)) <= 2, page.name
        # in a phone-wide frame (390 px) the page is no wider than the frame
        frame = tmp_path / f"{page.stem}_phone.html"
        frame.write_text(
            f'<iframe id="f" src="{page.as_uri()}" width="390" height="800"></iframe><script>'
            "document.getElementById('f').onload = function () {"
            " var d = this.contentDocument.documentElement;"
            " document.title = 'W' + d.scrollWidth + ' ' + d.clientWidth; };</script>",
            encoding="utf-8",
        )
        dom = _chromium(
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
            "--dump-dom",
            frame.as_uri(),
            tmp_path=tmp_path,
        ).stdout
        scroll, client = map(int, re.search(r"<title>W(\d+) (\d+)</title>", dom).groups())
        assert scroll <= client, (page.name, scroll, client)
