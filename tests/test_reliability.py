"""Crash safety, one run per period, the run log, keys and clean failures (issue #10).

Interrupted runs: `lebongbisa run` is started as a user would start it and killed (SIGKILL to
its whole process group, or Ctrl-C) at moments spread over the run; the next run must finish
and produce outputs identical to an uninterrupted run. LEBONGBISA_KILL_TRIALS raises the
number of trials (default 2 in the suite, one SIGKILL and one Ctrl-C, on the tiny world; the
closing note of issue #10 reports a longer run).
"""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from lebongbisa import cli, privacy
from lebongbisa.audit import read_run_log
from lebongbisa.folder import PeriodFolder
from lebongbisa.io import atomic_write, sha256_file, write_parquet
from lebongbisa.runlock import PeriodLocked, period_lock

PERIOD = "2025Q1"
SKIP = {"run_log.jsonl", ".run.lock"}


def _outputs(processed: Path) -> dict[str, object]:
    """Every stage output under processed/<period>, comparable across runs."""
    out: dict[str, object] = {}
    for f in sorted(processed.rglob("*")):
        rel = f.relative_to(processed)
        if f.is_dir() or f.name in SKIP or rel.parts[0] == "_stages" or f.name.endswith(".tmp"):
            continue
        if f.suffix == ".parquet":
            out[str(rel)] = pd.read_parquet(f)
        elif f.suffix == ".json":
            out[str(rel)] = json.loads(f.read_text())
        else:
            out[str(rel)] = f.read_bytes()
    return out


def _worklists(restricted: Path) -> dict[str, object]:
    """The by-name worklists and review workbook, by content (xlsx files embed a time)."""
    return {
        f.name: pd.read_excel(f, sheet_name=None, dtype=str, engine="calamine")
        for f in sorted(restricted.glob("*.xlsx"))
    }


def assert_same_outputs(expected: Path, got: Path) -> None:
    a, b = _outputs(expected), _outputs(got)
    for folder, out in ((expected, a), (got, b)):  # restricted worklists beside the reports
        lists = _worklists(folder.parents[2] / "reports" / PERIOD / "restricted")
        assert lists, f"no worklists written for {folder}"
        out |= {f"worklist {k}": v for k, v in lists.items()}
    assert sorted(a) == sorted(b)
    for name, value in a.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, b[name], obj=name)
        elif name.startswith("worklist "):
            assert sorted(value) == sorted(b[name]), name
            for sheet, frame in value.items():
                pd.testing.assert_frame_equal(frame, b[name][sheet], obj=f"{name}/{sheet}")
        else:
            assert value == b[name], name


def _data_copy(world: Path, root: Path) -> Path:
    data = root / "data"
    shutil.copytree(world / "raw" / PERIOD, data / "raw" / PERIOD)
    return data


def _cmd(data: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "lebongbisa.cli",
        "run",
        PERIOD,
        "--data",
        str(data),
        "--reports",
        str(data.parent / "reports"),
        *extra,
    ]


def _raw_checksums(data: Path) -> dict[str, str]:
    return {p.name: sha256_file(p) for p in sorted((data / "raw" / PERIOD).iterdir())}


@pytest.fixture(scope="module")
def reference(tiny_tables):
    """One uninterrupted run of every stage's tables (conftest `tiny_tables`):
    (data folder, seconds)."""
    return tiny_tables


def test_a_run_leaves_the_raw_deliveries_as_they_were(tiny_tables, tiny_lebong):
    assert _raw_checksums(tiny_tables[0]) == _raw_checksums(tiny_lebong), "a run modified raw"


