"""One run configuration: the packaged run.yml, a period's own, a --config file and the command
line, in that order; validated with clear errors; a changed setting recomputes exactly the
stages that use it."""

from __future__ import annotations

import shutil

import pytest
import yaml

from lebongbisa import sections, settings, stages
from lebongbisa.config import PACKAGE_DATA_DIR
from lebongbisa.errors import InputError
from lebongbisa.villages.definitions import DEFAULT_WEIGHTS
from lebongbisa.workpoor.definitions import DEFAULT

from .worlds import TEST_RUN_YML


def test_packaged_defaults_are_the_documented_ones():
    s = stages.load_settings()
    assert s.targeting.uncertainty_draws == 200 and s.desa_binaan.stability_draws == 20
    assert s.desa_binaan_weights == DEFAULT_WEIGHTS
    assert s.working_poor == DEFAULT
    assert (s.link.threshold, s.link.review_lower, s.link.attach_lower) == (0.95, 0.50, 0.80)
    assert (s.report.lang, s.report.min_cell) == ("id", 5)


def test_period_file_then_config_file_then_command_line(tmp_path):
    period = tmp_path / "2025Q1"
    period.mkdir()
    (period / "run.yml").write_text("report: {min_cell: 10}\nlink: {threshold: 0.97}\n")
    extra = tmp_path / "extra.yml"
    extra.write_text("link: {threshold: 0.96}\nworking_poor: {poor_max_desil: 1}\n")
    s = stages.load_settings(period)
    assert s.report.min_cell == 10 and s.link.threshold == 0.97
    s = stages.load_settings(period, extra)
    assert s.link.threshold == 0.96 and s.working_poor.poor_max_desil == 1
    assert s.report.min_cell == 10 and s.link.review_lower == 0.50  # untouched keys stay
    s = stages.load_settings(period, extra, lang="en", min_cell=20)
    assert (s.report.lang, s.report.min_cell) == ("en", 20)
    assert len(s.sources) == 3


def test_a_bad_setting_names_the_file_the_key_and_the_fix(tmp_path):
    bad = tmp_path / "run.yml"
    bad.write_text(
        "link: {treshold: 0.9}\n"
        "working_poor: {poor_max_desil: many}\n"
        "desa_binaan: {weights: {share_desil1: 1, happiness: 2}}\n"
    )
    with pytest.raises(InputError) as exc:
        stages.load_settings(tmp_path)
    text = "\n".join(str(p) for p in exc.value.problems)
    assert "unknown setting `treshold`" in text and "threshold" in text
    assert "`working_poor.poor_max_desil` is 'many'" in text
    assert "unknown indicator `happiness`" in text
    assert str(bad) in text


def test_the_packaged_run_yml_is_written_from_the_declared_sections():
    text = (PACKAGE_DATA_DIR / "run.yml").read_text(encoding="utf-8")
    expected = sections.run_yml(
        [sections.ReportSettings, *stages.declared_sections()], settings.RUN_YML_HEADER
    )
    assert text == expected, "run `python -m lebongbisa.contracts` to rewrite it"
    doc = yaml.safe_load(text)  # every key's default, as the code holds it
    assert doc["link"]["threshold"] == 0.95 and doc["report"]["min_cell"] == 5
    assert doc["desa_binaan"]["weights"] == DEFAULT_WEIGHTS


def test_a_key_that_moved_section_still_works_and_names_its_new_place(tmp_path):
    (tmp_path / "run.yml").write_text("link: {uncertainty_draws: 50}\n")
    with pytest.warns(FutureWarning, match="moved to `targeting.uncertainty_draws`"):
        s = stages.load_settings(tmp_path)
    assert s.targeting.uncertainty_draws == 50
    (tmp_path / "run.yml").write_text(
        "link: {uncertainty_draws: 50}\ntargeting: {uncertainty_draws: 7}\n"
    )
    with pytest.warns(FutureWarning):
        assert stages.load_settings(tmp_path).targeting.uncertainty_draws == 7  # the new place wins


def test_a_target_precision_is_optional_and_checked(tmp_path):
    s = stages.load_settings()
    assert s.link.target_precision is None and s.link.review_budget == 200
    (tmp_path / "run.yml").write_text("link: {target_precision: 0.995, review_budget: 50}\n")
    s = stages.load_settings(tmp_path)
    assert (s.link.target_precision, s.link.review_budget) == (0.995, 50)
    (tmp_path / "run.yml").write_text("link: {target_precision: 0.2}\n")
    with pytest.raises(InputError, match="target_precision"):
        stages.load_settings(tmp_path)


def test_changing_a_setting_recomputes_exactly_the_stages_that_use_it(tiny_tables, tmp_path):
    data, reports = tmp_path / "data", tmp_path / "reports"
    shutil.copytree(tiny_tables[0], data)  # every stage computed by a run with its defaults
    shutil.copytree(tiny_tables[0].parent / "reports", reports)
    run = lambda: stages.ensure("2025Q1", "05_villages", data, reports, progress=False)  # noqa: E731
    assert not any(s["recomputed"] for s in run().values())

    doc = yaml.safe_load(TEST_RUN_YML)  # the world's own settings, then one change at a time
    doc["desa_binaan"]["weights"] = {"share_desil1": 0.5, "housing_deprivation": 0.5}
    (data / "raw" / "2025Q1" / "run.yml").write_text(yaml.safe_dump(doc))
    recomputed = {k for k, s in run().items() if s["recomputed"]}
    assert recomputed == {"05_villages"}

    doc["working_poor"] = {"underemployed_hours": 30}
    (data / "raw" / "2025Q1" / "run.yml").write_text(yaml.safe_dump(doc))
    recomputed = {k for k, s in run().items() if s["recomputed"]}
    assert recomputed == {"04_working_poor", "05_villages"}

    # the draws are read by stage 3 alone: linkage keeps its cache; the stages that read
    # stage 3's tables follow it
    doc["targeting"] = {"uncertainty_draws": 20}
    (data / "raw" / "2025Q1" / "run.yml").write_text(yaml.safe_dump(doc))
    recomputed = {k for k, s in run().items() if s["recomputed"]}
    assert recomputed == {"03_targeting", "04_working_poor", "05_villages"}
