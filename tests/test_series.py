"""Quarter after quarter: "since last quarter" means the immediately preceding quarter, a gap is
named rather than bridged, every quarter's index links every quarter, and in a series a quarter
that fails does not stop the later ones."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest

from lebongbisa import cli, indicators, stages
from lebongbisa.audit import LOG_NAME, RunLog, read_run_log
from lebongbisa.folder import PeriodFolder
from lebongbisa.report import summary
from lebongbisa.runlock import PeriodLocked
from lebongbisa.runner import relink_indexes, write_index


def _quarters_of_tiny(tiny_lebong, data, *periods: str) -> None:
    """The tiny world's DTSEN quarter delivered as each of `periods`: one registry regime
    throughout, so a missing comparison can only come from the gap between quarters."""
    for period in periods:
        shutil.copytree(tiny_lebong / "raw" / "2025Q1", data / "raw" / period)


def test_a_gap_in_the_series_is_named_and_never_bridged(tiny_lebong, tmp_path):
    data, reports = tmp_path / "data", tmp_path / "reports"
    _quarters_of_tiny(tiny_lebong, data, "2024Q3", "2025Q1")  # 2024Q4 missing
    for period in ("2024Q3", "2025Q1"):
        stages.ensure(period, None, data, reports, progress=False)
    f = stages.folder("2025Q1", data, reports)
    ind = indicators.read(f)
    assert len(ind) and not ind.indicator.str.startswith("change_").any()
    assert "change_share_desil1" not in set(ind.indicator)
    S = summary.load(f)
    assert S["prev"] is None and S["previous_missing"] == "2024Q4"
    # the linkage model is not a comparison: it is reused from the latest earlier quarter
    assert json.loads(f.path("link_model").read_text())["reused_from"] == "2024Q3"


def test_every_quarters_index_links_every_quarter_after_a_relink(tmp_path):
    reports = tmp_path / "reports"
    for period in ("2024Q4", "2025Q1", "2025Q2"):
        (reports / period).mkdir(parents=True)
        write_index(period, reports, [], "id")
    first = (reports / "2024Q4" / "index.html").read_text()
    assert "2025Q2/index.html" not in first  # written before the later quarters existed
    relink_indexes(reports)
    for period in ("2024Q4", "2025Q1", "2025Q2"):
        page = (reports / period / "index.html").read_text()
        others = {"2024Q4", "2025Q1", "2025Q2"} - {period}
        assert all(f'href="../{q}/index.html"' in page for q in others), period
        assert f"<b>{period}</b>" in page


def test_in_a_series_a_broken_quarter_does_not_stop_the_later_ones(tiny_lebong, tmp_path):
    data = tmp_path / "data"
    _quarters_of_tiny(tiny_lebong, data, "2024Q4", "2025Q1")
    broken = data / "raw" / "2024Q4" / "sources.yml"
    broken.write_text(broken.read_text() + "  - file: hilang.xlsx\n    kind: dtks\n")
    cmd = [sys.executable, "-m", "lebongbisa.cli", "run", "--all", "--no-notebooks"]
    cmd += ["--data", str(data), "--reports", str(tmp_path / "reports")]
    done = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ))
    assert done.returncode == 2, done.stderr
    assert "2024Q4" in done.stderr and "hilang.xlsx" in done.stderr
    assert "1 of 2 quarters did not complete: 2024Q4" in done.stderr
    assert "Tables for 2025Q1" in done.stdout
    assert PeriodFolder.of("2025Q1", data).path("indicators").exists()


@pytest.mark.world("regime_change")
def test_the_registry_change_is_a_break_marked_in_the_summary_and_no_move_crosses_it(world):
    data, runs = world
    assert all(r.returncode == 0 for r in runs.values())
    f = stages.folder("2025Q1", data, data.parent / "reports")
    tr = summary.trend(f)
    assert list(tr.regime) == ["P3KE", "DTSEN"] and summary.regime_breaks(tr) == [1]
    page = (f.reports / "06_ringkasan.html").read_text(encoding="utf-8")
    assert "mulai 2025Q1 desil berasal dari DTSEN (desil 1–10), sebelumnya dari P3KE" in page
    ind = indicators.read(f)
    moves = ind[ind.indicator.isin(["households_entered_desil1", "households_left_desil1"])]
    assert len(moves) == 2 and moves.value.isna().all() and set(moves.scope_type) == {"kabupaten"}
    churn = ind[ind.indicator.isin(["program_starts", "program_stops"])]
    assert len(churn) and churn.value.isna().all()  # households resolved from other registries


def test_a_household_is_left_out_twice_only_if_desil1_without_a_program_in_both_quarters():
    import pandas as pd

    from lebongbisa.targeting import worklists
    from lebongbisa.targeting.measures import excluded_two_quarters

    now = pd.DataFrame(
        {"household_key": ["a", "b", "c", "d"], "desil": [1, 1, 1, 2], "programs": [0, 0, 1, 0]}
    )
    before = pd.DataFrame(
        {"household_key": ["a", "b", "c"], "desil": [1, 2, 1], "programs": [0] * 3}
    )
    flags = excluded_two_quarters(now, before)
    assert flags.to_dict() == {"a": True, "b": False, "c": False, "d": False}
    listed = pd.DataFrame({"_household": ["a", "b"], "NAMA KEPALA KELUARGA": ["x", "y"]})
    assert list(worklists.left_out_twice(listed, flags)["NAMA KEPALA KELUARGA"]) == ["x"]
    assert worklists.left_out_twice(listed, None).empty


def test_a_household_is_followed_across_quarters_through_a_record_identity():
    """A list record without NIK or KK alone in one quarter and in its registry family the
    next is one household across both; an identity shared by two households is not used."""
    from lebongbisa.series.stage import same_households

    before = pd.DataFrame(
        {
            "household_key": ["solo", "fam", "x1", "x2"],
            "identity_key": ["ani", "budi", "twin", "twin"],
        }
    )
    now = pd.DataFrame(
        {"household_key": ["fam", "fam", "y1"], "identity_key": ["ani", "budi", "twin"]}
    )
    ids_now, ids_before = same_households(now, before)
    assert ids_before["solo"] == ids_before["fam"] == ids_now["fam"]
    assert ids_now["y1"] not in {ids_before["x1"], ids_before["x2"]}
    assert ids_before["x1"] != ids_before["x2"]


def test_a_renamed_program_is_followed_through_its_catalog_aliases():
    import numpy as np
    import pandas as pd

    from lebongbisa.indicators import Collector
    from lebongbisa.series.stage import program_churn

    now = pd.DataFrame({"household_key": ["a", "b", "c"], "receives_BLT-DD": [True, True, False]})
    before = pd.DataFrame({"household_key": ["a", "c"], "receives_BLTDD": [True, True]})
    for entry, followed in (
        ({"code": "BLT-DD", "aliases": ["BLTDD"]}, True),
        ({"code": "BLT-DD"}, False),
    ):
        c = Collector("2025Q2")
        program_churn(now, before, [entry], {"BLT-DD"}, {"BLTDD"}, c)
        t = c.frame().set_index("indicator")
        if followed:  # b started, c stopped, of the 2 earlier recipients
            assert (t.loc["program_starts", "numerator"], t.loc["program_stops", "numerator"]) == (
                1,
                1,
            )
            assert t.loc["program_starts", "denominator"] == 2
        else:  # never compared with another program's list
            assert np.isnan(t.value).all()


def test_a_pilot_that_grows_is_reported_as_growing_coverage_not_as_poverty():
    import pandas as pd

    S = {
        "ind": pd.DataFrame(columns=indicators.COLUMNS),
        "manifest": {"sources": [{"kind": "dtsen", "status": "ok"}]},
        "villages_summary": {"villages_with_records": 41, "villages": 104, "typology": {}},
        "previous_villages_with_records": 20,
    }
    text = " ".join(summary.limits(S, "id"))
    assert "dari 20 menjadi 41 desa" in text and "bukan naik atau turunnya kemiskinan" in text
    S["previous_villages_with_records"] = 41
    assert "menjadi" not in " ".join(summary.limits(S, "id"))


class _Log:
    """A stand-in run log: what the series recorded in it."""

    def __init__(self) -> None:
        self.interrupted: list[str] = []

    def interrupt(self, why: str) -> None:
        self.interrupted.append(why)


def test_an_error_that_stops_a_series_is_recorded_in_the_run_log_of_the_quarter_in_flight(
    monkeypatch, tmp_path
):
    """A quarter whose error stops the series (here: locked by another run) while a later
    quarter computes: the later quarter's run log says it was interrupted, and why, instead
    of being left `running` (read later as killed). The quarters are stand-ins."""
    logs, release = {}, threading.Event()

    def run(period, data, reports, series, **options):
        series.log = logs[period] = _Log()
        if period == "2025Q2":
            raise PeriodLocked("2025Q2 is being processed by another run")
        series.tables.set()  # the next quarter may start
        release.wait(0.5 if period == "2025Q1" else 60)  # the third computes on
        return tmp_path / period

    monkeypatch.setattr(cli, "run_period", run)
    try:
        with pytest.raises(PeriodLocked):
            cli._series(["2025Q1", "2025Q2", "2025Q3"], tmp_path, tmp_path, {}, _reported)
    finally:
        release.set()
    assert logs["2025Q1"].interrupted == [] and logs["2025Q2"].interrupted == []
    (why,) = logs["2025Q3"].interrupted
    assert "another quarter's error" in why and "2025Q2 is being processed" in why


def test_a_run_that_has_ended_keeps_its_outcome_when_the_series_is_interrupted(tmp_path):
    """Ctrl-C just after a quarter's thread wrote `ok` (the thread is still returning, so the
    series counts it in flight): the quarter stays `ok`, with one closing line."""
    log = RunLog(tmp_path, tmp_path, "2024Q4", {})
    log.start()
    log.finish()
    log.interrupt("KeyboardInterrupt: ")
    log.fail(RuntimeError("late"))
    lines = (tmp_path / LOG_NAME).read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["event"] for x in lines] == ["started", "ok"]
    assert read_run_log(tmp_path).status.tolist() == ["ok"]


def _reported(period, result) -> None:
    result()


def test_ctrl_c_in_a_series_is_recorded_in_the_run_log_of_the_quarter_in_flight(
    tiny_lebong, tmp_path
):
    """The quarters of a series run in threads and Ctrl-C reaches the main thread only: the
    series writes the interruption into the run log of the quarter it stopped (here once the
    first quarter has ended, so that only the second is in flight)."""
    data = tmp_path / "data"
    _quarters_of_tiny(tiny_lebong, data, "2024Q4", "2025Q1")
    cmd = [sys.executable, "-m", "lebongbisa.cli", "run", "--all", "--no-notebooks"]
    cmd += ["--until", "03_targeting"]  # the second quarter computes for a few seconds
    cmd += ["--data", str(data), "--reports", str(tmp_path / "reports")]
    proc = subprocess.Popen(cmd, start_new_session=True, stderr=subprocess.PIPE)
    first, second = (PeriodFolder.of(q, data).processed for q in ("2024Q4", "2025Q1"))
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        ended = read_run_log(first).status.tolist()[-1:] == ["ok"]
        if ended and (second / "run_log.jsonl").exists():
            os.killpg(proc.pid, signal.SIGINT)
            break
        time.sleep(0.02)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err.decode()[-2000:]
    assert read_run_log(second).status.iloc[-1] == "interrupted"
    assert read_run_log(first).status.iloc[-1] == "ok"
