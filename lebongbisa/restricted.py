"""Restricted by-name outputs (DESIGN.md §5): owner-only folder, a handling note in Indonesian,
and Excel workbooks whose ID columns are stored as text so NIKs keep all 16 digits."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from lebongbisa.io import atomic_write, restricted_dir

README_ID = """DATA TERBATAS — BERISI DATA PRIBADI (UU 27/2022 tentang Pelindungan Data Pribadi)

Folder ini berisi daftar by-name (NIK, nama, alamat) untuk verifikasi dan kunjungan rumah.
- Hanya untuk petugas dinas yang ditugaskan memverifikasi data pada periode ini.
- Jangan diunggah ke grup percakapan, surel pribadi, atau situs publik.
- Simpan di komputer kantor yang terkunci; hapus salinan setelah verifikasi selesai.
- Laporan untuk pimpinan (index.html) tidak pernah menautkan folder ini.
Kolom NIK dan No KK disimpan sebagai teks: jangan ubah formatnya menjadi angka di Excel.
"""

#: Column headers that hold identifiers: always written as text.
ID_HEADERS = ("NIK", "NO KK", "NOMOR KK", "ID", "KODE DESA", "NIK 1", "NIK 2", "NO KK 1", "NO KK 2")


def restricted_folder(path: Path) -> Path:
    """Create `path` readable only by its owner, with the handling note."""
    folder = restricted_dir(Path(path))
    note = folder / "BACA_SAYA.txt"
    if not note.exists():
        atomic_write(note, lambda p: p.write_text(README_ID, encoding="utf-8"), mode=0o600)
    return folder


def sheet_title(name: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name (no / \\ ? * [ ] :, at most 31 characters)."""
    base = re.sub(r"[/\\?*\[\]:]", "-", str(name)).strip("'") or "Sheet"
    title, i = base[:31], 2
    while title in used:
        title = f"{base[:27]} ({i})"
        i += 1
    return title


def write_workbook(
    path: Path, sheets: dict[str, pd.DataFrame], notes: list[str] | None = None
) -> Path:
    """Write sheets to an .xlsx (owner-only); ID columns as text, header bold and frozen."""

    def write(tmp: Path) -> None:
        wb = Workbook()
        wb.remove(wb.active)
        if notes:
            ws = wb.create_sheet("PETUNJUK")
            for line in notes:
                ws.append([line])
            ws.column_dimensions["A"].width = 120
        used: set[str] = set()
        for name, df in sheets.items():
            title = sheet_title(name, used)
            used.add(title)
            ws = wb.create_sheet(title)
            ws.append(list(df.columns))
            for cell in ws[1]:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="DDEBF7")
            text_cols = {
                i
                for i, c in enumerate(df.columns, start=1)
                if any(str(c).upper().startswith(h) for h in ID_HEADERS)
            }
            for row in df.itertuples(index=False, name=None):
                ws.append(
                    [
                        None
                        if (v is None or (isinstance(v, float) and v != v))
                        else (str(v) if j in text_cols else v)
                        for j, v in enumerate(row, start=1)
                    ]
                )
            for j in text_cols:
                for cell in ws[get_column_letter(j)][1:]:
                    cell.number_format = "@"
            for j, c in enumerate(df.columns, start=1):
                width = max([len(str(c))] + [len(str(v)) for v in df[c].head(200)])
                ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 45)
            ws.freeze_panes = "A2"
        wb.save(tmp)

    atomic_write(path, write, mode=0o600)
    os.chmod(path, 0o600)
    return path
