"""Turn the true population, registries and program receipt into the files offices deliver.

Each `*_file` function builds one source's rows (as delivered, with defects) and the truth
of every row; `write_period` writes them with `sources.yml`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from lebongbisa.synth import calibration as cal
from lebongbisa.synth import defects as dfx
from lebongbisa.synth.population import EDUCATION_LABELS
from lebongbisa.synth.writer import write_delimited, write_xls, write_xlsx

SEX_WORD = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}
REL_DTKS = {
    "KEPALA KELUARGA": "Kepala Keluarga",
    "ISTRI/SUAMI": "Istri/Suami",
    "ANAK": "Anak",
    "ORANG TUA": "Orang Tua/Mertua",
}
REL_P3KE = {
    "KEPALA KELUARGA": "KEPALA KELUARGA",
    "ISTRI/SUAMI": "ISTRI/SUAMI",
    "ANAK": "ANAK",
    "ORANG TUA": "LAINNYA",
}
REL_CODE = {"KEPALA KELUARGA": "1", "ISTRI/SUAMI": "2", "ANAK": "3", "ORANG TUA": "6"}


class Period:
    """Everything one quarter's deliveries are built from."""

    def __init__(self, name, start, hh, p, vil, rng, scale):
        self.name, self.start, self.hh, self.p, self.vil, self.rng = name, start, hh, p, vil, rng
        self.scale = scale
        self.year, self.quarter = int(name[:4]), int(name[-1])
        self.month = self.quarter * 3
        self.persons = p.set_index("person_id")
        self.households = hh.set_index("household_id")
        v = vil.set_index("village_code")
        self.village_name = v.village_name
        self.district_name = v.district_name
        heads = p[p.alive & (p.relationship == "KEPALA KELUARGA")].drop_duplicates("household_id")
        self.head_name = heads.set_index("household_id").name


def _base(
    per: Period, person_ids: np.ndarray, village_codes: pd.Series | None = None
) -> pd.DataFrame:
    """True attributes of the listed persons (recorded village may be stale)."""
    b = per.persons.loc[person_ids].reset_index()
    if village_codes is not None:
        b["village_code"] = np.asarray(village_codes)
    b["age"] = ((per.start - b.birth_date).dt.days / 365.25).to_numpy()
    b["kk_number"] = b.household_id.map(per.households.kk_number).to_numpy()
    b["father"] = np.where(b.relationship == "ANAK", b.household_id.map(per.head_name), None)
    b["village_name"] = b.village_code.map(per.village_name).to_numpy()
    b["district_name"] = (
        b.village_code.str[:6]
        .map(per.district_name.groupby(per.district_name.index.str[:6]).first())
        .to_numpy()
    )
    return b


def _apply_person_defects(per: Period, b: pd.DataFrame, family: str, caps: bool) -> pd.DataFrame:
    """Names, NIK and birth dates as a registry or dinas records them."""
    r = cal.DEFECT_RATES[family]
    rng = per.rng
    b["name_raw"], name_lab = dfx.name_variants(
        rng, b.name, b.sex, b.age, r["name_variant"], r["typo"], b.father
    )
    if caps:
        b["name_raw"] = b.name_raw.str.upper()
    b["nik_raw"], nik_lab = dfx.invalid_nik(rng, b.nik, r["invalid_nik"], r.get("missing_nik", 0))
    if r.get("duplicate_nik"):
        dup = rng.random(len(b)) < r["duplicate_nik"]
        donors = rng.integers(0, len(b), dup.sum())
        b.loc[dup, "nik_raw"] = b.nik.to_numpy()[donors]
        nik_lab = nik_lab.where(~dup, "nik_duplicate")
    b["birth_raw"], date_lab = dfx.shift_birth_dates(rng, b.birth_date, r["birth_date_error"])
    if r.get("missing_birth_date"):
        miss = rng.random(len(b)) < r["missing_birth_date"]
        b.loc[miss, "birth_raw"] = pd.NaT
        date_lab = date_lab.where(~miss, "date_missing")
    b["kk_raw"] = b.kk_number
    if r.get("invalid_kk"):
        b["kk_raw"], kk_lab = dfx.invalid_nik(rng, b.kk_number, r["invalid_kk"])
        kk_lab = kk_lab.str.replace("nik_", "kk_")
    else:
        kk_lab = pd.Series("", index=b.index)
    b["defects"] = _join_labels(name_lab, nik_lab, date_lab, kk_lab)
    return b


