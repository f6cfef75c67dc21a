"""Hostile inputs (issue #10): random bytes, damaged spreadsheets and arbitrary cell text never
end in an unhandled exception. Each gives a clear ReadError/InputError naming the file, or rows
that are accepted or quarantined with rows read = accepted + quarantined."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lebongbisa.clean.codes import desil, rupiah, sex
from lebongbisa.clean.dates import parse_dates
from lebongbisa.clean.names import clean_names, name_key
from lebongbisa.clean.nik import normalize_id, validate_kk, validate_nik
from lebongbisa.clean.villages import match_villages
from lebongbisa.errors import InputError
from lebongbisa.ingest.readers import RawTable, ReadError, read_table
from lebongbisa.ingest.stage import ingest_period

from .helpers import HEADER, write_period, write_xlsx

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
cell_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)


def _read_or_refuse(path: Path) -> RawTable | None:
    try:
        table = read_table(path)
    except ReadError as exc:
        assert path.name in str(exc)  # the message names the file
        return None
    assert len(table.data) == len(table.source_row) == len(table.is_total)
    return table


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from([".csv", ".txt", ".xlsx", ".xls"]))
def test_random_bytes_are_read_or_refused_with_the_file_named(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"daftar{suffix}"
    path.write_bytes(data)
    _read_or_refuse(path)


plain_cell = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters=',;|"'),
    max_size=30,
)


@FUZZ
@given(
    st.lists(st.lists(plain_cell, max_size=10), max_size=25),
    st.sampled_from([",", ";", "|", "\t"]),
    st.sampled_from(["utf-8", "cp1252"]),
)
def test_arbitrary_delimited_text_is_read_or_refused(tmp_path_factory, rows, sep, encoding):
    lines = [sep.join(HEADER)] + [sep.join(r) for r in rows]
    path = tmp_path_factory.mktemp("fuzz") / "daftar.csv"
    path.write_bytes("".join(f"{ln}\r\n" for ln in lines).encode(encoding, errors="replace"))
    table = _read_or_refuse(path)
    assert table is not None  # a recognizable header and no stray delimiters: always a table
    assert len(table.data) + table.blank_rows == len(rows)


def _valid_xlsx() -> bytes:
    buf = io.BytesIO()
    write_xlsx(buf, title=["DAFTAR PENERIMA"])
    return buf.getvalue()


VALID_XLSX = _valid_xlsx()


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(VALID_XLSX) - 1), st.integers(0, 255)), max_size=8))
def test_damaged_spreadsheets_are_read_or_refused(tmp_path_factory, flips):
    data = bytearray(VALID_XLSX)
    for pos, byte in flips:
        data[pos] = byte
    path = tmp_path_factory.mktemp("fuzz") / "daftar.xlsx"
    path.write_bytes(bytes(data))
    _read_or_refuse(path)


def test_a_spreadsheet_cut_short_by_a_failed_upload_is_refused_with_the_fix(tmp_path):
    path = tmp_path / "daftar.xlsx"
    path.write_bytes(VALID_XLSX[: len(VALID_XLSX) // 2])
    assert _read_or_refuse(path) is None
    with zipfile.ZipFile(io.BytesIO(VALID_XLSX)) as z:  # the original is a valid package
        assert "xl/workbook.xml" in z.namelist()


@FUZZ
@given(st.lists(cell_text, min_size=1, max_size=20))
def test_cleaners_never_raise_on_arbitrary_text(values):
    s = pd.Series(values, dtype=object)
    out = normalize_id(s)
    assert len(out) == len(s)
    validate_nik(out["id"])
    validate_kk(out["id"])
    dates = parse_dates(s)
    assert len(dates) == len(s)
    names = clean_names(s)
    name_key(names.iloc[:, 0])
    match_villages(s, s)
    sex(s)
    rupiah(s)
    desil(s, range(1, 11))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(cell_text, min_size=8, max_size=8), min_size=1, max_size=15))
def test_a_period_with_arbitrary_cells_reconciles_or_names_its_problems(tmp_path_factory, rows):
    root = tmp_path_factory.mktemp("fuzzperiod")
    raw = root / "raw" / "2024Q3"
    raw.mkdir(parents=True)
    (raw / "pkh.csv").write_text(
        "\n".join([";".join(HEADER)] + [";".join(c.replace(";", ",") for c in r) for r in rows]),
        encoding="utf-8",
    )
    write_period(raw, [{"file": "pkh.csv", "kind": "program", "program": "PKH"}])
    try:
        result = ingest_period(raw, root / "processed", progress=False)
    except InputError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
        return
    for src in result.manifest["sources"]:
        assert src["rows_read"] == src["rows_accepted"] + src["rows_quarantined"]
