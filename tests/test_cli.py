"""The `lebongbisa` command line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lebongbisa.cli import latest_period, main

from .worlds import quick_typology


def test_help_lists_the_subcommands():
    out = subprocess.run(
        [sys.executable, "-m", "lebongbisa.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "synth" in out and "report" in out


def test_synth_writes_periods_and_says_where(tmp_path, capsys):
    assert (
        main(["synth", "--periods", "2024Q2", "--persons", "800", "--out", str(tmp_path / "raw")])
        == 0
    )
    assert "1 quarter(s) 2024Q2..2024Q2" in capsys.readouterr().out
    assert (tmp_path / "raw" / "2024Q2" / "sources.yml").exists()
    assert (tmp_path / "truth" / "2024Q2" / "rows.parquet").exists()
    assert latest_period(tmp_path / "raw") == "2024Q2"


def test_bad_period_is_a_clear_error(tmp_path, capsys):
    assert main(["synth", "--periods", "2025Q3:2025Q1", "--out", str(tmp_path)]) == 2
    assert "ends before it starts" in capsys.readouterr().err


def test_run_without_any_period_is_a_clear_error(tmp_path, capsys):
    assert main(["run", "--data", str(tmp_path)]) == 2
    assert "no period with a sources.yml" in capsys.readouterr().err


def test_report_generates_data_when_raw_is_empty(tmp_path, capsys, monkeypatch, kernels):
    """The synthetic Lebong is generated in a process of its own, each quarter processed as
    soon as it is written (here two small quarters with the test worlds' run.yml)."""
    import lebongbisa.synth as synth

    calls = []

    class Small(synth.Generation):
        def __init__(self, periods, seed, out):
            calls.append(periods)
            super().__init__("2024Q1:2024Q2", 5, out, persons=600)
            self.out = out

        def ready(self, period):
            super().ready(period)
            quick_typology(self.out)

    monkeypatch.setattr(synth, "Generation", Small)
    where = ["--data", str(tmp_path), "--reports", str(tmp_path / "rep")]
    assert main(["report", *where, "--pages", "06_ringkasan"], kernels=kernels) == 0
    assert calls == ["2024Q1:2025Q2"]
    out = capsys.readouterr().out
    assert "Report for 2024Q1" in out and "Report for 2024Q2" in out
    assert (tmp_path / "rep" / "2024Q1" / "06_ringkasan.html").exists()
    assert (tmp_path / "rep" / "2024Q1" / "index.html").exists()


def test_version_flag_prints_the_package_version(capsys):
    from lebongbisa import __version__

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"lebongbisa {__version__}"