def _join_labels(*labels: pd.Series) -> pd.Series:
    """Join per-row defect labels with ';', skipping empty ones (vectorized)."""
    out = pd.Series(np.asarray(labels[0].fillna(""), dtype=object))
    for lab in labels[1:]:
        lab = pd.Series(np.asarray(lab.fillna(""), dtype=object))
        sep = np.where((out != "") & (lab != ""), ";", "")
        out = out + sep + lab
    return out


def _village_text(
    per: Period, b: pd.DataFrame, rate: float, old_kecamatan: bool
) -> tuple[pd.Series, pd.Series, pd.Series]:
    vname, vlab = dfx.village_variants(per.rng, b.village_name, rate)
    kec = b.district_name.copy()
    if old_kecamatan:
        kec = kec.where(kec != "Tubei", "PELABAI")
    return vname, kec, vlab


def _truth(
    b: pd.DataFrame, file: str, rows: np.ndarray, extra_defects: pd.Series | None = None
) -> pd.DataFrame:
    d = b.defects if extra_defects is None else _join_labels(b.defects, extra_defects)
    return pd.DataFrame(
        {
            "source_file": file,
            "source_row": rows,
            "person_id": b.person_id.to_numpy(),
            "household_id": b.household_id.to_numpy(),
            "defects": d.to_numpy(),
        }
    )


