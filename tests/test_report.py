"""The policymaker summary: Indonesian, free of personal data, complete in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from lebongbisa.report import suppress
from lebongbisa.runner import run_period

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="module")
def rendered(small_ingested, tmp_path_factory):
    reports = tmp_path_factory.mktemp("summary_reports")
    run_period("2024Q4", small_ingested, reports, progress=False)
    run_period("2025Q1", small_ingested, reports, progress=False)
    return small_ingested, reports


def test_small_cells_are_suppressed():
    assert (
        suppress.count(3) == "<5" and suppress.count(0) == "0" and suppress.count(1234) == "1.234"
    )
    assert suppress.rate(0.5, 4) == "–" and suppress.rate(0.125, 40) == "12,5%"


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
    texts = []
    for period in ("2024Q4", "2025Q1"):
        texts += [p.read_text() for p in (reports / period).glob("*.html")]
        texts += [p.read_text() for p in (reports / period).glob("*.ipynb")]
    text = "\n".join(texts)
    upper = text.upper()
    assert not re.search(r"(?<![\d.])\d{16}(?![\d.])", text), "a 16-digit number (NIK/KK) leaked"
    for period in ("2024Q4", "2025Q1"):
        ident = pd.read_parquet(data / "processed" / period / "restricted" / "identity.parquet")
        names = {n for n in ident.name_clean.dropna() if len(n) >= 10 and " " in n}
        assert not [n for n in names if n in upper], "a person's name leaked"
        dates = pd.to_datetime(ident.birth_date.dropna())
        for fmt in ("%d-%m-%Y", "%d/%m/%Y"):
            found = {d for d in dates.dt.strftime(fmt) if d in text}
            assert not found, f"birth dates leaked: {sorted(found)[:3]}"
        kk = {k for k in ident.kk_raw.dropna() if len(k) >= 12}
        assert not [k for k in kk if k in text]
    assert all(p.parent.name == "restricted" for p in reports.rglob("*.xlsx"))


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


def test_changing_min_cell_rerenders_only_the_summary(rendered):
    data, reports = rendered
    out = reports / "2025Q1"
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("0*.html")}
    run_period("2025Q1", data, reports, progress=False, min_cell=10)
    after = {p.name: p.stat().st_mtime_ns for p in out.glob("0*.html")}
    changed = {n for n in after if after[n] != before.get(n)}
    assert changed == {"06_ringkasan.html"}
    assert '"min_cell": 10' in (out / ".06_ringkasan.params.json").read_text()
