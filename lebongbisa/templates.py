"""Input templates for the files an office fills in (a program's recipient list, the UMKM
registry; not the national registries): `.xlsx` whose NIK and No KK columns are text and
accept only 16 digits, whose kecamatan and desa come from drop-down lists of the kabupaten's
official names (the gazetteer), with the required columns marked and an instructions sheet in
Indonesian. A template filled in and sent back is read by `init` and stage 1 like any delivery:
its headers are the recognised ones (data/header_synonyms.yml), and the mark ` *` is ignored
there (headers are compared on their letters and digits).
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from lebongbisa import gazetteer
from lebongbisa.kinds import REQUIRED

#: the person and place columns every template has: (header, canonical field, what to write)
PERSON = [
    ("NIK", "nik", "16 digit, dari KTP/KK"),
    ("NO KK", "kk_number", "16 digit, dari Kartu Keluarga"),
    ("TANGGAL LAHIR", "birth_date", "HH-BB-TTTT, misalnya 17-08-1985"),
    ("JENIS KELAMIN", "sex", "LAKI-LAKI atau PEREMPUAN"),
    ("ALAMAT", "address", "dusun, RT/RW"),
    ("KECAMATAN", "district", "pilih dari daftar"),
    ("DESA", "village", "pilih dari daftar"),
]
#: per kind, the columns: the name after the NIK, then the kind's own columns
COLUMNS = {
    "program": [
        PERSON[0],
        ("NAMA", "name", "nama lengkap sesuai KTP"),
        *PERSON[1:],
        ("NILAI BANTUAN", "amount", "Rupiah yang dibayarkan triwulan ini, angka saja"),
    ],
    "umkm": [
        PERSON[0],
        ("NAMA PEMILIK USAHA", "name", "nama lengkap sesuai KTP"),
        *PERSON[1:],
        ("JENIS USAHA", "business_sector", "misalnya warung, kopi, tenun"),
        ("OMZET PER BULAN", "monthly_revenue", "Rupiah per bulan, angka saja"),
        ("JUMLAH PEKERJA", "workers", "termasuk pemilik"),
    ],
}
FILES = {"program": "template_daftar_penerima_program.xlsx", "umkm": "template_umkm.xlsx"}
ROWS = 5000  # rows prepared with the formats and checks
ID_FIELDS = ("nik", "kk_number")
TEXT_FIELDS = (*ID_FIELDS, "birth_date")
LIST_FIELDS = {"district": "A", "village": "B"}
GUIDE = {
    "program": "Daftar penerima satu program untuk satu triwulan: satu baris per penerima.",
    "umkm": "Daftar usaha mikro (UMKM) Lebong Bisa: satu baris per usaha.",
}


def header(title: str, field: str, kind: str) -> str:
    """A column's header, marked ` *` when the kind requires it."""
    return f"{title} *" if field in REQUIRED[kind] else title


def write(kind: str, path: Path) -> Path:
    """Write the template of `kind` (`program` or `umkm`) to `path`."""
    columns = COLUMNS[kind]
    villages = gazetteer.villages()
    kecamatan = sorted(villages.district_name.unique())
    desa = sorted(villages.village_name.unique())
    wb = xlsxwriter.Workbook(str(path))
    text = wb.add_format({"num_format": "@"})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    must = wb.add_format({"bold": True, "bg_color": "#F8CBAD", "border": 1})
    data = wb.add_worksheet("DATA")  # first: the sheet a reader takes by default
    data.freeze_panes(1, 0)
    for j, (title, field, hint) in enumerate(columns):
        required = field in REQUIRED[kind]
        data.write_string(0, j, header(title, field, kind), must if required else head)
        data.set_column(j, j, 22, text if field in TEXT_FIELDS else None)
        cells = (1, j, ROWS, j)
        if field in ID_FIELDS:
            ref = xlsxwriter.utility.xl_rowcol_to_cell(1, j)
            data.data_validation(
                *cells,
                {
                    "validate": "custom",
                    "value": f"=AND(LEN({ref})=16,ISNUMBER(VALUE({ref})))",
                    "input_title": title,
                    "input_message": hint,
                    "error_title": f"{title} harus 16 digit",
                    "error_message": f"Tulis {title} 16 digit angka, tanpa spasi atau titik.",
                },
            )
        elif field in LIST_FIELDS:
            n = len(kecamatan) if field == "district" else len(desa)
            col = LIST_FIELDS[field]
            data.data_validation(
                *cells,
                {
                    "validate": "list",
                    "source": f"=WILAYAH!${col}$2:${col}${n + 1}",
                    "input_title": title,
                    "input_message": hint,
                    "error_title": f"{title} tidak dikenal",
                    "error_message": "Pilih dari daftar (nama resmi Kemendagri).",
                },
            )
        else:
            data.data_validation(
                *cells, {"validate": "any", "input_title": title, "input_message": hint}
            )
    guide = wb.add_worksheet("PETUNJUK")
    guide.set_column(0, 0, 110)
    lines = [
        GUIDE[kind],
        "Kolom bertanda * wajib diisi. Jangan mengubah nama kolom; kolom lain boleh ditambahkan.",
        "NIK dan No KK: ketik 16 digit. Kolomnya berformat Teks, jadi Excel tidak mengubahnya "
        "menjadi angka (1,70701E+15) atau membulatkan digit terakhir menjadi 0.",
        "Kecamatan dan desa: pilih dari daftar (nama resmi Kemendagri, lembar WILAYAH).",
        "Tanggal lahir: HH-BB-TTTT, misalnya 17-08-1985.",
        "Simpan sebagai .xlsx dan kirim ke Bappeda bersama file triwulan lainnya.",
        "Data pribadi: simpan dan kirim file ini hanya kepada petugas yang berwenang "
        "(UU 27/2022 tentang Pelindungan Data Pribadi).",
        "",
        "Kolom:",
        *(f"{header(t, f, kind)}: {hint}" for t, f, hint in columns),
    ]
    for i, line in enumerate(lines):
        guide.write_string(i, 0, line)
    area = wb.add_worksheet("WILAYAH")
    area.write_row(0, 0, ["KECAMATAN", "DESA"], head)
    area.write_column(1, 0, kecamatan)
    area.write_column(1, 1, desa)
    area.set_column(0, 1, 28)
    wb.close()
    return path


def write_all(out: Path) -> list[Path]:
    """Write every template into folder `out`."""
    out.mkdir(parents=True, exist_ok=True)
    return [write(kind, out / name) for kind, name in FILES.items()]