def _with_duplicates(per: Period, b: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    rate = cal.DEFECT_RATES["program"]["duplicate_row"]
    dup = b[per.rng.random(len(b)) < rate]
    out = pd.concat([b, dup]).sort_values(["village_code", "person_id"], kind="stable")
    lab = pd.Series(np.where(out.index.duplicated(keep="first"), "duplicate_row", ""))
    return out.reset_index(drop=True), lab


def dtks_file(per: Period, members: pd.DataFrame, dtks_ids: pd.Series, out: Path):
    b = _base(per, members.person_id.to_numpy(), members.village_code)
    b = _apply_person_defects(per, b, "registry", caps=True)
    b["dtks_household"] = members.household_id.map(dtks_ids).to_numpy()
    b = b.sort_values(["village_code", "dtks_household"], kind="stable").reset_index(drop=True)
    f = pd.DataFrame(
        {
            "IDDTKS": b.dtks_household,
            "provinsi": "BENGKULU",
            "kabupaten_kota": "LEBONG",
            "kecamatan": b.district_name.str.upper().where(b.district_name != "Tubei", "PELABAI"),
            "desa_kelurahan": b.village_name.str.upper(),
            "alamat": b.household_id.map(per.households.address).to_numpy(),
            "dusun": "",
            "rt": b.household_id.map(per.households.rt).to_numpy(),
            "rw": b.household_id.map(per.households.rw).to_numpy(),
            "nomor_kk": b.kk_raw,
            "nomor_nik": b.nik_raw,
            "nama": b.name_raw,
            "tanggal_lahir": dfx.format_dates(b.birth_raw, "dmy-"),
            "tempat_lahir": "LEBONG",
            "jenis_kelamin": b.sex.map(SEX_WORD),
            "nama_ibu_kandung": "",
            "hubungan_keluarga": b.relationship.map(REL_DTKS),
        }
    )
    name = f"DTKS_LEBONG_{per.year}_{per.month:02d}.txt"
    rows = write_delimited(out / name, f, sep="|")
    return {"file": name, "kind": "dtks"}, _truth(b, name, rows)


def _employment_columns(b: pd.DataFrame) -> dict:
    from lebongbisa.synth.calibration import SECTORS, STATUSES
    from lebongbisa.synth.population import SECTOR_LABELS

    occ = dict(zip(SECTOR_LABELS, [s[2] for s in SECTORS], strict=True))
    code = dict(zip(SECTOR_LABELS, [s[1] for s in SECTORS], strict=True))
    works = b.works.fillna(False).astype(bool)
    return {
        "occupation": np.where(
            works, b.sector.map(occ), np.where(b.age >= 15, "TIDAK/BELUM BEKERJA", "")
        ),
        "status": np.where(
            works,
            b.emp_status.map(lambda s: STATUSES.get(s, ("",))[0] if s else ""),
            np.where(b.age >= 15, "KOSONG", ""),
        ),
        "sector_code": np.where(works, b.sector.map(code), ""),
        "status_code": np.where(works, b.emp_status, ""),
        "education": b.education.map(lambda x: EDUCATION_LABELS[int(x)]),
    }


#: registry columns that describe work (dropped by scenario `no_employment`)
EMPLOYMENT_HEADERS = (
    "Pekerjaan",
    "Status Pekerjaan",
    "bekerja_seminggu_lalu",
    "jam_kerja",
    "lapangan_usaha",
    "status_dalam_pekerjaan_utama",
)


def p3ke_file(per: Period, snap: pd.DataFrame, out: Path, employment: bool = True):
    b = _base(per, snap.person_id.to_numpy())
    # P3KE is a 2021-22 snapshot: it keeps the household and village it was taken with
    b["household_id_snapshot"] = snap.household_id.to_numpy()
    b["village_code"] = snap.household_id.map(per.households.village_code).to_numpy()
    b = _apply_person_defects(per, b, "registry", caps=True)
    emp = _employment_columns(b)
    hh = per.households.loc[b.household_id_snapshot]
    f = pd.DataFrame(
        {
            "ID Keluarga P3KE": snap.p3ke_family_id.to_numpy(),
            "ID Individu": ["P3KEI" + str(9_000_000 + i) for i in range(len(b))],
            "Kode Kemdagri": b.village_code,
            "Desil Kesejahteraan": snap.desil.to_numpy(),
            "Persentil": snap.persentil.to_numpy(),
            "Alamat": hh.address.to_numpy(),
            "Prioritas Verval": "NORMAL",
            "Nama": b.name_raw,
            "NIK": b.nik_raw,
            "Padan Dukcapil": np.where(per.rng.random(len(b)) < 0.15, "TIDAK PADAN", "PADAN"),
            "Jenis Kelamin": b.sex.map({"L": "Laki-laki", "P": "Perempuan"}),
            "Hubungan dengan Kepala Keluarga": b.relationship.map(REL_P3KE),
            "Tanggal Lahir": dfx.format_dates(b.birth_raw, "iso"),
            "Pekerjaan": emp["occupation"],
            "Status Pekerjaan": emp["status"],
            "Pendidikan": emp["education"],
            "Kepemilikan Rumah": hh.house_ownership.to_numpy(),
            "Jenis Atap": hh.roof.to_numpy(),
            "Jenis Dinding": hh.wall.to_numpy(),
            "Jenis Lantai": hh.floor.to_numpy(),
            "Sumber Penerangan": hh.lighting.to_numpy(),
            "Bahan Bakar Memasak": hh.cooking_fuel.to_numpy(),
            "Sumber Air Minum": hh.water.to_numpy(),
            "Memiliki fasilitas Buang Air Besar": hh.sanitation.to_numpy(),
        }
    )
    name = "p3ke_individu_lebong.csv"
    if not employment:
        f = f.drop(columns=[c for c in EMPLOYMENT_HEADERS if c in f])
    rows = write_delimited(out / name, f)
    return {"file": name, "kind": "p3ke"}, _truth(b, name, rows)


def dtsen_file(per: Period, snap: pd.DataFrame, out: Path, employment: bool = True):
    b = _base(per, snap.person_id.to_numpy())
    b = _apply_person_defects(per, b, "registry", caps=True)
    emp = _employment_columns(b)
    hh = per.households.loc[b.household_id]
    works = b.works.fillna(False).astype(bool)
    f = pd.DataFrame(
        {
            "id_keluarga": "DTSEN" + b.household_id.astype(str).str.zfill(8),
            "id_individu": "I" + b.person_id.astype(str).str.zfill(9),
            "kode_wilayah": b.village_code,
            "desil_nasional": snap.desil.to_numpy(),
            "alamat": hh.address.to_numpy(),
            "rt": hh.rt.to_numpy(),
            "rw": hh.rw.to_numpy(),
            "no_kk": b.kk_raw,
            "nik": b.nik_raw,
            "nama": b.name_raw,
            "jenis_kelamin": b.sex.map({"L": "1", "P": "2"}),
            "tanggal_lahir": dfx.format_dates(b.birth_raw, "iso"),
            "hubungan_kepala_keluarga": b.relationship.map(REL_CODE),
            "pendidikan": emp["education"],
            "bekerja_seminggu_lalu": np.where(b.age >= 15, np.where(works, "Ya", "Tidak"), ""),
            "jam_kerja": np.where(works, b.hours.astype(int).astype(str), ""),
            "lapangan_usaha": emp["sector_code"],
            "status_dalam_pekerjaan_utama": emp["status_code"],
            "lantai": hh.floor.to_numpy(),
            "dinding": hh.wall.to_numpy(),
            "atap": hh.roof.to_numpy(),
            "air_minum": hh.water.to_numpy(),
            "fasilitas_bab": hh.sanitation.to_numpy(),
            "penerangan": hh.lighting.to_numpy(),
            "bahan_bakar_memasak": hh.cooking_fuel.to_numpy(),
            "status_bangunan": hh.house_ownership.to_numpy(),
        }
    )
    name = f"DTSEN_LEBONG_{per.year}Q{per.quarter}.csv"
    if not employment:
        f = f.drop(columns=[c for c in EMPLOYMENT_HEADERS if c in f])
    rows = write_delimited(out / name, f)
    return {"file": name, "kind": "dtsen"}, _truth(b, name, rows)


def program_files(
    per: Period,
    rec: pd.DataFrame,
    out: Path,
    codes: dict[str, str] | None = None,
    empty: tuple[str, ...] = (),
    formats: bool = False,
):
    """All dinas program lists of the quarter, each in its office's own layout.

    `codes` maps each simulated program to the code it is delivered under (programs missing
    from it are not delivered; default: every program in `rec`, under its own code); lists in
    `empty` are written with their header and no rows; `formats` writes some lists in the
    other accepted formats (scenario worlds, `synth/scenarios.py`)."""
    y, q = per.year, per.quarter
    specs, truths = [], []
    if codes is None:
        codes = {c: c for c in rec.program.unique()}
    for code, delivered_as in codes.items():
        grp = rec[rec.program == code].iloc[:0] if code in empty else rec[rec.program == code]
        b = _base(per, grp.person_id.to_numpy())
        b["amount"] = grp.amount.to_numpy()
        b = _apply_person_defects(per, b, "program", caps=code in ("BLT-DD", "BPNT", "RTLH"))
        b, dup_lab = _with_duplicates(per, b)
        vrate = cal.DEFECT_RATES["program"]["village_variant"]
        vname, kec, vlab = _village_text(per, b, vrate, old_kecamatan=code in ("BLT-DD", "RTLH"))
        extra = _join_labels(dup_lab, vlab)
        spec = {"kind": "program", "program": delivered_as}
        title = [f"DAFTAR PENERIMA {delivered_as} KABUPATEN LEBONG", f"TAHUN {y} TRIWULAN {q}"]
        if code == "PKH":
            f = pd.DataFrame(
                {
                    "NO": np.arange(1, len(b) + 1),
                    "NIK": b.nik_raw,
                    "NO KK": b.kk_raw,
                    "NAMA PENGURUS": b.name_raw,
                    "TGL LAHIR": b.birth_raw,
                    "ALAMAT": b.household_id.map(per.households.address).to_numpy(),
                    "DESA/KELURAHAN": vname,
                    "KECAMATAN": kec,
                    "NOMINAL": b.amount,
                }
            )
            name = f"PKH_TAHAP{q}_{y}.xlsx"
            how = dict(title=title, total={"NO": "JUMLAH", "NOMINAL": int(b.amount.sum())})
        elif code == "BPNT":
            nik = dfx.excel_truncate(b.nik_raw)
            sci = per.rng.random(len(b)) < cal.DEFECT_RATES["excel_damage"]["scientific"]
            nik = nik.where(~sci, dfx.excel_scientific(b.nik_raw))
            extra = _join_labels(
                extra,
                pd.Series(
                    np.where(
                        b.nik_raw.str.fullmatch(r"\d{16}"),
                        np.where(sci, "excel_scientific", "excel_truncated"),
                        "",
                    )
                ),
            )
            addr = b.household_id.map(per.households.address).astype(str) + " – " + b.village_name
            f = pd.DataFrame(
                {
                    "NO": np.arange(1, len(b) + 1),
                    "NIK": nik,
                    "NAMA": b.name_raw,
                    "TANGGAL LAHIR": dfx.format_dates(b.birth_raw, "dmy-"),
                    "JENIS KELAMIN": b.sex.map(SEX_WORD),
                    "ALAMAT": addr.to_numpy(),
                    "DESA": vname,
                    "KECAMATAN": kec,
                    "NILAI BANTUAN": b.amount,
                }
            )
            name = f"BPNT_SEMBAKO_{y}_Q{q}.csv"
            how = dict(sep=";", encoding="cp1252")
        elif code == "PBI-JK":
            dates = dfx.format_dates(b.birth_raw, "dmy")
            serial = per.rng.random(len(b)) < 0.1
            dates = dates.where(~serial, dfx.format_dates(b.birth_raw, "serial"))
            f = pd.DataFrame(
                {
                    "NIK": b.nik_raw,
                    "NAMA LENGKAP": b.name_raw,
                    "TGL_LAHIR": dates,
                    "JK": b.sex,
                    "KODE DESA": b.village_code,
                    "NO KK": b.kk_raw,
                }
            )
            name = f"PBI_JK_LEBONG_{y}Q{q}.csv"
            how = {}
        elif code == "BLT-DD":
            f = pd.DataFrame(
                {
                    "NO": np.arange(1, len(b) + 1),
                    "NIK": dfx.excel_truncate(b.nik_raw),
                    "NAMA PENERIMA": b.name_raw,
                    "DESA": vname,
                    "KECAMATAN": kec,
                    "JUMLAH BLT (Rp)": b.amount,
                }
            )
            extra = _join_labels(
                extra,
                pd.Series(np.where(b.nik_raw.str.fullmatch(r"\d{16}"), "excel_truncated", "")),
            )
            name = f"BLT_DANA_DESA_{y}_TW{q}.xlsx"
            how = dict(
                title=title,
                total={"NO": "JUMLAH", "JUMLAH BLT (Rp)": int(b.amount.sum())},
                numeric_cols=("NIK",),
            )
        elif code == "PIP":
            f = pd.DataFrame(
                {
                    "NISN": (b.person_id + 10_000_000).astype(str).str.zfill(10),
                    "NIK SISWA": b.nik_raw,
                    "NAMA SISWA": b.name_raw,
                    "TANGGAL LAHIR": dfx.format_dates(b.birth_raw, "indonesian"),
                    "JENIS KELAMIN": b.sex,
                    "DESA": vname,
                    "NOMINAL": b.amount,
                }
            )
            name = f"PIP_{y}_Q{q}.xlsx"
            how = dict(title=title)
        elif code == "RTLH":
            hh = per.households.loc[b.household_id]
            f = pd.DataFrame(
                {
                    "NIK": b.nik_raw,
                    "NAMA KEPALA KELUARGA": b.name_raw,
                    "ALAMAT": hh.address.to_numpy(),
                    "RT": hh.rt.to_numpy(),
                    "RW": hh.rw.to_numpy(),
                    "DESA": vname,
                    "KECAMATAN": kec,
                    "NILAI BANTUAN": b.amount,
                }
            )
            name = f"RTLH_PERKIM_{y}_Q{q}.xlsx"
            how = dict(title=title, total={"NIK": "JUMLAH", "NILAI BANTUAN": int(b.amount.sum())})
        elif code == "UMKM-AID":
            f = pd.DataFrame(
                {
                    "nik": b.nik_raw,
                    "nama": b.name_raw,
                    "jenis_usaha": "DAGANG",
                    "desa": vname,
                    "kecamatan": kec,
                    "nilai": b.amount,
                }
            )
            name = f"bantuan_umkm_{y}q{q}.txt"
            how = dict(sep="|")
        else:  # SAPROTAN: Dinas Pertanian, odd headers need a `columns:` map
            f = pd.DataFrame(
                {
                    "NO. IDENTITAS": dfx.excel_truncate(b.nik_raw),
                    "NAMA PETANI": b.name_raw,
                    "KELOMPOK TANI": "KT " + b.village_name.str.upper(),
                    "LOKASI": vname,
                    "TGL. LHR": b.birth_raw,
                    "NILAI PAKET": b.amount,
                }
            )
            extra = _join_labels(
                extra,
                pd.Series(np.where(b.nik_raw.str.fullmatch(r"\d{16}"), "excel_truncated", "")),
            )
            name = f"SAPROTAN_DISTAN_{y}_Q{q}.xlsx"
            how = dict(title=title, numeric_cols=("NO. IDENTITAS",))
            spec["columns"] = {
                "NO. IDENTITAS": "nik",
                "LOKASI": "village",
                "TGL. LHR": "birth_date",
            }
        if formats and code in OTHER_FORMATS:
            name, f, how, extra_spec = _other_format(code, name, f, how)
            spec.update(extra_spec)
        rows = _write_list(out / name, f, how)
        specs.append({"file": name, **spec})
        truths.append(_truth(b, name, rows, extra))
    return specs, truths


def _write_list(path: Path, f: pd.DataFrame, how: dict) -> np.ndarray:
    """Write a list as its office does: by suffix, with the layout options in `how` (a list
    without recipients is only its header: no total row)."""
    if f.empty:
        how = {k: v for k, v in how.items() if k != "total"}
    if path.suffix == ".xls":
        return write_xls(path, f, **how)
    if path.suffix == ".xlsx":
        return write_xlsx(
            path, f, how.get("title", []), how.get("total"), how.get("numeric_cols", ())
        )
    return write_delimited(path, f, sep=how.get("sep", ","), encoding=how.get("encoding", "utf-8"))


#: scenario `formats`: program -> (suffix, writer options, header renames)
OTHER_FORMATS = {
    "PKH": (
        ".xls",
        {"sheet": "Data Penerima", "first_sheet": "Petunjuk"},
        {"NIK": "NO_NIK", "NAMA PENGURUS": "Nama Lengkap", "DESA/KELURAHAN": "Kelurahan/Desa"},
    ),
    "PIP": (".txt", {"sep": "\t"}, {"NIK SISWA": "NOMOR NIK", "DESA": "Desa/Kel."}),
    "PBI-JK": (".csv", {"sep": ";", "encoding": "cp1252"}, {"NAMA LENGKAP": "NAMA"}),
    "RTLH": (".xls", {"sheet": "Sheet1"}, {"NAMA KEPALA KELUARGA": "NAMA PENERIMA"}),
}


def _other_format(code: str, name: str, f: pd.DataFrame, how: dict):
    """The same list in another accepted format (old .xls, tab or `;` text) with header
    variants; an .xls whose data are not on the first sheet names its sheet in sources.yml."""
    suffix, opts, renames = OTHER_FORMATS[code]
    f = f.rename(columns=renames)
    if suffix == ".xls":
        how = {"title": how.get("title", []), "total": how.get("total"), **opts}
        if how["total"]:
            how["total"] = {renames.get(k, k): v for k, v in how["total"].items()}
    else:
        how = dict(opts)
    spec = {"sheet": opts["sheet"]} if "first_sheet" in opts else {}
    return Path(name).stem + suffix, f, how, spec


def umkm_file(per: Period, owners: pd.DataFrame, out: Path):
    b = _base(per, owners.person_id.to_numpy())
    b = _apply_person_defects(per, b, "program", caps=False)
    vname, kec, vlab = _village_text(per, b, 0.2, old_kecamatan=False)
    f = pd.DataFrame(
        {
            "NIK": b.nik_raw,
            "NAMA PEMILIK": b.name_raw,
            "JENIS KELAMIN": b.sex,
            "DESA": vname,
            "KECAMATAN": kec,
            "SEKTOR USAHA": owners.business_sector.to_numpy(),
            "OMZET PER BULAN": owners.monthly_revenue.to_numpy(),
            "JUMLAH PEKERJA": owners.workers.to_numpy(),
        }
    )
    name = "lebongbisa_umkm.csv"
    rows = write_delimited(out / name, f)
    return {"file": name, "kind": "umkm"}, _truth(b, name, rows, vlab)


def write_sources_yml(
    out: Path, period: str, specs: list[dict], catalog: list[dict] | None = None
) -> None:
    """`sources.yml`, and the period's own `programs.yml` when it ships a catalog."""
    doc = {"period": period, "sources": specs}
    if catalog is not None:
        (out / "programs.yml").write_text(
            yaml.safe_dump({"programs": catalog}, sort_keys=False, allow_unicode=True)
        )
        doc["programs"] = "programs.yml"
    (out / "sources.yml").write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
