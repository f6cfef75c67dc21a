"""The contracts live in the project: docs/deliveries.md and docs/outputs.md are generated from
the package's own tables and up to date, every published indicator is defined, and the two
commands run without make (`python -m lebongbisa`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lebongbisa import contracts, indicators
from lebongbisa.folder import PeriodFolder

ROOT = Path(__file__).resolve().parents[1]


def test_the_contract_documents_are_generated_and_up_to_date():
    assert (ROOT / "docs" / "deliveries.md").read_text() == contracts.deliveries_markdown(), (
        "docs/deliveries.md is stale: run `python -m lebongbisa.contracts`"
    )
    assert (ROOT / "docs" / "outputs.md").read_text() == contracts.outputs_markdown(), (
        "docs/outputs.md is stale: run `python -m lebongbisa.contracts`"
    )


def test_the_deliveries_document_lists_every_header_synonym_and_kind():
    from lebongbisa.kinds import REQUIRED

    text = (ROOT / "docs" / "deliveries.md").read_text()
    for kind in REQUIRED:
        assert f"| `{kind}` |" in text
    for header in ("`NOMOR NIK`", "`NAMA PENERIMA`", "`KELURAHAN DESA`", "`LOKASI`"):
        assert header in text


@pytest.mark.parametrize("name", ["small", "lists_only", "registries_only", "pilot"])
def test_every_published_indicator_is_defined(worlds, name):
    data, runs = worlds(name)
    for period in runs:
        published = set(indicators.read(PeriodFolder.of(period, data).processed).indicator)
        assert contracts.undocumented(published) == set(), (name, period)


def test_an_undefined_indicator_is_caught():
    assert contracts.undocumented({"coverage_desil3", "made_up_rate"}) == {"made_up_rate"}
    # an interval is defined only for the indicators published with one
    assert contracts.undocumented({"inclusion_error_low", "coverage_low", "made_up_high"}) == {
        "coverage_low",
        "made_up_high",
    }


def test_no_pointer_to_a_design_document_outside_the_project():
    hits = [
        str(p.relative_to(ROOT))
        for folder in ("lebongbisa", "docs", "notebooks", "tests", "data", "benchmarks")
        for p in (ROOT / folder).rglob("*")
        if p.is_file()
        and p.suffix in (".py", ".md", ".yml", ".ipynb")
        and p.name != Path(__file__).name
        and "DESIGN.md" in p.read_text(encoding="utf-8", errors="ignore")
    ]
    assert hits == []


@pytest.mark.parametrize("args", [["--help"], ["report", "--help"], ["init", "--help"]])
def test_python_dash_m_lebongbisa_runs_without_make_or_scripts(args):
    res = subprocess.run(
        [sys.executable, "-m", "lebongbisa", *args], capture_output=True, text=True, cwd=ROOT
    )
    assert res.returncode == 0, res.stderr
    assert "usage: lebongbisa" in res.stdout
