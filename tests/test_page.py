"""The set-up every stage page shares (lebongbisa.page)."""

from __future__ import annotations

import shutil

import pytest

from lebongbisa.page import open_page


def test_a_page_without_any_delivered_quarter_names_the_folder_it_looked_in(tmp_path):
    data = tmp_path / "data"
    with pytest.raises(FileNotFoundError, match=r"data/raw holds no quarter"):
        open_page("03_targeting", "", data, tmp_path / "reports")


def test_a_page_brings_its_stage_up_to_date_and_says_whether_it_recomputed(tiny_lebong, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(tiny_lebong / "raw", data / "raw")
    page = open_page("01_ingest_clean", "", data, tmp_path / "reports", "en")
    assert page.period == max(p.name for p in (data / "raw").iterdir())
    assert page.recomputed and page.done == {"01_ingest_clean"}
    assert page.folder.path("manifest").exists()
    assert page.say("ya", "yes") == "yes"
    again = open_page("01_ingest_clean", page.period, data, tmp_path / "reports", "id")
    assert not again.recomputed and again.say("ya", "yes") == "ya"
