"""Every input problem a user can cause gives a clear message naming the file and the fix;
all problems of a period are reported together, and nothing under data/raw/ is written."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from lebongbisa.cli import main
from lebongbisa.errors import InputError
from lebongbisa.ingest.stage import ingest_period

from .helpers import HEADER, ROWS, write_csv, write_period, write_xlsx

GOOD = {"file": "pkh.xlsx", "kind": "program", "program": "PKH"}


def _period(tmp_path, sources, files=None):
    raw = tmp_path / "raw" / "2024Q3"
    raw.mkdir(parents=True)
    write_xlsx(raw / "pkh.xlsx", title=["DAFTAR PENERIMA PKH"])
    for name, writer in (files or {}).items():
        writer(raw / name)
    return write_period(raw, sources)


def _problems(tmp_path, raw):
    with pytest.raises(InputError) as exc:
        ingest_period(raw, tmp_path / "processed", progress=False)
    return exc.value.problems


def test_missing_required_field_names_the_file_field_and_columns_line(tmp_path):
    header = ["NO", "NOMOR KTP PENERIMA", "NAMA", "DESA"]
    rows = [[1, "1707015811720128", "Kartini", "Kampung Jawa"]]
    raw = _period(
        tmp_path,
        [{"file": "u.csv", "kind": "umkm"}],
        {"u.csv": lambda p: write_csv(p, rows=rows, header=header)},
    )
    (p,) = _problems(tmp_path, raw)
    assert p.file == "u.csv" and "`nik`" in p.message
    assert 'columns: {"<its header>": nik}' in p.fix


def test_all_problems_of_a_period_are_reported_together(tmp_path):
    sources = [
        GOOD,
        {"file": "missing.xlsx", "kind": "program", "program": "PKH"},
        {"file": "pkh.xlsx", "kind": "bansos"},
        {"file": "pkh.xlsx", "kind": "program", "program": "KIS"},
        {"file": "empty.csv", "kind": "program", "program": "BPNT"},
        {"file": "broken.xlsx", "kind": "program", "program": "PIP"},
    ]
    raw = _period(
        tmp_path,
        sources,
        {
            "empty.csv": lambda p: p.write_bytes(b""),
            "broken.xlsx": lambda p: p.write_bytes(b"not a spreadsheet at all"),
        },
    )
    problems = _problems(tmp_path, raw)
    text = "\n".join(str(p) for p in problems)
    assert "missing.xlsx: file not found" in text
    assert "unknown kind 'bansos'" in text
    assert "program 'KIS' is not in the program catalog" in text
    assert "empty.csv: file is empty (0 bytes)" in text
    assert "broken.xlsx: cannot be read as a spreadsheet" in text
    assert len(problems) == 5
    assert not (tmp_path / "processed" / "rows.parquet").exists()


def test_cli_prints_problems_in_plain_words_and_exits_non_zero(tmp_path, capsys):
    raw = _period(tmp_path, [GOOD, {"file": "missing.xlsx", "kind": "program", "program": "PKH"}])
    del raw
    code = main(["run", "2024Q3", "--data", str(tmp_path), "--reports", str(tmp_path / "rep")])
    err = capsys.readouterr().err
    assert code == 2
    assert "missing.xlsx: file not found" in err and "Traceback" not in err
    assert "--allow-partial" in err


def test_allow_partial_continues_without_broken_sources_and_says_so(tmp_path):
    raw = _period(tmp_path, [GOOD, {"file": "missing.xlsx", "kind": "program", "program": "PKH"}])
    res = ingest_period(raw, tmp_path / "processed", allow_partial=True, progress=False)
    assert res.manifest["partial"] and res.manifest["failed_sources"] == ["missing.xlsx"]
    rec = pd.read_parquet(tmp_path / "processed" / "rows.parquet")
    assert set(rec.source_file) == {"pkh.xlsx"}


def test_header_only_file_is_a_valid_empty_delivery_with_a_warning(tmp_path):
    raw = _period(
        tmp_path,
        [GOOD, {"file": "rtlh.csv", "kind": "program", "program": "RTLH"}],
        {"rtlh.csv": lambda p: write_csv(p, rows=[])},
    )
    res = ingest_period(raw, tmp_path / "processed", progress=False)
    src = {s["file"]: s for s in res.manifest["sources"]}
    assert src["rtlh.csv"]["status"] == "empty" and src["rtlh.csv"]["rows_read"] == 0
    assert any("rtlh.csv: header only" in w for w in res.warnings)


def test_impossible_desil_quarantines_the_row_with_its_reason(tmp_path):
    header = ["ID Keluarga P3KE", "NIK", "Nama", "Kode Kemdagri", "Desil Kesejahteraan"]
    rows = [["K1", "1707015811720128", "Kartini", "1707011004", d] for d in ("1", "4", "5", "x")]
    raw = _period(
        tmp_path,
        [{"file": "p3ke.csv", "kind": "p3ke"}],
        {"p3ke.csv": lambda p: write_csv(p, rows=rows, header=header)},
    )
    ingest_period(raw, tmp_path / "processed", progress=False)
    rec = pd.read_parquet(tmp_path / "processed" / "rows.parquet").sort_values("source_row")
    assert rec.status.tolist() == ["accepted", "accepted", "quarantined", "quarantined"]
    assert rec.reason.str.startswith("desil_invalid").tolist() == [False, False, True, True]
    q = pd.read_parquet(tmp_path / "processed" / "restricted" / "quarantine.parquet")
    assert q.source_row.tolist() == [4, 5] and '"5"' in q.raw_values[0]


def test_every_row_is_accepted_or_quarantined_and_raw_files_are_untouched(tmp_path):
    rows = [*ROWS, ["", "", "", "", "", "", "", ""], [4, "", "", "", "", "", "", ""]]
    raw = _period(
        tmp_path,
        [GOOD, {"file": "b.csv", "kind": "program", "program": "BPNT"}],
        {"b.csv": lambda p: write_csv(p, rows=rows, header=HEADER, sep=";")},
    )
    before = {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in raw.iterdir()}
    res = ingest_period(raw, tmp_path / "processed", progress=False)
    after = {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in raw.iterdir()}
    assert before == after
    for s in res.manifest["sources"]:
        assert s["rows_read"] == s["rows_accepted"] + s["rows_quarantined"]
    b = next(s for s in res.manifest["sources"] if s["file"] == "b.csv")
    assert (b["rows_read"], b["rows_quarantined"], b["rows_blank"]) == (4, 1, 1)


def test_a_program_missing_from_the_catalog_can_be_added_by_the_period(tmp_path):
    raw = _period(tmp_path, [{"file": "pkh.xlsx", "kind": "program", "program": "BANSOS-SAKIT"}])
    (raw / "programs.yml").write_text(
        "programs:\n  - {code: BANSOS-SAKIT, name: Bansos orang sakit, agency: Dinas Sosial,\n"
        "     type: bansos, unit: person, target_rule: desil <= 4, benefit: 2300000}\n"
    )
    with open(raw / "sources.yml", "a") as fh:
        fh.write("programs: programs.yml\n")
    res = ingest_period(raw, tmp_path / "processed", progress=False)
    assert "BANSOS-SAKIT" in {p["code"] for p in res.manifest["programs"]}


def test_a_bad_catalog_rule_is_reported(tmp_path):
    raw = _period(tmp_path, [GOOD])
    (raw / "programs.yml").write_text(
        "programs:\n  - {code: X, name: X, agency: D, type: hibah, unit: person,\n"
        "     target_rule: __import__('os'), benefit: 1}\n"
    )
    with open(raw / "sources.yml", "a") as fh:
        fh.write("programs: programs.yml\n")
    text = "\n".join(str(p) for p in _problems(tmp_path, raw))
    assert "type 'hibah'" in text and "target_rule" in text


def test_a_file_that_cannot_be_opened_joins_the_problem_list(tmp_path, monkeypatch):
    """(Tests run as root, for whom chmod 000 still reads: the refusal is simulated where the
    operating system would raise it.)"""
    from lebongbisa.ingest import stage

    raw = _period(
        tmp_path,
        [GOOD, {"file": "locked.csv", "kind": "program", "program": "BPNT"}],
        {"locked.csv": lambda p: write_csv(p)},
    )
    real = stage.sha256_file

    def refuse(path):
        if path.name == "locked.csv":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(stage, "sha256_file", refuse)
    (p,) = _problems(tmp_path, raw)
    assert p.file == "locked.csv" and "cannot be opened (permission denied)" in p.message
    assert "read access" in p.fix
    result = ingest_period(raw, tmp_path / "processed", allow_partial=True, progress=False)
    assert result.manifest["failed_sources"] == ["locked.csv"]
    assert [s["status"] for s in result.manifest["sources"]] == ["ok", "failed"]
