"""The quarterly runner: notebooks executed with papermill, HTML without code, an index,
cached stages, and failures that name the notebook and the cell."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest

from lebongbisa import config, stages
from lebongbisa.folder import PeriodFolder
from lebongbisa.kernels import KernelPool
from lebongbisa.runner import SeriesTurn, StageFailed, in_background, run_period

from .privacy_scan import personal_data_found

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report(small_report):
    data, reports = small_report
    return reports / "2025Q1" / "index.html", reports, data


def test_run_writes_notebook_html_and_index(report):
    index, reports, _ = report
    out = reports / "2025Q1"
    assert (out / "01_ingest_clean.ipynb").exists()
    html = (out / "01_ingest_clean.html").read_text()
    assert "Rekonsiliasi per sumber" in html and "<img" in html
    assert "hl-ipython3" not in html and "import pandas" not in html  # no code
    for page in out.glob("*.html"):  # no warnings, errors or stderr in what readers see
        text = page.read_text()
        assert not re.search(r"\w+Warning:", text) and "Traceback" not in text, page.name
        assert 'data-mime-type="application/vnd.jupyter.stderr"' not in text, page.name
    assert "cdnjs" not in html and "mathjax" not in html.lower()
    page = index.read_text()
    assert (
        'href="01_ingest_clean.html"' in page
        and 'href="02_link.html"' in page
        and "restricted" not in page.split("<ul>")[1]
    )


def test_rendered_reports_contain_no_personal_data(report):
    _, reports, data = report
    files = [p for p in (reports / "2025Q1").glob("*") if p.suffix in (".html", ".ipynb")]
    ident = PeriodFolder.of("2025Q1", data).path("identity")
    assert personal_data_found(files, [ident]) == []


def test_second_run_reuses_unchanged_stages(report):
    index, reports, data = report
    nb = reports / "2025Q1" / "01_ingest_clean.ipynb"
    before = nb.stat().st_mtime_ns
    run_period("2025Q1", data, reports, progress=False)
    assert nb.stat().st_mtime_ns == before
    done = json.loads((reports / "2025Q1" / ".stages.json").read_text())["done"]
    assert len(done) == len(stages.SPECS)
    assert {d["label"] for d in done} == {"dipakai ulang (input tidak berubah)"}, done
    assert index.read_text().count("dipakai ulang") == len(stages.SPECS) - 1  # summary: lead


def test_a_failing_notebook_names_itself_and_the_cell(small_ingested, tmp_path, monkeypatch):
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("period = ''", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise ValueError('kolom hilang')"),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, nbdir / "01_ingest_clean.ipynb")
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", nbdir)
    with pytest.raises(
        StageFailed,
        match=r"01_ingest_clean.ipynb failed in cell 4: ValueError: "
        r"kolom hilang",
    ):
        run_period(
            "2025Q1", small_ingested, tmp_path / "rep", until="01_ingest_clean", progress=False
        )
    assert (tmp_path / "rep" / "2025Q1" / "01_ingest_clean.ipynb").exists()


def test_committed_notebooks_have_parameters_and_no_outputs():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in code), path
        assert not any(c.get("outputs") or c.get("execution_count") for c in code), path


def test_the_committed_summary_notebook_passes_nbval_with_its_default_parameters(
    small_targeted, tmp_path
):
    """The analyst's path: the summary notebook, as committed (empty parameters: the latest
    quarter of the project's data folder), runs cleanly under nbval. Every stage notebook is
    executed by papermill in this suite (`small_report`, the scenario worlds); the summary is
    the one that reads every other stage's outputs. The project's folders hold the session's
    linked and targeted small Lebong: the notebook brings the later stages up to date."""
    name = "06_ringkasan.ipynb"
    home = small_targeted[0].parent
    env = {**os.environ, "LEBONGBISA_HOME": str(home)}
    copy = tmp_path / name
    shutil.copy(ROOT / "notebooks" / name, copy)
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--nbval-lax", "-p", "no:cacheprovider", str(copy)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert res.returncode == 0, res.stdout[-3000:]
    assert " passed" in res.stdout


def _notebook(path: Path, *cells: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("period = ''", metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


def test_pages_share_a_kernel_but_no_variable_option_or_figure_leaks_between_them(
    small_ingested, tmp_path, monkeypatch
):
    """One kernel renders the pages in turn (kernels.KernelPool), from quarter to quarter:
    every page after the first runs in the same process as the first, yet sees none of its
    variables, imports, pandas options or open figures, and sees the environment of the run
    it renders for."""
    import lebongbisa.runner as runner

    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    pids = tmp_path / "pids.txt"
    record = (
        f"import os\nopen({str(pids)!r}, 'a')"
        ".write(f\"{os.getpid()} {os.environ.get('PROBE', '-')}\\n\")"
    )
    _notebook(
        nbdir / "01_ingest_clean.ipynb",
        record,
        "import pandas as pd\nimport matplotlib.pyplot as plt\nleak = 42\n"
        "pd.set_option('display.max_rows', 3)\nplt.figure()",
    )
    clean = (
        "assert 'leak' not in dir() and 'pd' not in dir() and 'plt' not in dir()\n"
        "import pandas as pd\nimport matplotlib.pyplot as plt\n"
        "assert pd.get_option('display.max_rows') == 60\nassert plt.get_fignums() == []"
    )
    for name in ("02_link", "03_targeting"):
        _notebook(nbdir / f"{name}.ipynb", record, clean)
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", nbdir)
    monkeypatch.setattr(runner, "RENDER_WORKERS", 1)
    with KernelPool(nbdir) as kernels:  # as `run --all` lends its kernels to every quarter
        for period, probe in (("2024Q4", "-"), ("2025Q1", "second")):
            monkeypatch.setenv("PROBE", probe)
            run_period(
                period,
                small_ingested,
                tmp_path / "rep",
                until="03_targeting",
                progress=False,
                kernels=kernels,
            )
    seen = [line.split() for line in pids.read_text().splitlines()]
    assert len(seen) == 6 and len({pid for pid, _ in seen}) == 1, seen  # one kernel, 2 quarters
    assert [probe for _, probe in seen] == ["-"] * 3 + ["second"] * 3  # each run's environment


def test_a_changed_notebook_renders_its_page_again_and_only_that_page(
    small_ingested, tmp_path, monkeypatch
):
    """An upgrade that changes a notebook and no stage: its page is rendered again on the
    next run, the others are kept."""
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    names = ("01_ingest_clean", "02_link")
    for name in names:
        _notebook(nbdir / f"{name}.ipynb", "x = 1")
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", nbdir)
    out = tmp_path / "rep" / "2025Q1"

    def run() -> dict[str, int]:
        run_period("2025Q1", small_ingested, tmp_path / "rep", until="02_link", progress=False)
        return {n: (out / f"{n}.html").stat().st_mtime_ns for n in names}

    before = run()
    assert run() == before  # nothing changed: nothing rendered
    _notebook(nbdir / "02_link.ipynb", "x = 2")
    after = run()
    assert after["01_ingest_clean"] == before["01_ingest_clean"]
    assert after["02_link"] != before["02_link"]


def test_a_lent_kernels_client_is_ready_once_its_own_request_is_answered(kernels, tmp_path):
    """A page's kernel client does not wait 0.2 s for a silent IOPub (kernels._ready_client):
    it is ready when its kernel_info request's idle status arrives, with nothing of it left on
    IOPub, and the kernel runs code at once."""
    import asyncio
    from queue import Empty

    async def check(km) -> None:
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=30)
            with pytest.raises(Empty):  # the request's busy and idle were consumed
                await kc.iopub_channel.get_msg(timeout=0.3)
            reply = await kc.execute_interactive("x = 1", timeout=30, output_hook=lambda m: None)
            assert reply["content"]["status"] == "ok"
        finally:
            kc.stop_channels()

    with kernels.kernel(tmp_path / "kernel.log") as km:
        assert type(km.client()).__name__ == "ReadyClient"
        asyncio.run(check(km))


def _output(km, code: str) -> str:
    """What `code` prints in the kernel of `km`."""
    import asyncio

    async def run() -> str:
        kc = km.client()
        kc.start_channels()
        out: list[str] = []

        def hook(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])

        try:
            await kc.wait_for_ready(timeout=30)
            await kc.execute_interactive(code, timeout=30, output_hook=hook)
        finally:
            kc.stop_channels()
        return "".join(out)

    return asyncio.run(run())


def test_a_kernel_started_ahead_has_the_notebooks_imports_done_and_is_the_one_lent(tmp_path):
    """`warm` starts the kernels a run will render with while its stages compute: the modules
    its notebooks import are imported there (one that fails to import is left to its page),
    and a page asking for a kernel meanwhile waits for that kernel instead of starting
    another; the page still sees a fresh namespace."""
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    (nbdir / "broken.py").write_text("raise RuntimeError('a module that fails to import')")
    _notebook(nbdir / "01_a.ipynb", "import colorsys\nfrom email import policy", "%who")
    _notebook(nbdir / "01_c.ipynb", "import broken")  # fails in its page, as it would have
    _notebook(nbdir / "02_b.ipynb", "from xml.dom.minidom import parseString")
    probe = (
        "import gc, sys\n"
        "print(sorted(m for m in ('colorsys', 'email.policy', 'xml.dom.minidom', 'tabnanny',"
        " 'broken')"
        " if m in sys.modules), gc.get_freeze_count() > 0, [v for v in dir() if 'warm' in v])"
    )
    with KernelPool(nbdir) as pool:
        pool.warm(1, tmp_path / "kernel.log")
        with pool.kernel(tmp_path / "kernel.log") as km:
            seen = _output(km, probe)
        assert len(pool._started) == 1  # the page waited for the warm kernel
        pool.warm(1, tmp_path / "kernel.log")  # enough kernels: none more
        assert len(pool._started) == 1 and not pool._warming
    assert seen.strip() == "['colorsys', 'email.policy', 'xml.dom.minidom'] True []"


def test_a_run_with_nothing_to_compute_starts_no_kernel(small_report, tmp_path):
    """The kernels start ahead only when a stage computes: a rerun with nothing changed and
    every page in place starts none."""
    data, reports = small_report
    with KernelPool(config.NOTEBOOKS_DIR) as pool:
        run_period("2025Q1", data, reports, progress=False, kernels=pool)
        assert pool._started == [] and not pool._warming


def test_an_early_page_renders_while_the_later_stages_still_compute(
    tiny_tables, tmp_path, monkeypatch
):
    """Page 01 reads no later stage's table (`early_page`): a later stage sees it rendered
    while it computes. The page of a stage that is not early starts only once every table is
    written, after that later stage, though its own tables were written before."""
    data = tmp_path / "data"
    shutil.copytree(tiny_tables[0], data)  # stage 1 cached: its page is all it needs
    reports = tmp_path / "reports"
    period = stages.latest_period(data / "raw")
    f = PeriodFolder.of(period, data, reports)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    shutil.copy(config.NOTEBOOKS_DIR / "01_ingest_clean.ipynb", notebooks)
    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        }
    )
    nb.cells = [
        nbformat.v4.new_code_cell(
            'period = data_dir = reports_dir = run_config = ""\nlang = "id"',
            metadata={"tags": ["parameters"]},
        ),
        nbformat.v4.new_code_cell("print('not early')"),
    ]
    nbformat.write(nb, notebooks / "01b_not_early.ipynb")
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", notebooks)
    seen: dict[str, object] = {}

    def waits_for_page_01(folder: PeriodFolder) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not f.stage_page("01_ingest_clean").exists():
            time.sleep(0.2)
        seen["01 rendered"] = f.stage_page("01_ingest_clean").exists()
        seen["ended"] = datetime.now(UTC)

    added = [
        (stages.StageSpec("01b_not_early", "Uji", "Test", lambda folder: None), "01_ingest_clean"),
        (stages.StageSpec("01c_waits", "Uji", "Test", waits_for_page_01), "01b_not_early"),
    ]
    for spec, after in added:
        stages.register(spec, after)
    try:
        run_period(period, data, reports, progress=False, until="01c_waits",
                   pages=["01_ingest_clean", "01b_not_early"])  # fmt: skip
    finally:
        for spec, _ in added:
            stages.unregister(spec.name)
    assert seen["01 rendered"]
    started = nbformat.read(f.stage_notebook("01b_not_early"), as_version=4).metadata.papermill
    assert datetime.fromisoformat(started.start_time) > seen["ended"]


def test_in_a_series_only_the_store_rebuilding_stage_waits_for_the_previous_quarter():
    previous: Future = Future()
    turn = SeriesTurn(previous=previous)
    turn.before("03_targeting")  # at once: nothing of it is read by the previous pages
    waiting = threading.Thread(target=turn.before, args=("07_series",))
    waiting.start()
    waiting.join(0.5)
    assert waiting.is_alive(), "the series stage did not wait for the previous quarter"
    previous.set_result(None)
    waiting.join(5)
    assert not waiting.is_alive()


def test_a_quarter_in_the_background_gives_its_result_or_its_error():
    assert in_background(sum, [1, 2]).result(timeout=5) == 3
    with pytest.raises(StageFailed, match="broken"):
        in_background(_raises, StageFailed("broken")).result(timeout=5)


def _raises(exc: BaseException) -> None:
    raise exc
