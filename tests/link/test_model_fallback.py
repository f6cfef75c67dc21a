"""A model Splink can score with, and the packaged default used when a quarter is too small to
train on."""

from __future__ import annotations

import copy
import json
import shutil

from lebongbisa import stages
from lebongbisa.link import model as fs


def _level(model: dict, comparison: str, label: str) -> dict:
    c = next(c for c in model["comparisons"] if c["output_column_name"] == comparison)
    return next(lvl for lvl in c["comparison_levels"] if lvl.get("label_for_charts") == label)


def test_the_packaged_default_model_is_usable():
    assert fs.usable(fs.default_model())


def test_a_level_never_sampled_is_usable_but_a_zero_probability_or_prior_is_not():
    base = fs.default_model()
    unseen = copy.deepcopy(base)
    _level(unseen, "name_key", "same tokens, other order")["u_probability"] = None
    assert fs.usable(unseen)  # Splink gives a level without u no weight
    zero_u = copy.deepcopy(base)
    _level(zero_u, "name_key", "same tokens, other order")["u_probability"] = 0.0
    assert not fs.usable(zero_u)  # log of zero inside Splink
    no_m = copy.deepcopy(base)
    _level(no_m, "birth_date", "Exact match on birth_date")["m_probability"] = None
    assert not fs.usable(no_m)
    for prior in (0.0, 1.0, None):
        assert not fs.usable({**base, "probability_two_random_records_match": prior})


def test_page_02_says_where_the_model_came_from_in_each_language():
    from lebongbisa.link.diagnostics import model_origin

    tiny = {"model_source": "default", "records": 16, "model_note": "16 records, fewer than…"}
    ind, eng = model_origin(tiny)
    assert "bawaan paket" in ind and "16 baris; minimal 500" in ind and "records" not in ind
    assert "packaged default" in eng and "16 rows" in eng
    ind, eng = model_origin({"model_source": "fallback", "reused_from": "2024Q4", "records": 9000})
    assert ind.startswith("diambil dari 2024Q4") and "tidak menghasilkan model" in ind
    assert (
        model_origin({"model_source": "given", "reused_from": "2024Q4"})[1] == "reused from 2024Q4"
    )


def test_run_yml_can_ask_for_the_packaged_model_instead_of_training(tiny_lebong, tmp_path):
    """`link.model: packaged`: a quarter large enough to train on links with the packaged
    model, untrained, and page 02 says that run.yml asked for it."""
    from lebongbisa.link.diagnostics import model_origin

    data, period = tmp_path / "data", "2025Q1"
    shutil.copytree(tiny_lebong / "raw" / period, data / "raw" / period)
    run_yml = data / "raw" / period / "run.yml"
    run_yml.write_text(run_yml.read_text() + "link: {model: packaged}\n")
    stages.ensure(period, "02_link", data, tmp_path / "reports", progress=False)
    info = json.loads(stages.folder(period, data).path("link_model").read_text())
    assert info["records"] >= fs.MIN_TRAINING_RECORDS  # it could have trained
    assert info["model_source"] == "packaged" and not info["trained"]
    assert info["model"] == fs.default_model()
    ind, eng = model_origin(info)
    assert "`link.model: packaged`" in ind and "`link.model: packaged`" in eng