def test_a_run_killed_at_any_moment_is_completed_by_the_next_run_with_identical_outputs(
    reference, tiny_lebong, tmp_path
):
    ref, seconds = reference
    trials = int(os.environ.get("LEBONGBISA_KILL_TRIALS", "2"))
    rng = random.Random(2026)
    outcomes = []
    for i in range(trials):
        data = _data_copy(tiny_lebong, tmp_path / f"trial{i}")
        sig = signal.SIGINT if i % 2 == 1 else signal.SIGKILL
        at = (i + rng.random()) / trials * seconds  # moments spread over the whole run
        proc = subprocess.Popen(
            _cmd(data, "--no-notebooks"),
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(at)
        if proc.poll() is None:
            os.killpg(proc.pid, sig)
        _, err = proc.communicate(timeout=120)
        if sig == signal.SIGINT and proc.returncode == 130:
            assert b"interrupted" in err
            assert (
                read_run_log(PeriodFolder.of(PERIOD, data).processed).status.iloc[-1]
                == "interrupted"
            )
        outcomes.append((sig.name, round(at, 1), proc.returncode))
        subprocess.run(_cmd(data, "--no-notebooks"), check=True, capture_output=True)
        assert_same_outputs(
            PeriodFolder.of(PERIOD, ref).processed, PeriodFolder.of(PERIOD, data).processed
        )
        log = read_run_log(PeriodFolder.of(PERIOD, data).processed)
        assert log.status.iloc[-1] == "ok"
        leftovers = [
            *(data / "processed").rglob("*.tmp"),
            *(data.parent / "reports").rglob("*.tmp"),
        ]
        assert not leftovers, leftovers
    print("interrupted-run trials (signal, seconds, exit code):", outcomes)
    assert any(rc != 0 for _, _, rc in outcomes), "no trial was actually interrupted"


def test_a_run_killed_while_rendering_notebooks_renders_them_on_the_next_run(reference, tmp_path):
    # the reference's tables (and restricted files) copied: every stage is a cache hit
    data = tmp_path / "data"
    shutil.copytree(reference[0], data)
    shutil.copytree(reference[0].parent / "reports", data.parent / "reports")
    # three notebooks, two at a time: when the first page appears, the third is still to run
    until = ["--until", "03_targeting"]
    proc = subprocess.Popen(_cmd(data, *until), start_new_session=True)
    out = data.parent / "reports" / PERIOD
    deadline = time.monotonic() + 300
    while not list(out.glob("0*.html")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert list(out.glob("0*.html")), "no notebook was rendered in time"
    assert not (out / "index.html").exists()
    subprocess.run(_cmd(data, *until), check=True, capture_output=True)
    assert all((out / f"{s}.html").exists() for s in ("01_ingest_clean", "02_link", "03_targeting"))
    index = (out / "index.html").read_text()
    assert "notebook dijalankan ulang" in index and "dihitung ulang" not in index


def test_a_second_run_of_the_same_period_stops_with_a_message_naming_the_first(
    small_lebong, tmp_path, capsys
):
    data = _data_copy(small_lebong, tmp_path)
    processed = PeriodFolder.of(PERIOD, data).processed
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom pathlib import Path\n"
            "from lebongbisa.runlock import period_lock\n"
            f"with period_lock(Path({str(processed / '.run.lock')!r}), {PERIOD!r}):\n"
            "    print('locked', flush=True)\n    time.sleep(120)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        rc = cli.main(["run", PERIOD, "--data", str(data), "--reports", str(tmp_path / "r")])
        err = capsys.readouterr().err
        assert rc != 0
        assert f"another run of {PERIOD} is in progress (process {holder.pid}" in err
        assert "--wait" in err
    finally:
        holder.kill()  # SIGKILL: the kernel releases the lock
        holder.wait()
    with period_lock(processed / ".run.lock", PERIOD):
        pass


def test_wait_retries_for_the_given_seconds_then_gives_up(tmp_path):
    lock = tmp_path / ".run.lock"
    with period_lock(lock, PERIOD):
        t0 = time.monotonic()
        with pytest.raises(PeriodLocked, match="in progress"), period_lock(lock, PERIOD, 1.0):
            pass
        assert time.monotonic() - t0 >= 0.9


def test_a_full_disk_during_a_write_leaves_the_previous_file_and_no_temporary(tmp_path):
    path = tmp_path / "table.parquet"
    good = pd.DataFrame({"a": [1, 2, 3]})
    write_parquet(good, path)

    def fills_the_disk(tmp: Path) -> None:
        tmp.write_bytes(b"PAR1 half a table")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        atomic_write(path, fills_the_disk)
    pd.testing.assert_frame_equal(pd.read_parquet(path), good)
    assert [p.name for p in tmp_path.iterdir()] == ["table.parquet"]


def test_the_run_log_says_which_data_and_parameters_produced_the_outputs(reference):
    data, _ = reference
    processed = PeriodFolder.of(PERIOD, data).processed
    entries = [json.loads(line) for line in (processed / "run_log.jsonl").read_text().splitlines()]
    started, closed = entries[0], entries[-1]
    assert started["event"] == "started" and closed["event"] == "ok"
    assert started["run_id"] == closed["run_id"]
    assert {i["file"]: i["sha256"] for i in started["inputs"]} == _raw_checksums(data)
    assert started["parameters"]["notebooks"] is False and started["version"]
    manifest = json.loads((processed / "manifest.json").read_text())
    for src in manifest["sources"]:
        q = closed["quarantined"][src["file"]]
        assert q["rows_read"] == q["rows_accepted"] + q["rows_quarantined"] == src["rows_read"]
    assert [s["stage"] for s in closed["stages"]][:2] == ["01_ingest_clean", "02_link"]


# --- keys -------------------------------------------------------------------------------


@pytest.fixture
def key_file_only(monkeypatch, tmp_path):
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    path = tmp_path / "cfg" / "key"
    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(path))
    privacy._load_key.cache_clear()
    yield path
    privacy._load_key.cache_clear()


def test_a_generated_key_file_is_owner_only_and_gives_the_same_pseudonyms_later(key_file_only):
    niks = pd.Series(["1707011811720121", None, "1707015102900013"])
    first = privacy.pseudonymize(niks)
    assert stat.S_IMODE(key_file_only.stat().st_mode) == 0o600
    privacy._load_key.cache_clear()  # a later run reads the file again
    pd.testing.assert_series_equal(privacy.pseudonymize(niks), first)
    assert first[1] is None and first[0] != first[2]


def test_an_unreadable_or_short_key_is_a_clear_error(key_file_only):
    key_file_only.mkdir(parents=True)  # a folder where the key file should be
    with pytest.raises(privacy.KeyError_, match="cannot read the pseudonymisation key file"):
        privacy.current_key()
    key_file_only.rmdir()
    key_file_only.write_text("short")
    privacy._load_key.cache_clear()
    with pytest.raises(privacy.KeyError_, match="too short"):
        privacy.current_key()


def test_a_key_problem_is_one_line_with_the_fix_and_debug_shows_the_traceback(
    key_file_only, small_lebong, tmp_path, capsys
):
    key_file_only.mkdir(parents=True)
    data = _data_copy(small_lebong, tmp_path)
    args = ["run", PERIOD, "--data", str(data), "--reports", str(tmp_path / "r"), "--until"]
    rc = cli.main([*args, "01_ingest_clean"])
    err = capsys.readouterr().err
    assert rc == 2
    (line,) = [ln for ln in err.splitlines() if ln.startswith("lebongbisa: error:")]
    assert "cannot read the pseudonymisation key file" in line and "LEBONGBISA_KEY" in line
    assert "Traceback" not in err
    with pytest.raises(privacy.KeyError_):
        cli.main([*args, "01_ingest_clean", "--debug"])
    # a run that cannot start writes nothing, not even its log
    assert not (PeriodFolder.of(PERIOD, data).processed).exists()


def test_new_code_or_a_missing_marker_makes_a_stage_recompute(tmp_path, monkeypatch):
    from lebongbisa import stages

    src = tmp_path / "input.csv"
    src.write_text("a\n1\n")
    runs = []

    def compute():
        runs.append(1)
        (tmp_path / "out.txt").write_text("done")

    def run():
        return stages.cached("09_demo", tmp_path, [src], {}, ["out.txt"], compute)

    assert run() and not run()  # computed once, then fresh
    monkeypatch.setattr(stages, "code_fingerprint", lambda: "an upgraded package")
    assert run() and not run()  # new code never trusts old outputs
    (tmp_path / "_stages" / "09_demo.json").unlink()  # a run that died before its marker
    assert run()
    src.write_text("a\n2\n")  # a changed input
    assert run() and len(runs) == 4
