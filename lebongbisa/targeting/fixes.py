"""Data fixed at its source: per dinas, a restricted workbook of the rows of its own files that
need fixing, in its files' own row numbers and column names, each with the problem and how to
fix it; and, on a sheet apart, its recipients found in no registry, as proposals to register
their households in DTSEN (usulan), by desa. A recipient in no registry is not a defect of the
row.

Only the files an office fills in (program lists and the UMKM registry) are covered: the
national registries are fixed where they are kept.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from lebongbisa import gazetteer, kinds
from lebongbisa.flags import REASON_LABELS
from lebongbisa.folder import PeriodFolder
from lebongbisa.ingest.readers import ReadError, read_table
from lebongbisa.ingest.sources import load_period
from lebongbisa.restricted import restricted_folder, write_workbook

_RETYPE = (
    "Ketik ulang NIK dari KTP/KK di sel berformat Teks (Format Cells > Text); jangan "
    "menyalinnya sebagai angka"
)
_CHECK_NIK = "Periksa NIK dengan KTP/KK dan perbaiki (16 digit)"
_VILLAGE = "Tulis nama desa seperti pada lembar DESA (nama resmi Kemendagri)"
_DATE = "Tulis tanggal lahir sebagai HH-BB-TTTT, misalnya 17-08-1985"
#: the flags an office can fix in its own file, and how
FIXES = {
    "nik_excel_truncated": _RETYPE,
    "nik_excel_scientific": _RETYPE,
    "nik_missing": "Isi NIK dari KTP/KK (16 digit)",
    "nik_length": _CHECK_NIK,
    "nik_not_digits": _CHECK_NIK,
    "nik_month": _CHECK_NIK,
    "nik_day": _CHECK_NIK,
    "nik_serial_zero": _CHECK_NIK,
    "nik_region": _CHECK_NIK,
    "nik_birthdate_mismatch": "Periksa NIK dan tanggal lahir dengan KTP/KK: keduanya tidak cocok",
    "nik_sex_mismatch": "Periksa NIK dan jenis kelamin dengan KTP/KK: keduanya tidak cocok",
    "village_unmatched": _VILLAGE,
    "village_missing": _VILLAGE,
    "district_mismatch": "Periksa desa dan kecamatan: desa ini tidak berada di kecamatan itu",
    "district_unmatched": "Tulis nama kecamatan seperti pada lembar DESA",
    "duplicate_row": "Hapus baris ini: sama persis dengan baris lain di file yang sama",
    "duplicate_in_list": "Orang yang sama tercatat lagi di file ini: hapus baris yang ganda",
    "birth_date_invalid": _DATE,
    "birth_date_missing": _DATE,
}
NOTE = (
    "Baris-baris dari file dinas Anda yang perlu diperbaiki. Kolom BARIS adalah nomor baris "
    "di file Anda; kolom berikutnya adalah isi baris itu dengan nama kolom Anda sendiri. "
    "Perbaiki di file asli, lalu kirim ulang pada penyerahan berikutnya. Lembar USULAN DTSEN: "
    "penerima yang tidak ditemukan di DTKS/P3KE/DTSEN — bukan kesalahan baris, tetapi usulan "
    "untuk mendaftarkan keluarganya ke DTSEN melalui desa."
)


def owners(manifest: dict) -> dict[str, str]:
    """The dinas of each delivered file an office fills in (program lists, UMKM registry)."""
    agency = {p["code"]: p["agency"] for p in manifest["programs"]}
    out = {}
    for s in manifest["sources"]:
        if s.get("kind") == "program" and s.get("program") in agency:
            out[s["file"]] = agency[s["program"]]
        elif s.get("kind") == "umkm":
            out[s["file"]] = kinds.AGENCY["umkm"]
    return out


def rows_to_fix(rows: pd.DataFrame, owner: dict[str, str]) -> pd.DataFrame:
    """The rows of the offices' files with a fixable flag: file, row, dinas, problem, fix (a
    row with several problems names them all)."""
    mine = rows[rows.source_file.isin(owner)]
    flags = mine.reason.fillna("").str.split(";").explode()
    flags = flags[flags.isin(FIXES)]
    if flags.empty:
        return pd.DataFrame(columns=["source_file", "source_row", "dinas", "MASALAH", "PERBAIKAN"])
    found = mine.loc[flags.index, ["source_file", "source_row"]].assign(
        MASALAH=flags.map(lambda x: REASON_LABELS.get(x, x)).to_numpy(),
        PERBAIKAN=flags.map(FIXES).to_numpy(),
    )
    out = pd.concat([_joined(found, c) for c in ("MASALAH", "PERBAIKAN")], axis=1).reset_index()
    out["dinas"] = out.source_file.map(owner)
    return out.sort_values(["dinas", "source_file", "source_row"]).reset_index(drop=True)


def _joined(found: pd.DataFrame, column: str) -> pd.Series:
    """Per file row, its distinct values of `column` in the order found, joined by "; ": a
    short wide table joined column by column, not a Python call per row (a Lebong quarter
    has some 20,000 rows to fix)."""
    keys = ["source_file", "source_row"]
    d = found.drop_duplicates([*keys, column])
    wide = d.assign(i=d.groupby(keys, sort=False).cumcount()).pivot(
        index=keys, columns="i", values=column
    )
    out = wide[0]
    for i in wide.columns[1:]:
        out = out.where(wide[i].isna(), out + "; " + wide[i])
    return out.rename(column)


def _raw_rows(folder: PeriodFolder, files: set[str]) -> dict[str, pd.DataFrame]:
    """Each delivered file's rows as delivered (its own column names, as text), indexed by
    their row number; a file that cannot be read again is left out."""
    period, _ = load_period(folder.raw)
    out = {}
    for src in period.sources:
        if src.file not in files:
            continue
        try:
            table = read_table(src.path, src.sheet, src.columns)
        except (ReadError, OSError):
            continue
        out[src.file] = table.data.set_axis(table.source_row, axis=0)
    return out


def proposals(acc: pd.DataFrame, ident: pd.DataFrame, h: pd.DataFrame, owner: dict) -> pd.DataFrame:
    """Recipients on the offices' program lists whose household is in no registry: to propose
    for DTSEN, by desa."""
    in_registry = h.set_index("household_key").in_registry
    prog = acc[(acc.kind == "program") & acc.source_file.isin(owner)]
    prog = prog[~prog.household_key.map(in_registry).fillna(False).astype(bool)]
    idn = ident.loc[prog.index]
    names = gazetteer.village_names()
    return pd.DataFrame(
        {
            "dinas": prog.source_file.map(owner).to_numpy(),
            "DESA": prog.village_code.map(names).fillna("TANPA DESA").to_numpy(),
            "FILE": prog.source_file.to_numpy(),
            "BARIS": prog.source_row.to_numpy(),
            "PROGRAM": prog.program.to_numpy(),
            "NIK": idn.nik.fillna(idn.nik_raw).to_numpy(),
            "NAMA": idn.name_raw.to_numpy(),
            "NO KK": idn.kk_raw.to_numpy(),
            "ALAMAT": idn.address.to_numpy(),
        }
    ).sort_values(["dinas", "DESA", "FILE", "BARIS"])


def slug(dinas: str) -> str:
    """A file-name form of a dinas's name."""
    return re.sub(r"[^a-z0-9]+", "_", dinas.lower()).strip("_")


