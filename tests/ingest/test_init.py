"""`lebongbisa init`: for every scenario world, a period stripped of its sources.yml gets a
proposal that, with only its marked questions answered, ingests to the same records."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from lebongbisa.cli import main
from lebongbisa.errors import InputError
from lebongbisa.folder import PeriodFolder
from lebongbisa.ingest.propose import QUESTION
from lebongbisa.ingest.stage import ingest_period
from lebongbisa.synth import SCENARIOS, expand_periods

DEFAULT = "default"


@pytest.fixture
def scenario_periods(request, small_ingested, worlds) -> list[tuple[Path, Path]]:
    """The periods of the scenario world the test's `name` names, as the session ran it:
    [(its raw folder, its data folder)]. The default world is the small Lebong."""
    name = request.node.callspec.params["name"]
    if name == DEFAULT:
        return [(small_ingested / "raw" / p, small_ingested) for p in ("2024Q4", "2025Q1")]
    data, _ = worlds(name)
    return [(data / "raw" / p, data) for p in expand_periods(SCENARIOS[name].periods)]


@pytest.fixture(scope="module")
def delivered(small_lebong) -> Path:
    """A period of the default world, as delivered (with its sources.yml)."""
    return small_lebong / "raw" / "2024Q4"


def _answer_questions(proposed: dict, original: dict) -> tuple[dict, int, list[str]]:
    """Fill every "???" from the original sources.yml (the truth); returns the answered
    document, how many questions there were, and the guesses that were wrong."""
    truth = {s["file"]: s for s in original["sources"]}
    asked, wrong = 0, []
    for s in proposed["sources"]:
        t = truth[s["file"]]
        if s["kind"] != t["kind"]:
            wrong.append(f"{s['file']}: kind {s['kind']} (is {t['kind']})")
        if s.get("program") == QUESTION:
            asked += 1
            s["program"] = t["program"]
        elif s.get("program") != t.get("program"):
            wrong.append(f"{s['file']}: program {s.get('program')} (is {t.get('program')})")
    return proposed, asked, wrong


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_init_round_trip_gives_the_same_records_in_every_scenario(
    name, scenario_periods, tmp_path, capsys
):
    results = []
    for folder, data in scenario_periods:
        period = folder.name
        original = yaml.safe_load((folder / "sources.yml").read_text())
        copy = tmp_path / "raw" / period
        shutil.copytree(folder, copy)
        (copy / "sources.yml").unlink()
        assert main(["init", period, "--data", str(copy.parents[1])]) == 0
        proposed = yaml.safe_load((copy / "sources.yml").read_text())
        assert {s["file"] for s in proposed["sources"]} == {s["file"] for s in original["sources"]}
        answered, asked, wrong = _answer_questions(proposed, original)
        assert not wrong, (name, wrong)
        (copy / "sources.yml").write_text(yaml.safe_dump(answered, allow_unicode=True))
        b = ingest_period(copy, tmp_path / "init" / period, progress=False)
        order = ["source_file", "source_row"]  # init lists the files by name
        ran = PeriodFolder.of(period, data).path("rows")  # what the session's run ingested
        ra = pd.read_parquet(ran).sort_values(order, ignore_index=True)
        rb = pd.read_parquet(b.folder / "rows.parquet").sort_values(order, ignore_index=True)
        pd.testing.assert_frame_equal(ra, rb, obj=f"{name} {period} rows.parquet")
        results.append((name, period, len(proposed["sources"]), asked, len(ra)))
    with capsys.disabled():
        print("\ninit round trip (scenario, period, files, questions asked, records equal):")
        for r in results:
            print("  ", *r)


def test_init_never_overwrites_and_names_unreadable_files(delivered, tmp_path, capsys):
    folder = delivered
    copy = tmp_path / "raw" / folder.name
    shutil.copytree(folder, copy)
    before = (copy / "sources.yml").read_bytes()
    assert main(["init", folder.name, "--data", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (copy / "sources.yml").read_bytes() == before
    (copy / "sources.yml").unlink()
    (copy / "rusak.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    assert main(["init", folder.name, "--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "rusak.xlsx" in err and "cannot be read as a spreadsheet" in err
    assert not (copy / "sources.yml").exists()


def test_an_unanswered_question_is_refused_with_the_choices(delivered, tmp_path):
    folder = delivered
    copy = tmp_path / "raw" / folder.name
    shutil.copytree(folder, copy)
    (copy / "sources.yml").unlink()
    assert main(["init", folder.name, "--data", str(tmp_path)]) == 0
    with pytest.raises(InputError) as exc:
        ingest_period(copy, tmp_path / "processed", progress=False)
    unanswered = [p for p in exc.value.problems if "not answered yet" in p.message]
    assert unanswered and all("BLT-DD" in p.fix for p in unanswered)
