"""The policymaker summary: Indonesian, free of personal data, complete in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from lebongbisa.folder import PeriodFolder
from lebongbisa.report import suppress
from lebongbisa.runner import run_period

from .privacy_scan import personal_data_found

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="module")
def rendered(small_report):
    return small_report


def test_small_cells_are_suppressed_and_numbers_follow_the_language():
    assert (
        suppress.count(3) == "<5" and suppress.count(0) == "0" and suppress.count(1234) == "1.234"
    )
    assert suppress.rate(0.5, 4) == "–" and suppress.rate(0.125, 40) == "12,5%"
    assert suppress.count(1234, lang="en") == "1,234" and suppress.count(3, lang="en") == "<5"
    assert suppress.rate(0.125, 40, lang="en") == "12.5%"


def test_model_terms_are_labelled_in_plain_indonesian_and_filtered():
    from lebongbisa.report.summary import headline_terms, term_label

    assert term_label("head works in: agriculture") == "kepala keluarga di sektor pertanian"
    assert term_label("head works in: not working") == "kepala keluarga tidak bekerja"
    assert term_label("has_business") == "memiliki usaha"
    assert term_label("has_business", "en") == "has_business"
    me = pd.DataFrame({"term": ["head works in: mining", "dependency_ratio", "has_business"]})
    assert list(headline_terms(me).term) == ["head works in: mining", "has_business"]


def test_a_change_that_rounds_to_zero_is_not_negative():
    from lebongbisa.report.summary import headline

    ind = pd.DataFrame(
        {
            "indicator": ["working_poverty_rate"],
            "scope_type": "kabupaten",
            "scope_code": "1707",
            "value": [0.19210],
            "numerator": [192.1],
            "denominator": [1000.0],
        }
    )
    prev = ind.assign(value=[0.19211])
    row = headline(ind, prev, "id").iloc[0]
    assert row.iloc[2] == "+0,0 poin"


def test_limits_and_failures_are_said_in_plain_words():
    from lebongbisa import stages
    from lebongbisa.report.summary import failure_notes, limits

    ind = pd.DataFrame(
        {
            "indicator": ["program_list_delivered"] * 2,
            "scope_type": "program",
            "scope_code": ["PKH", "PIP"],
            "value": [1.0, 0.0],
        }
    )
    S = {
        "ind": ind,
        "manifest": {"sources": [{"kind": "program", "status": "ok"}]},
        "model": {"estimated": False, "households": 40},
        "villages_summary": None,
    }
    said = " ".join(limits(S, "id"))
    assert "tidak ada registri" in said and "PIP" in said and "tidak diestimasi" in said
    status = {"05_villages": {"status": "failed", "error": "ValueError: x"}}
    (note,) = failure_notes(stages.failures(status), "id")
    assert "Tipologi desa" in note and "gagal dijalankan" in note and "Desa Binaan" in note


def test_summary_is_in_indonesian_and_shows_changes(rendered):
    _, reports = rendered
    first = (reports / "2024Q4" / "06_ringkasan.html").read_text()
    second = (reports / "2025Q1" / "06_ringkasan.html").read_text()
    assert (
        "Angka utama" in second and "Rekomendasi" in second and "Metode dan keterbatasan" in second
    )
    assert "Belum ada triwulan sebelumnya" in first  # says so instead of showing zeros
    assert "Belum ada triwulan sebelumnya" not in second and "poin" in second
    index = (reports / "2025Q1" / "index.html").read_text()
    assert 'href="06_ringkasan.html"' in index and "restricted" not in index.split("</h1>")[1]
    assert len(second.encode()) < 3_000_000


def test_published_reports_contain_no_personal_data(rendered):
    data, reports = rendered
    periods = ("2024Q4", "2025Q1")
    files = [
        p
        for q in periods
        for p in (reports / q).rglob("*")
        if p.suffix in (".html", ".ipynb") and "restricted" not in p.parts
    ]
    ident = [PeriodFolder.of(q, data).path("identity") for q in periods]
    assert len(files) >= 12 and len([p for p in files if p.parent.name == "desa"]) > 50
    assert personal_data_found(files, ident) == []
    # every workbook sits in a quarter's restricted folder (the fix workbooks one level down)
    books = list(reports.rglob("*.xlsx"))
    assert books and all(p.relative_to(reports).parts[1] == "restricted" for p in books)


def test_summary_loads_in_chromium_with_every_figure(rendered):
    _, reports = rendered
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Chromium is needed for this test: apt-get install chromium"
    page = reports / "2025Q1" / "06_ringkasan.html"
    probe = page.with_name("probe.html")
    script = (
        "<script>window.addEventListener('load',()=>{const i=[...document.images];"
        "document.body.setAttribute('data-images',i.filter(x=>x.complete&&x.naturalWidth>0)"
        ".length+'/'+i.length);});</script></body>"
    )
    probe.write_text(page.read_text().replace("</body>", script))
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={reports / 'chrome-profile'}",
        "--virtual-time-budget=5000",
    ]
    dom = subprocess.run(
        [chromium, *flags, "--enable-logging=stderr", "--v=0", "--dump-dom", probe.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    m = re.search(r'data-images="(\d+)/(\d+)"', dom.stdout)
    assert m, dom.stderr[-2000:]
    loaded, total = int(m.group(1)), int(m.group(2))
    assert total >= 3 and loaded == total  # trend, working-poor chart, map
    assert "Uncaught" not in dom.stderr and ":ERROR:CONSOLE" not in dom.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "ringkasan_2025Q1.png"
    subprocess.run(
        [chromium, *flags, f"--screenshot={shot}", "--window-size=1000,4000", page.as_uri()],
        capture_output=True,
        timeout=120,
    )
    assert shot.exists() and shot.stat().st_size > 20_000

    # on a phone: nothing wider than the screen (wide tables scroll inside themselves)
    phone = page.with_name("probe_phone.html")
    width = (
        "<script>window.addEventListener('load',()=>{document.body.setAttribute('data-width',"
        "document.documentElement.scrollWidth+'/'+window.innerWidth);});</script></body>"
    )
    phone.write_text(page.read_text().replace("</body>", width))
    small = [f for f in flags if f != "--virtual-time-budget=5000"] + ["--window-size=412,900"]
    dom = subprocess.run(
        [chromium, *small, "--virtual-time-budget=3000", "--dump-dom", phone.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    m = re.search(r'data-width="(\d+)/(\d+)"', dom.stdout)
    assert m and int(m.group(1)) <= int(m.group(2)), m and m.group(0)
    subprocess.run(
        [
            chromium,
            *small[:-1],
            f"--screenshot={ARTIFACTS / 'ringkasan_2025Q1_phone.png'}",
            "--window-size=412,2400",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
    )


PAGES_WITH_COUNTS = (
    (3, "targeting"),
    (4, "working_poor"),
    (5, "villages"),
    (6, "ringkasan"),
    (7, "series"),
    (8, "wilayah"),
)


@pytest.mark.last  # leaves the shared report at min_cell 10: no later test reads it
def test_changing_min_cell_rerenders_only_the_pages_that_publish_counts(rendered):
    data, reports = rendered
    out = reports / "2025Q1"
    brief = out / "desa" / "1707011004.html"
    before = {p.name: p.stat().st_mtime_ns for p in [*out.glob("0*.html"), brief]}
    run_period("2025Q1", data, reports, progress=False, min_cell=10)
    after = {p.name: p.stat().st_mtime_ns for p in [*out.glob("0*.html"), brief]}
    changed = {n for n in after if after[n] != before.get(n)}
    # every page from stage 3 on publishes counts; ingest and linkage count rows
    publish = {f"0{i}_{n}.html" for i, n in PAGES_WITH_COUNTS}
    assert changed == publish | {brief.name}
    assert "&lt;10" in brief.read_text(encoding="utf-8")
    assert '"min_cell": 10' in (out / ".06_ringkasan.params.json").read_text()


def test_summary_tables_are_rebuilt_from_indicators_csv(rendered):
    from lebongbisa import indicators
    from lebongbisa.ingest.quality import scorecard, scorecard_from_indicators
    from lebongbisa.report import summary
    from lebongbisa.workpoor.stage import load_model

    data, _ = rendered
    processed = PeriodFolder.of("2025Q1", data).processed
    ind = indicators.read(processed)
    records = pd.read_parquet(processed / "records.parquet")
    clean = pd.read_parquet(processed / "clean.parquet")
    catalog = summary.load(processed)["catalog"]
    direct = scorecard(records, clean, catalog).set_index("dinas").sort_index()
    via = scorecard_from_indicators(ind).set_index("dinas").sort_index()
    pd.testing.assert_frame_equal(via[direct.columns], direct, check_dtype=False)

    me = load_model(processed)["marginal_effects"].set_index("term").sort_index()
    got = summary.marginal_effects(ind).set_index("term").sort_index()
    pd.testing.assert_frame_equal(
        got[["ame", "ci_low", "ci_high"]], me[["ame", "ci_low", "ci_high"]]
    )

    pairs = summary.program_pairs(ind)
    kab = ind[(ind.indicator == "co_receipt_households") & (ind.scope_type == "program_pair")]
    assert list(pairs.scope_code) == list(kab[kab.value >= 5].nlargest(5, "value").scope_code)
    assert len(pairs) and not pairs.scope_code.str.contains(":|Dinas").any()

    top = summary.desa_binaan(ind)
    prio = pd.read_parquet(processed / "desa_binaan.parquet").head(len(top))
    assert list(top["rank"]) == list(prio["rank"])
    assert set(top.village_name) == set(prio.village_name)


def test_summary_in_english_and_styles_for_phone_and_a4(small_report_en, tmp_path):
    page = small_report_en / "06_ringkasan.html"
    html = page.read_text()
    for heading in (
        "Headline figures",
        "How well each program is targeted",
        "Recommendations",
        "Methods and caveats",
        "Proposed Desa Binaan",
        "Data quality by agency",
    ):
        assert heading in html, heading
    assert "Angka utama" not in html and "Rekomendasi" not in html
    assert "@page { size: A4" in html and 'name="viewport"' in html

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Chromium is needed for this test: apt-get install chromium"
    pdf = tmp_path / "summary.pdf"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
    )
    body = pdf.read_bytes()
    sizes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", body)
    assert sizes, "no page in the printed PDF"
    w, h = (float(x) for x in sizes[0])
    assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2  # A4 in points


def test_the_privacy_scan_finds_planted_personal_data(rendered, tmp_path):
    data, _ = rendered
    table = PeriodFolder.of("2025Q1", data).path("identity")
    ident = pd.read_parquet(table)
    person = ident[ident.name_clean.str.len().ge(10) & ident.kk_raw.str.len().ge(16)].iloc[0]
    born = pd.Timestamp(person.birth_date).strftime("%d/%m/%Y")
    for planted, what in (
        (f"<td>{person.name_clean.title()}</td>", "names"),
        (f"<td>lahir {born}</td>", "birth dates"),
        (f"<td>KK {person.kk_raw}</td>", "a 16-digit number"),
    ):
        page = tmp_path / "leak.html"
        page.write_text(f"<html><body><table><tr>{planted}</tr></table></body></html>")
        assert any(f.startswith(what) for f in personal_data_found([page], [table])), what
