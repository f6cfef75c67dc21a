"""The key kept safe: shown by fingerprint, exported and imported, recorded in each manifest,
and a run with another key stops before writing (issue: from real files to a first report)."""

from __future__ import annotations

import json
import shutil

import pytest

from lebongbisa import privacy
from lebongbisa.cli import main

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


def test_a_run_with_another_key_stops_before_writing_and_says_how_to_fix_it(
    key_file, small_lebong, tmp_path, monkeypatch, capsys
):
    data = tmp_path / "data"
    shutil.copytree(small_lebong / "raw", data / "raw")
    reports = ["--data", str(data), "--reports", str(tmp_path / "reports")]
    assert main(["run", "2024Q4", *reports, *ONLY_INGEST]) == 0
    first = json.loads((data / "processed" / "2024Q4" / "manifest.json").read_text())
    assert first["key_fingerprint"] == privacy.fingerprint()

    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(tmp_path / "new_laptop" / "key"))
    assert main(["run", "2025Q1", *reports, *ONLY_INGEST]) == 2
    err = capsys.readouterr().err
    print(err)  # the message a user sees (quoted in the closing note)
    assert "is not the key that processed 2024Q4" in err
    assert "lebongbisa key import FILE" in err and "--rotate-key" in err
    assert not (data / "processed" / "2025Q1" / "manifest.json").exists()

    assert main(["run", "2025Q1", *reports, *ONLY_INGEST, "--rotate-key"]) == 0
    for period in ("2024Q4", "2025Q1"):
        m = json.loads((data / "processed" / period / "manifest.json").read_text())
        assert m["key_fingerprint"] == privacy.fingerprint(), period
