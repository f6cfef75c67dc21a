"""One translation mechanism: the index, every stage page and the summary follow `lang`."""

from __future__ import annotations

import html
import json
import re

import nbformat
import pytest
import yaml

from lebongbisa import config, stages
from lebongbisa.folder import PeriodFolder
from lebongbisa.i18n import LANG_TAG, LANGS, Translator
from lebongbisa.villages.table import FEATURES

from .language import foreign_lines


def test_every_shared_label_exists_in_every_language():
    labels = yaml.safe_load((config.PACKAGE_DATA_DIR / "labels.yml").read_text(encoding="utf-8"))
    assert labels, "labels.yml is empty"
    for key, texts in labels.items():
        assert set(texts) == set(LANGS), key
        assert all(isinstance(t, str) and t.strip() for t in texts.values()), key


def test_a_translator_speaks_its_language_and_refuses_others():
    say = Translator("en")
    assert say("Keluarga", "Households") == "Households"
    assert Translator("id")("Keluarga", "Households") == "Keluarga"
    assert Translator("id").points(-1.25) == "-1,2 poin"
    assert say.points(2.0) == "+2.0 points"
    assert say.title(stages.BY_NAME["03_targeting"]).startswith("Targeting")
    with pytest.raises(ValueError, match="not supported"):
        Translator("jv")


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture(scope="module")
def english(small_report_en):
    return small_report_en


def test_an_english_run_renders_the_index_every_stage_page_and_the_summary_in_english(english):
    index = english / "index.html"
    page = index.read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "Stages (for analysts)" in page
    assert "Tahapan" not in page and "Semua triwulan" not in page
    expected = {  # a line each page prints in the report's language
        "01_ingest_clean": ("Period 2025Q1:", "Periode 2025Q1:"),
        "02_link": ("Period 2025Q1:", "Periode 2025Q1:"),
        "03_targeting": ("of desil-1 households receive no program", "tidak menerima program"),
        "04_working_poor": ("working-poverty rate", "pekerja hidup dalam keluarga miskin"),
        "05_villages": ("Period 2025Q1:", "Periode 2025Q1:"),
        "06_ringkasan": ("Headline figures", "Angka utama"),
        "07_series": ("quarters processed up to 2025Q1", "triwulan diolah sampai"),
        "08_wilayah": ("area briefs: each kecamatan, then its villages", "ringkasan wilayah"),
    }
    assert set(expected) == {s.name for s in stages.SPECS}  # every page, none skipped
    for name, (english_text, indonesian_text) in expected.items():
        text = _text((english / f"{name}.html").read_text(encoding="utf-8"))
        assert english_text in text, name
        assert indonesian_text not in text, name
    summary = _text((english / "06_ringkasan.html").read_text(encoding="utf-8"))
    assert "Valid NIK" in summary and " nan " not in summary.lower()  # a whole scorecard


def _narrative(name: str) -> dict[str, list[str]]:
    """The headings of a stage notebook's Markdown cells, by language tag."""
    nb = nbformat.read(config.NOTEBOOKS_DIR / stages.BY_NAME[name].notebook, as_version=4)
    out: dict[str, list[str]] = {lang: [] for lang in LANGS}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            heading = cell.source.splitlines()[0]
            out[cell.metadata["tags"][0].removeprefix(LANG_TAG)].append(_plain(heading))
    return out


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[#*`]", " ", html.unescape(text)).split())


def test_every_markdown_cell_of_a_stage_notebook_comes_in_both_languages():
    """Each Markdown cell is tagged with one language, the Indonesian one right before its
    English twin: no narrative without its translation."""
    for spec in stages.SPECS:
        nb = nbformat.read(config.NOTEBOOKS_DIR / spec.notebook, as_version=4)
        tags = [
            [t for t in c.metadata.get("tags", []) if t.startswith(LANG_TAG)]
            for c in nb.cells
            if c.cell_type == "markdown"
        ]
        assert all(len(t) == 1 for t in tags), spec.notebook
        flat = [t[0] for t in tags]
        assert flat == ["lang-id", "lang-en"] * (len(flat) // 2), (spec.notebook, flat)


def test_each_page_tells_its_narrative_in_the_run_language_only(small_report, english):
    """The stage pages of an Indonesian and an English run: every heading of the run's
    language is there, none of the other's."""
    runs = {"id": small_report[1] / "2025Q1", "en": english}
    for spec in stages.SPECS:
        narrative = _narrative(spec.name)
        for lang, folder in runs.items():
            page = _plain(_text((folder / f"{spec.name}.html").read_text(encoding="utf-8")))
            other = next(code for code in LANGS if code != lang)
            missing = [h for h in narrative[lang] if h not in page]
            foreign = [h for h in narrative[other] if h not in narrative[lang] and h in page]
            assert not missing and not foreign, (spec.name, lang, missing, foreign)


def test_no_page_of_a_run_has_a_line_in_the_other_language(small_report, english):
    """Every page linked from the index of an Indonesian and of an English run: no line of
    the other language (tests/language.py's word lists), narrative, printed lines, tables
    and labels alike; the programs' official names are names, not sentences."""
    data, reports = small_report
    runs = {"id": reports / "2025Q1", "en": english}
    manifest = json.loads(PeriodFolder.of("2025Q1", data).path("manifest").read_text())
    names = tuple(p["name"] for p in manifest["programs"])
    found = {}
    for lang, folder in runs.items():
        briefs = sorted((folder / "kecamatan").glob("*.html")) + sorted(
            (folder / "desa").glob("*.html")
        )
        assert len(briefs) > 50, lang  # the area briefs are linked pages too
        pages = [folder / f"{name}.html" for name in ["index", *(s.name for s in stages.SPECS)]]
        for path in pages + briefs:
            lines = foreign_lines(path.read_text(encoding="utf-8"), lang, names)
            if lines:
                found[lang, path.relative_to(folder).as_posix()] = lines
    assert not found, found


#: pages whose tables head their columns by label, with columns each must show
LABELLED_PAGES = {
    "01_ingest_clean": ("rows_read", "nik_valid", "what_to_fix"),
    "02_link": ("linked", "not_found", "low_confidence"),
    "03_targeting": ("code", "target_rule", "district_name", "rows"),
    "05_villages": ("village_name", "priority_index", "rank_p95"),
    "04_working_poor": ("working_poverty_rate", "ame", "village_effect"),
    "07_series": ("households_desil1", "not_computable"),
}


def test_the_stage_pages_head_their_tables_in_the_run_language(small_report, english):
    """Pages 01 to 05 and 07 show their tables' columns by their labels
    (`Translator.columns`, `villages.table.labelled`), not by their codes."""
    labels = yaml.safe_load((config.PACKAGE_DATA_DIR / "labels.yml").read_text(encoding="utf-8"))
    codes = {key.removeprefix("col_") for key in labels if key.startswith("col_")} | set(FEATURES)
    for lang, folder in {"id": small_report[1] / "2025Q1", "en": english}.items():
        say = Translator(lang)
        for name, expected in LABELLED_PAGES.items():
            page = (folder / f"{name}.html").read_text(encoding="utf-8")
            heads = {_plain(_text(h)) for h in re.findall(r"(?s)<th[^>]*>(.*?)</th>", page)}
            assert not heads & codes, (lang, name, sorted(heads & codes))
            assert {say.column(c) for c in expected} <= heads, (lang, name)