def write(
    folder: PeriodFolder,
    rows: pd.DataFrame,
    acc: pd.DataFrame,
    ident: pd.DataFrame,
    h: pd.DataFrame,
    manifest: dict,
) -> dict[str, dict[str, int]]:
    """Write one workbook per dinas (`folder.fix_workbook`) and the overview; returns, per
    dinas, its rows to fix by problem and its proposals."""
    owner = owners(manifest)
    fix = rows_to_fix(rows, owner)
    usulan = proposals(acc, ident, h, owner)
    raw = _raw_rows(folder, set(fix.source_file))
    where = folder.path("fix_overview").parent
    restricted_folder(where)
    for old in where.glob("perbaikan_*.xlsx"):  # a dinas without rows this quarter has none
        old.unlink()
    desa = gazetteer.villages()[["district_name", "village_name", "village_code"]]
    desa = desa.rename(columns=str.upper)
    overview = {}
    for dinas in sorted(set(owner.values())):
        mine, props = fix[fix.dinas == dinas], usulan[usulan.dinas == dinas]
        sheets = {}
        for file, g in mine.groupby("source_file", sort=True):
            delivered = raw.get(file)
            original = (
                delivered.reindex(g.source_row).reset_index(drop=True)
                if delivered is not None
                else pd.DataFrame(index=range(len(g)))
            )
            sheets[Path(file).stem] = pd.concat(
                [
                    pd.DataFrame({"BARIS": g.source_row.to_numpy()}),
                    original,
                    g[["MASALAH", "PERBAIKAN"]].reset_index(drop=True),
                ],
                axis=1,
            )
        sheets["USULAN DTSEN"] = props.drop(columns="dinas")
        sheets["DESA"] = desa
        notes = [f"Periode {folder.period}. {dinas}.", NOTE, "Data pribadi: lihat BACA_SAYA.txt."]
        write_workbook(folder.fix_workbook(slug(dinas)), sheets, notes, all_text=True)
        counts = mine.MASALAH.str.split("; ").explode().value_counts()
        overview[dinas] = {**counts.to_dict(), "usulan DTSEN": int(len(props))}
    table = pd.DataFrame(overview).T.fillna(0).astype(int).rename_axis("DINAS").reset_index()
    write_workbook(folder.path("fix_overview"), {"RINGKASAN": table}, [NOTE])
    return overview
