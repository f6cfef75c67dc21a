"""Readers find the header under title rows, detect delimiters and encodings, mark totals,
and keep the row numbers a person sees."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lebongbisa.ingest import readers
from lebongbisa.ingest.readers import ReadError, detect_delimiter, read_table

from .helpers import ROWS, write_csv, write_xlsx


@pytest.mark.parametrize("sep", [",", ";", "|", "\t"])
def test_delimiters_are_detected(tmp_path, sep):
    t = read_table(write_csv(tmp_path / "a.csv", sep=sep))
    assert t.delimiter == sep
    assert t.data.shape == (3, 8)
    assert t.data["NIK"].tolist()[0] == "1707015811720128"


def test_windows_1252_is_detected_and_decoded(tmp_path):
    rows = [r[:5] + ["Kampung Jawa – Dusun I"] + r[6:] for r in ROWS]
    t = read_table(write_csv(tmp_path / "a.csv", rows=rows, sep=";", encoding="cp1252"))
    assert t.encoding == "cp1252"
    assert t.data["DESA"][0] == "Kampung Jawa – Dusun I"


def test_title_rows_are_skipped_and_rows_keep_their_line_numbers(tmp_path):
    t = read_table(write_csv(tmp_path / "a.txt", title=["DAFTAR PENERIMA", "TAHUN 2024"]))
    assert t.header_row == 3
    assert t.source_row.tolist() == [4, 5, 6]


def test_xlsx_title_blank_and_total_rows(tmp_path):
    t = read_table(write_xlsx(tmp_path / "a.xlsx", title=["DAFTAR PENERIMA BLT", "DESA X"]))
    assert t.header_row == 4
    assert t.source_row.tolist() == [5, 6, 7, 9]
    assert t.is_total.tolist() == [False, False, False, True]
    assert t.blank_rows == 1


def test_numbers_in_excel_cells_are_read_digit_by_digit_and_marked(tmp_path):
    t = read_table(write_xlsx(tmp_path / "a.xlsx", numeric_nik=True, total=False))
    assert t.data["NIK"][0] == "1707015811720120"
    assert t.numeric["NIK"].all()
    assert not t.numeric["NAMA"].any()


def test_columns_map_finds_an_unusual_header(tmp_path):
    header = ["NOMOR PENGENAL", "PENERIMA MANFAAT", "WILAYAH TINGGAL"]
    rows = [["1707015811720128", "Kartini", "Kampung Jawa"]]
    path = write_csv(tmp_path / "a.csv", rows=rows, header=header)
    with pytest.raises(ReadError, match="no header row"):
        read_table(path)
    t = read_table(path, columns={"Nomor Pengenal": "nik", "PENERIMA MANFAAT": "name"})
    assert t.data.shape == (1, 3)


def test_ragged_rows_keep_their_extra_cells(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("NIK,NAMA\n1707015811720128,Kartini,extra\n")
    t = read_table(path)
    assert t.data["NAMA"][0] == "Kartini;extra"


def test_corrupt_spreadsheet_is_a_clear_error(tmp_path):
    bad = tmp_path / "a.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not a zip archive")
    with pytest.raises(ReadError, match="cannot be read as a spreadsheet"):
        read_table(bad)


def test_unknown_sheet_names_the_sheets(tmp_path):
    with pytest.raises(ReadError, match="Sheet"):
        read_table(write_xlsx(tmp_path / "a.xlsx"), sheet="Penerima")


def test_delimiter_detection_prefers_consistent_splits():
    lines = ["NIK;NAMA;ALAMAT", "1;Budi, S.Pd;Jl. A, B", "2;Ani;Jl. C"]
    assert detect_delimiter(lines) == ";"


#: cells that Python's csv module and Arrow's reader could disagree on: quotes in and around a
#: cell, the delimiter and line breaks inside quotes, doubled quotes, padding, blanks, totals
TRICKY = [
    "abc", "", "  pad  ", '"q"', '"a,b"', '"a;b"', '"x""y"', 'a"b', '"mid"tail', ' "s"',
    '""', '"line\nbreak"', "1707015811720128", "é – ü", "JUMLAH", '"unterminated', "x;y",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(TRICKY), min_size=3, max_size=3), max_size=8),
    st.sampled_from([",", ";"]),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from(["utf-8", "cp1252"]),
    st.booleans(),
)
def test_text_read_by_arrow_has_exactly_the_cells_of_pythons_csv_reader(
    tmp_path_factory, rows, sep, newline, encoding, title
):
    """A delimited file is parsed by Arrow when every record is one line of one width, else
    by Python's csv module row by row: either way the same table, row numbers and counts."""
    lines = (["DAFTAR PENERIMA"] if title else []) + [sep.join(["NIK", "NAMA", "DESA"])]
    text = newline.join(lines + [sep.join(r) for r in rows]) + newline
    path = tmp_path_factory.mktemp("csv") / "daftar.csv"
    path.write_bytes(text.encode(encoding))
    fast = _read_or_error(path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(readers, "_arrow_rows", lambda text, delim: None)
        slow = _read_or_error(path)
    if isinstance(slow, str) or isinstance(fast, str):
        assert fast == slow
        return
    pd.testing.assert_frame_equal(fast.data, slow.data)
    assert fast.source_row.tolist() == slow.source_row.tolist()
    assert fast.is_total.tolist() == slow.is_total.tolist()
    assert (fast.header_row, fast.blank_rows) == (slow.header_row, slow.blank_rows)


def _read_or_error(path):
    try:
        return read_table(path)
    except ReadError as exc:
        return str(exc)


def test_only_files_of_one_line_records_of_one_width_are_parsed_by_arrow(tmp_path):
    plain = write_csv(tmp_path / "a.csv")
    assert readers._read_text_rows(plain)[4] is not None
    titled = write_csv(tmp_path / "b.csv", title=["DAFTAR PENERIMA"])
    assert readers._read_text_rows(titled)[4] is None  # a title row is narrower
    spanning = tmp_path / "c.csv"
    spanning.write_text('NIK,NAMA,DESA\n1707015811720128,"SITI\nAMINAH",X\n', encoding="utf-8")
    assert readers._read_text_rows(spanning)[4] is None
    t = read_table(spanning)  # Python's reader: the row keeps the line it starts on
    assert t.source_row.tolist() == [2] and t.data["NAMA"][0] == "SITI\nAMINAH"
