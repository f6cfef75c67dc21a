"""The key kept safe: shown by fingerprint, exported and imported, recorded in each manifest,
and a run with another key stops before writing (issue: from real files to a first report)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lebongbisa import privacy
from lebongbisa.cli import main
from lebongbisa.folder import DataRoot, PeriodFolder

ONLY_INGEST = ["--until", "01_ingest_clean", "--no-notebooks"]


@pytest.fixture
def key_file(tmp_path, monkeypatch):
    """This test's own key file, no key in the environment."""
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    path = tmp_path / "machine_a" / "key"
    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(path))
    return path


def test_key_shows_where_it_is_and_its_fingerprint_never_the_key(key_file, capsys):
    assert main(["key"]) == 0
    out = capsys.readouterr()
    key = key_file.read_text().strip()
    assert str(key_file) in out.out and privacy.fingerprint() in out.out
    assert key not in out.out + out.err


def test_a_key_exported_and_imported_on_another_machine_has_the_same_fingerprint(
    key_file, tmp_path, monkeypatch, capsys
):
    assert main(["key"]) == 0
    before = privacy.fingerprint()
    backup = tmp_path / "usb" / "lebongbisa.key"
    backup.parent.mkdir()
    assert main(["key", "export", str(backup)]) == 0
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    assert main(["key", "export", str(backup)]) == 2  # never over an existing file
    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(tmp_path / "machine_b" / "key"))
    assert main(["key", "import", str(backup)]) == 0
    assert privacy.fingerprint() == before
    assert f"fingerprint {before}" in capsys.readouterr().out


def test_importing_over_a_different_key_needs_replace_and_keeps_a_backup(
    key_file, tmp_path, capsys
):
    privacy.current_key()  # creates this machine's key
    other = tmp_path / "other.key"
    other.write_text("another-key-0123456789abcdef\n")
    assert main(["key", "import", str(other)]) == 2
    assert "already holds a different key" in capsys.readouterr().err
    assert main(["key", "import", str(other), "--replace"]) == 0
    assert key_file.read_text().strip() == "another-key-0123456789abcdef"
    assert list(key_file.parent.glob("key.replaced-*"))


def _ingested_copy(small_lebong, tmp_path, *run: str) -> tuple[Path, list[str]]:
    """The small Lebong's deliveries copied and ingested (`lebongbisa run *run`); returns the
    data folder and the CLI's folder arguments."""
    data = tmp_path / "data"
    shutil.copytree(small_lebong / "raw", data / "raw")
    folders = ["--data", str(data), "--reports", str(tmp_path / "reports")]
    assert main(["run", *run, *folders, *ONLY_INGEST]) == 0
    return data, folders


def test_a_run_with_another_key_stops_before_writing_and_says_how_to_fix_it(
    key_file, small_lebong, tmp_path, monkeypatch, capsys
):
    data, reports = _ingested_copy(small_lebong, tmp_path, "2024Q4")
    first = json.loads(PeriodFolder.of("2024Q4", data).path("manifest").read_text())
    assert first["key_fingerprint"] == privacy.fingerprint()

    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(tmp_path / "new_laptop" / "key"))
    privacy.current_key()  # a laptop that made its own key for another project
    assert main(["run", "2025Q1", *reports, *ONLY_INGEST]) == 2
    err = capsys.readouterr().err
    print(err)  # the message a user sees (quoted in the closing note)
    assert "is not the key that processed 2024Q4" in err
    assert "lebongbisa key import FILE" in err and "--rotate-key" in err
    assert not PeriodFolder.of("2025Q1", data).path("manifest").exists()

    assert main(["run", "2025Q1", *reports, *ONLY_INGEST, "--rotate-key"]) == 0
    for period in ("2024Q4", "2025Q1"):
        m = json.loads(PeriodFolder.of(period, data).path("manifest").read_text())
        assert m["key_fingerprint"] == privacy.fingerprint(), period


def _manifests(data) -> dict[str, bytes]:
    return {p.parent.name: p.read_bytes() for p in (data / "processed").glob("*/manifest.json")}


def test_a_lost_key_stops_every_quarter_before_writing_even_the_oldest(
    key_file, small_lebong, tmp_path, monkeypatch, capsys
):
    data, reports = _ingested_copy(small_lebong, tmp_path, "--all")
    before = _manifests(data)
    assert set(before) == {"2024Q4", "2025Q1"}

    # a colleague's laptop: the data folder copied, no key on the machine
    laptop_key = tmp_path / "laptop" / "key"
    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(laptop_key))
    for args in (["run", "2024Q4"], ["run", "--all"], ["report"]):
        assert main([*args, *reports, *ONLY_INGEST, "--force"]) == 2, args
        err = capsys.readouterr().err
        assert "has no pseudonymisation key" in err and "lebongbisa key import FILE" in err
        assert not laptop_key.exists()  # no key was created
        assert _manifests(data) == before  # nothing was written


def test_a_notebook_ensure_checks_the_key_of_every_processed_quarter(
    key_file, small_lebong, tmp_path, monkeypatch
):
    from lebongbisa import stages

    data = tmp_path / "data"
    shutil.copytree(small_lebong / "raw", data / "raw")
    assert main(["run", "2025Q1", "--data", str(data), *ONLY_INGEST]) == 0
    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(tmp_path / "other" / "key"))
    privacy.current_key()  # this machine made its own key
    with pytest.raises(privacy.KeyChanged, match="is not the key that processed 2025Q1"):
        stages.ensure("2024Q4", "01_ingest_clean", data, tmp_path / "reports")
    assert not PeriodFolder.of("2024Q4", data).path("manifest").exists()


def test_a_key_rotation_carries_the_officers_decisions_to_the_new_keys(
    small_lebong, tmp_path, monkeypatch, capsys
):
    import pandas as pd

    from lebongbisa.folder import PeriodFolder
    from lebongbisa.synth.officer import answer_review

    data, reports = tmp_path / "data", tmp_path / "reports"
    for part in ("raw", "truth"):  # one quarter; the simulated officer answers from the truth
        shutil.copytree(small_lebong / part / "2025Q1", data / part / "2025Q1")
    args = ["--data", str(data), "--reports", str(reports), "--until", "02_link", "--no-notebooks"]
    assert main(["run", "2025Q1", *args]) == 0
    q = PeriodFolder.of("2025Q1", data, reports)
    assert answer_review(q, name="Petugas Uji") > 0
    assert main(["run", "2025Q1", *args]) == 0
    before = json.loads(q.path("link_summary").read_text())
    old_keys = set(pd.read_csv(q.path("decisions_log"), dtype=str).key_1)
    assert before["decisions_applied"] > 0

    monkeypatch.setenv(privacy.KEY_ENV, "a-new-key-chosen-on-purpose-0123")
    assert main(["run", "2025Q1", *args]) == 2  # another key: refused
    assert main(["run", "2025Q1", *args, "--rotate-key"]) == 0
    out = capsys.readouterr().out
    print(out)  # the lines a user sees (quoted in the closing note)
    after = json.loads(q.path("link_summary").read_text())
    log = pd.read_csv(q.path("decisions_log"), dtype=str)
    assert after["decisions_in_log"] == before["decisions_in_log"]
    assert after["decisions_applied"] == before["decisions_applied"]
    assert not set(log.key_1) & old_keys  # every key is the new key's
    assert f"carried over to the new key: {before['decisions_in_log']}." in out
    assert not privacy.rotating(DataRoot.of(data))
