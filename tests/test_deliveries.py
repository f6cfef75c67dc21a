"""What offices do on an ordinary day never breaks a quarter: files in subfolders found by
`init`, deliveries of every shape (a few rows, one village, a list whose every row is
unusable, formats mixed within a kind) end refused with a named fix or with a summary, and a
stage or notebook that fails still leaves a summary page and an index."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from lebongbisa import stages
from lebongbisa.cli import main
from lebongbisa.folder import PeriodFolder
from lebongbisa.runner import FAIL_NOTEBOOK_VARIABLE
from lebongbisa.synth.shapes import SHAPES, reshape

from .worlds import DELIVERY_PERIOD as PERIOD
from .worlds import FAILURE_CASES

SUMMARY = next(s.name for s in stages.SPECS if s.last)


@pytest.fixture(scope="module")
def base(tiny_lebong) -> Path:
    """A small default quarter (every kind of source) to reshape."""
    return tiny_lebong / "raw" / PERIOD


def _page(data: Path, stage: str) -> Path:
    return data.parent / "reports" / PERIOD / f"{stage}.html"


@pytest.mark.parametrize("name", list(SHAPES))
def test_every_delivery_shape_is_refused_with_a_fix_or_ends_with_a_summary(shaped, name):
    data, res = shaped[name]
    console = res.stdout + res.stderr
    assert "Traceback" not in console and "Warning:" not in console, console[-2000:]
    manifest = PeriodFolder.of(PERIOD, data).path("manifest")
    if "Nothing was written" in res.stderr:  # refused before writing, the fix named
        assert res.returncode == 2 and "fix:" in res.stderr, res.stderr[-1500:]
        assert not manifest.exists()
        return
    assert res.returncode in (0, 2), res.stderr[-2000:]
    if res.returncode == 2:  # a failed stage is named, the rest completed
        assert "failed" in res.stderr and "run_log.jsonl" in res.stderr
    assert _page(data, SUMMARY).exists() and _page(data, "index").exists()
    for s in json.loads(manifest.read_text())["sources"]:
        assert s["rows_read"] == s["rows_accepted"] + s["rows_quarantined"], s


def test_the_shapes_end_as_their_data_allow(shaped):
    outcome = {name: res.returncode for name, (_, res) in shaped.items()}
    print(outcome)  # the fuzz table of the closing note
    # a registry without its desil column misses a required field: refused, named
    assert outcome["no_desil"] == 2
    assert "`desil`" in shaped["no_desil"][1].stderr
    # every other shape is a valid quarter and completes
    assert {n for n, rc in outcome.items() if rc == 0} == set(SHAPES) - {"no_desil"}
    # the tiny pilot fell back to the packaged linkage model and said so
    info = json.loads(
        PeriodFolder.of(PERIOD, shaped["pilot_lists"][0]).path("link_model").read_text()
    )
    assert info["model_source"] == "default" and "fewer than" in info["model_note"]
    # a list whose every row is unusable is delivered, with every row quarantined
    data = shaped["all_quarantined"][0]
    sources = json.loads(PeriodFolder.of(PERIOD, data).path("manifest").read_text())["sources"]
    spoiled = next(s for s in sources if s["kind"] == "program")
    assert spoiled["rows_read"] > 0 and spoiled["rows_accepted"] == 0
    # files in subfolders are read under their relative paths
    data = shaped["subfolders"][0]
    files = {
        s["file"]
        for s in json.loads(PeriodFolder.of(PERIOD, data).path("manifest").read_text())["sources"]
    }
    assert files and all("/" in f for f in files)


def test_init_proposes_the_files_in_subfolders_and_skips_what_is_not_a_delivery(
    shaped, tmp_path, capsys
):
    src = shaped["subfolders"][0] / "raw" / PERIOD
    folder = tmp_path / "data" / "raw" / PERIOD
    shutil.copytree(src, folder)
    original = yaml.safe_load((folder / "sources.yml").read_text())
    (folder / "sources.yml").unlink()
    (folder / "programs.yml").unlink(missing_ok=True)
    lists = sorted(folder.glob("program/*.csv"))
    (folder / "program" / f"~${lists[0].name}").write_bytes(b"lock")  # Excel's lock file
    (folder / ".DS_Store").write_bytes(b"\0")
    shutil.copy(lists[0], folder / "program" / "salinan.csv")  # the same file twice
    assert main(["init", PERIOD, "--data", str(folder.parents[1])]) == 0
    out = capsys.readouterr().out
    print(out)  # what init says (quoted in the closing note)
    proposed = yaml.safe_load((folder / "sources.yml").read_text())
    kinds = {s["file"]: s["kind"] for s in proposed["sources"]}
    assert set(kinds) == {s["file"] for s in original["sources"]} | {"program/salinan.csv"}
    assert all(kinds[s["file"]] == s["kind"] for s in original["sources"])
    assert f"skipped program/~${lists[0].name}" in out and "skipped .DS_Store (hidden)" in out
    text = (folder / "sources.yml").read_text()
    assert f"same content as {lists[0].relative_to(folder).as_posix()}" in text


def test_a_failing_stage_or_notebook_still_ends_with_a_summary_and_an_index(failure_matrix):
    """The forced-failure matrix (tests/worlds.py `FAILURE_CASES`): each stage's computation,
    then two notebooks, made to fail in turn on the pilot lists; each run exits 2, names the
    failure, and leaves a summary and an index. The case on the default quarter asks for
    every page with stage 05 failing: the others still appear."""
    matrix = {}
    for label, (_, var, stage, _) in FAILURE_CASES.items():
        data, res = failure_matrix[label]
        summary, index = _page(data, SUMMARY), _page(data, "index")
        matrix[label] = (res.returncode, summary.exists(), index.exists())
        assert res.returncode == 2, (label, res.stderr[-1500:])
        assert stage in res.stderr and "Traceback" not in res.stderr, (label, res.stderr[-1500:])
        assert summary.exists() and index.exists(), label
        title = stages.BY_NAME[stage].title_id
        if var != FAIL_NOTEBOOK_VARIABLE or stage == SUMMARY:
            # a failed computation is named in the summary (a failed page only in the index:
            # its tables are fine and the summary still shows them)
            assert title in summary.read_text(encoding="utf-8"), label
        failed = index.read_text(encoding="utf-8").split("Tahap yang gagal")
        assert len(failed) == 2 and title in failed[1], label
    print(matrix)  # the forced-failure matrix of the closing note
    _check_a_failed_stage_in_full(*failure_matrix["default quarter, every page"])
    failed_summary = _page(failure_matrix[f"{FAIL_NOTEBOOK_VARIABLE}={SUMMARY}"][0], SUMMARY)
    assert "Halaman ini dibuat tanpa notebook" in failed_summary.read_text(encoding="utf-8")


def test_a_quarter_of_a_few_rows_links_with_the_default_model(base, tmp_path):
    """Stage 2 on a list of eight rows: no library traceback, the packaged default model."""
    data = tmp_path / "data"
    reshape(base, data / "raw" / PERIOD, SHAPES["pilot_lists"])
    stages.ensure(PERIOD, "02_link", data, tmp_path / "reports")
    f = stages.folder(PERIOD, data, tmp_path / "reports")
    info = json.loads(f.path("link_model").read_text())
    assert info["model_source"] == "default" and not info["trained"]
    records = pd.read_parquet(f.path("records"))
    assert records.person_key.notna().sum() == (records.status == "accepted").sum()


def _check_a_failed_stage_in_full(data: Path, res: subprocess.CompletedProcess) -> None:
    """With every page asked for, a failed stage (05) leaves every other page, an index and
    a summary that name it, its traceback in the run log and no stale table."""
    failed_lines = [line for line in res.stderr.splitlines() if "05_villages" in line]
    assert failed_lines and "run_log.jsonl" in res.stderr
    out = data.parent / "reports" / PERIOD
    for name in ("01_ingest_clean", "02_link", "03_targeting", "04_working_poor", SUMMARY):
        assert (out / f"{name}.html").exists(), name
    assert not (out / "05_villages.html").exists()
    index = (out / "index.html").read_text()
    assert "Tahap yang gagal" in index and "Tipologi desa dan prioritas Desa Binaan" in index
    summary = (out / f"{SUMMARY}.html").read_text()
    assert "gagal dijalankan" in summary and "usulan Desa Binaan" in summary
    handed = json.loads((out / f".{SUMMARY}.params.json").read_text())["failed_stages"]
    assert handed["05_villages"]["status"] == "failed"  # not run a second time for the summary
    log = PeriodFolder.of(PERIOD, data).path("run_log").read_text()
    assert "Traceback" in log and "failure injected" in log
    assert not PeriodFolder.of(PERIOD, data).path("desa_binaan").exists()
