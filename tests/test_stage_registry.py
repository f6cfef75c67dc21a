"""Adding a stage is one spec, one notebook and one registration: a dummy stage with a dummy
setting and a dummy artefact, registered through the public mechanism, is run, cached,
rendered, linked from the index and invalidated by its own setting like the built-in stages."""

from __future__ import annotations

import json
import shutil

import nbformat
import pandas as pd
import pytest

from lebongbisa import config, folder, settings, stages
from lebongbisa.folder import PeriodFolder
from lebongbisa.io import write_json
from lebongbisa.runner import run_period

from .worlds import TEST_RUN_YML

NAME = "01b_dummy"


def dummy_stage(f: folder.PeriodFolder, dummy: dict) -> None:
    """Counts stage 1's rows, times the registered setting `dummy.factor`."""
    rows = len(pd.read_parquet(f.path("rows")))
    write_json({"rows_times_factor": rows * dummy["factor"]}, f.path("dummy_result"))


@pytest.fixture
def registered(tmp_path, monkeypatch):
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    shutil.copy(config.NOTEBOOKS_DIR / "01_ingest_clean.ipynb", nbdir)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell(
            'period = ""\ndata_dir = ""\nreports_dir = ""\nlang = "id"\nrun_config = ""',
            metadata={"tags": ["parameters"]},
        ),
        nbformat.v4.new_markdown_cell("## Uji tahap tambahan"),
        nbformat.v4.new_code_cell(
            "import json\nfrom pathlib import Path\n"
            "out = json.loads((Path(data_dir) / 'processed' / period / 'dummy.json').read_text())\n"
            "print('rows times factor:', out['rows_times_factor'])"
        ),
    ]
    nbformat.write(nb, nbdir / f"{NAME}.ipynb")
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", nbdir)
    settings.register_section("dummy", {"factor": 2})
    folder.register("dummy_result", folder.Artefact("dummy.json"))
    spec = stages.StageSpec(
        NAME,
        "Tahap uji",
        "Test stage",
        dummy_stage,
        needs=("01_ingest_clean",),
        reads=("rows",),
        writes=("dummy_result",),
        settings=("dummy",),
    )
    stages.register(spec, after="01_ingest_clean")
    yield
    stages.unregister(NAME)
    folder.unregister("dummy_result")
    settings.EXTRA_SECTIONS.pop("dummy")


def _statuses(processed) -> dict[str, str]:
    last = (processed / "run_log.jsonl").read_text().splitlines()[-1]
    return {s["stage"]: s["status"] for s in json.loads(last)["stages"]}


def test_a_registered_stage_and_setting_behave_like_the_built_in_ones(
    registered, small_lebong, tmp_path
):
    data = tmp_path / "data"
    shutil.copytree(small_lebong / "raw" / "2025Q1", data / "raw" / "2025Q1")
    reports = tmp_path / "reports"
    processed = PeriodFolder.of("2025Q1", data).processed

    index = run_period("2025Q1", data, reports, until=NAME, progress=False)
    rows = len(pd.read_parquet(processed / "rows.parquet"))
    assert json.loads((processed / "dummy.json").read_text()) == {"rows_times_factor": rows * 2}
    assert (reports / "2025Q1" / f"{NAME}.html").exists()
    assert f'href="{NAME}.html"' in index.read_text() and "Tahap uji" in index.read_text()
    assert f"rows times factor: {rows * 2}" in (reports / "2025Q1" / f"{NAME}.html").read_text()

    run_period("2025Q1", data, reports, until=NAME, progress=False)  # cached: nothing to do
    assert set(_statuses(processed).values()) == {"dipakai ulang (input tidak berubah)"}

    run_yml = data / "raw" / "2025Q1" / "run.yml"
    run_yml.write_text(TEST_RUN_YML + "dummy: {factor: 3}\n")  # its setting
    run_period("2025Q1", data, reports, until=NAME, progress=False)
    assert _statuses(processed) == {
        "01_ingest_clean": "dipakai ulang (input tidak berubah)",
        NAME: "dihitung ulang",
    }
    assert json.loads((processed / "dummy.json").read_text()) == {"rows_times_factor": rows * 3}

    # over the full run order, a change of its setting reruns it alone: no built-in stage
    # reads what it writes
    stages.ensure("2025Q1", None, data, reports, progress=False)
    run_yml.write_text(TEST_RUN_YML + "dummy: {factor: 4}\n")
    status = stages.ensure("2025Q1", None, data, reports, progress=False)
    assert {k for k, s in status.items() if s["recomputed"]} == {NAME}

    run_yml.write_text(TEST_RUN_YML + "dummy: {factor: 3, colour: red}\n")
    with pytest.raises(Exception, match="unknown setting `colour`"):
        run_period("2025Q1", data, reports, until=NAME, progress=False)
