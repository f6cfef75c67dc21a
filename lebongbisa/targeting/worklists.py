"""By-name worklists for dinas officers (restricted, Indonesian headers, IDs as text):

a. desil 1-2 households that receive no program — to verify and propose;
b. recipients outside the program's target or in no registry — to review;
c. duplicate receipts within a program — the same person listed twice, or two members of one
   household on a household-unit program's list;
e. desil 1-2 households whose members work, with a business or a farm of their own and no
   pemberdayaan program — to help out of poverty through their own work (graduation);
d. records with an invalid or Excel-damaged NIK, per dinas — to fix at the source, with the
   NIK the same person carries in another source when linkage found one;
f. desil-1 households that no program reached this quarter nor the quarter before — the
   first to visit (empty when the previous quarter is missing or had another desil regime).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lebongbisa import gazetteer, kinds
from lebongbisa import verification as verify
from lebongbisa.flags import REASON_LABELS, nik_category
from lebongbisa.folder import PeriodFolder, artefact
from lebongbisa.i18n import SECTOR_ID
from lebongbisa.restricted import write_workbook
from lebongbisa.targeting.measures import graduation, targets

#: the workbooks' names (artefacts `worklist_a` .. `worklist_f`)
FILES = {k: Path(artefact(f"worklist_{k}").file).name for k in "abcdef"}


def _names() -> tuple[pd.Series, pd.Series]:
    """Desa code -> name, kecamatan code -> name."""
    return gazetteer.village_names(), gazetteer.district_names()


def _sheets(df: pd.DataFrame, by: str) -> dict[str, pd.DataFrame]:
    """One sheet per value of `by`; columns starting with `_` are not written."""
    if df.empty:
        return {"KOSONG": pd.DataFrame({"KETERANGAN": ["Tidak ada data untuk daftar ini."]})}
    hidden = [c for c in df.columns if c.startswith("_")]
    return {str(k)[:31]: g.drop(columns=hidden) for k, g in df.groupby(by, sort=True)}


def _keys(rows: pd.DataFrame, village: pd.Series) -> dict[str, np.ndarray]:
    """The hidden columns every list row carries: its person's identity key and household's
    KK key (written as KUNCI ORANG / KUNCI KELUARGA, lebongbisa.verification) and its desa."""
    none = pd.Series(None, index=rows.index, dtype=object)
    return {
        "_person": rows.get("identity_key", none).to_numpy(),
        "_kk": rows.get("kk_key", none).to_numpy(),
        "_village": village.to_numpy(),
    }


def _receipts(prog: pd.DataFrame, catalog: list[dict]) -> pd.Series:
    """Per program-list row, what one receipt is: the household for a household-unit program
    (two members of one household on its list are one receipt twice), else the person."""
    unit = prog.program.map({p["code"]: p.get("unit") for p in catalog})
    who = prog.household_key.where(unit == "household", prog.person_key)
    return prog.program + "|" + who


def _outside(prog: pd.DataFrame, hh: pd.DataFrame, catalog: list[dict]) -> tuple:
    """Per program-list row: in its program's target, and in a registry (bool arrays)."""
    tgt = targets(hh.reset_index(), catalog).set_index(hh.index)
    in_target = tgt.to_numpy(dtype=bool)[
        tgt.index.get_indexer(prog.household_key), tgt.columns.get_indexer(prog.program)
    ]
    in_reg = prog.household_key.map(hh.in_registry).fillna(False).to_numpy(dtype=bool)
    return in_target, in_reg


def members(acc: pd.DataFrame, h: pd.DataFrame, catalog: list[dict]) -> dict[str, pd.Index]:
    """What lists a, b, c and e hold, by their rules: households (a, e: household keys) or
    list rows (b, c: labels of `acc`)."""
    hh = h.set_index("household_key")
    prog = acc[acc.kind == "program"]
    in_target, in_reg = _outside(prog, hh, catalog)
    return {
        "a": hh.index[((hh.desil <= 2) & (hh.programs == 0)).fillna(False).to_numpy(dtype=bool)],
        "b": prog.index[~in_target | ~in_reg],
        "c": prog.index[_receipts(prog, catalog).duplicated(keep=False).to_numpy()],
        "e": hh.index[graduation(h).to_numpy(dtype=bool)],
    }


def build(
    acc: pd.DataFrame, ident: pd.DataFrame, h: pd.DataFrame, catalog: list[dict]
) -> dict[str, pd.DataFrame]:
    """Worklists a-e as tables (`_sheet` says which sheet a row goes to; columns starting with
    `_` are not written)."""
    vname, dname = _names()
    idn = ident.loc[acc.index]
    people = acc.assign(
        nik=idn.nik, nik_raw=idn.nik_raw, name=idn.name_raw, kk=idn.kk_raw, address=idn.address
    )
    reg = people.sort_values("rank")
    heads = reg[reg.relationship == "KEPALA KELUARGA"].drop_duplicates("household_key")
    heads = heads.set_index("household_key")
    first = reg.drop_duplicates("household_key").set_index("household_key")
    rep = heads.reindex(h.household_key).combine_first(first.reindex(h.household_key))

    # a. poor households without any program
    hh = h.set_index("household_key")
    held = members(acc, h, catalog)
    a_mask = hh.index.isin(held["a"])
    a_mask = pd.Series(a_mask, index=hh.index)
    ra = rep.loc[a_mask[a_mask].index]
    a = pd.DataFrame(
        {
            "_sheet": hh.district_code[a_mask].map(dname).fillna("TANPA KECAMATAN").to_numpy(),
            "_household": a_mask[a_mask].index.to_numpy(),
            **_keys(ra, hh.village_code[a_mask]),
            "DESA": hh.village_code[a_mask].map(vname).to_numpy(),
            "NIK KEPALA KELUARGA": ra.nik.fillna(ra.nik_raw).to_numpy(),
            "NAMA KEPALA KELUARGA": ra.name.to_numpy(),
            "NO KK": ra.kk.to_numpy(),
            "ALAMAT": ra.address.to_numpy(),
            "DESIL": hh.desil[a_mask].astype(int).to_numpy(),
            "JUMLAH ANGGOTA": hh.members[a_mask].to_numpy(),
            "ANAK 0-6": hh.children_0_6[a_mask].to_numpy(),
            "ANAK USIA SEKOLAH": hh.children_school_age[a_mask].to_numpy(),
            "LANSIA 70+": hh.elderly_70[a_mask].to_numpy(),
            "SUMBER DESIL": hh.desil_source[a_mask].str.upper().to_numpy(),
        }
    ).sort_values(["_sheet", "DESA", "DESIL"])
    e = _graduation(people, rep, hh, held["e"], catalog, vname, dname)

    # b. recipients outside the target or in no registry
    agency = {p["code"]: p["agency"] for p in catalog}
    rules = {p["code"]: str(p["target_rule"]) for p in catalog}
    prog = people[people.kind == "program"]
    _, in_reg = _outside(prog, hh, catalog)
    bmask = prog.index.isin(held["b"])
    pb = prog[bmask]
    desil = pb.household_key.map(hh.desil)
    why = np.where(
        ~in_reg[bmask],
        "tidak ada di DTKS/P3KE/DTSEN",
        "di luar sasaran ("
        + pb.program.map(rules)
        + "); desil tercatat: "
        + desil.astype("string").fillna("tidak ada"),
    )
    b = pd.DataFrame(
        {
            "_sheet": pb.program.map(agency).to_numpy(),
            **_keys(pb, pb.village_code),
            "PROGRAM": pb.program.to_numpy(),
            "FILE": pb.source_file.to_numpy(),
            "BARIS": pb.source_row.to_numpy(),
            "NIK": pb.nik.fillna(pb.nik_raw).to_numpy(),
            "NAMA": pb.name.to_numpy(),
            "DESA": pb.village_code.map(vname).to_numpy(),
            "DESIL": desil.to_numpy(),
            "ALASAN": why,
        }
    ).sort_values(["_sheet", "PROGRAM", "DESA"])

    # c. duplicate receipts: the same person more than once in one program's list, or, for a
    # household-unit program, two rows of one household
    dup = prog.loc[held["c"]].assign(_receipt=_receipts(prog.loc[held["c"]], catalog))
    dup = dup.sort_values(["_receipt", "source_row"])
    c = pd.DataFrame(
        {
            "_sheet": dup.program.map(agency).to_numpy(),
            **_keys(dup, dup.village_code),
            "PROGRAM": dup.program.to_numpy(),
            "KELOMPOK": pd.factorize(dup._receipt)[0] + 1,
            "FILE": dup.source_file.to_numpy(),
            "BARIS": dup.source_row.to_numpy(),
            "NIK": dup.nik.fillna(dup.nik_raw).to_numpy(),
            "NAMA": dup.name.to_numpy(),
            "DESA": dup.village_code.map(vname).to_numpy(),
            "NOMINAL": dup.amount.to_numpy(),
        }
    )

    # d. invalid or Excel-damaged NIK, with the NIK linkage found elsewhere for the person
    cat = nik_category(people.reason)
    bad = people[cat.isin(["invalid", "excel_damaged", "missing"]).to_numpy()]
    known = people[people.nik.notna()].drop_duplicates("person_key").set_index("person_key").nik
    problem = bad.reason.str.split(";").map(
        lambda fl: "; ".join(REASON_LABELS.get(f, f) for f in fl if f.startswith("nik_"))
    )
    owner = bad.program.map(agency).fillna(bad.kind.map(kinds.AGENCY))
    d = pd.DataFrame(
        {
            "_sheet": owner.to_numpy(),
            **_keys(bad, bad.village_code),
            "FILE": bad.source_file.to_numpy(),
            "BARIS": bad.source_row.to_numpy(),
            "NIK TERTULIS": bad.nik_raw.to_numpy(),
            "NAMA": bad.name.to_numpy(),
            "DESA": bad.village_code.map(vname).to_numpy(),
            "MASALAH": problem.to_numpy(),
            "NIK DI DATA LAIN (ORANG YANG SAMA)": bad.person_key.map(known).to_numpy(),
        }
    ).sort_values(["_sheet", "FILE", "BARIS"])
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


#: a member's employment status as officers write it
STATUS_ID = {
    "own_account": "berusaha sendiri",
    "employer_temporary": "berusaha dibantu buruh tidak tetap",
    "employer_permanent": "berusaha dibantu buruh tetap",
    "employee": "buruh/karyawan",
    "government": "PNS/TNI/Polri/BUMN",
    "casual_agriculture": "pekerja bebas pertanian",
    "casual_nonagriculture": "pekerja bebas non pertanian",
    "casual": "pekerja bebas",
    "unpaid_family": "pekerja keluarga",
}


def _graduation(
    people: pd.DataFrame,
    rep: pd.DataFrame,
    hh: pd.DataFrame,
    keys: pd.Index,
    catalog: list[dict],
    vname: pd.Series,
    dname: pd.Series,
) -> pd.DataFrame:
    """List e: the households `keys` (`members`), with the work of their members, their
    business and the programs they already receive."""
    persons = people.sort_values("rank").drop_duplicates(["household_key", "person_key"])
    working = persons[persons.household_key.isin(keys) & persons.works.fillna(False).astype(bool)]
    work = working.sector.map(SECTOR_ID).fillna("pekerjaan lain") + working.employment_status.map(
        STATUS_ID
    ).map(lambda x: f" ({x})" if isinstance(x, str) else "")
    jobs = work.groupby(working.household_key).agg(lambda x: "; ".join(sorted(set(x))))
    business = people[(people.kind == "umkm") & people.household_key.isin(keys)]
    trade = business.business_sector.fillna("usaha").str.lower()
    shops = trade.groupby(business.household_key).agg(lambda x: "; ".join(sorted(set(x))))
    own = hh.own_farm[keys].map({True: "usaha tani sendiri", False: ""})
    firm = shops.reindex(keys).fillna("")
    codes = [p["code"] for p in catalog if f"receives_{p['code']}" in hh]
    received = hh.loc[keys, [f"receives_{c}" for c in codes]].set_axis(codes, axis=1)
    r = rep.loc[keys]
    e = pd.DataFrame(
        {
            "_sheet": hh.district_code[keys].map(dname).fillna("TANPA KECAMATAN").to_numpy(),
            "_household": keys.to_numpy(),
            **_keys(r, hh.village_code[keys]),
            "DESA": hh.village_code[keys].map(vname).to_numpy(),
            "NIK KEPALA KELUARGA": r.nik.fillna(r.nik_raw).to_numpy(),
            "NAMA KEPALA KELUARGA": r.name.to_numpy(),
            "NO KK": r.kk.to_numpy(),
            "ALAMAT": r.address.to_numpy(),
            "DESIL": hh.desil[keys].astype(int).to_numpy(),
            "ANGGOTA BEKERJA": hh.workers[keys].to_numpy(),
            "PEKERJAAN ANGGOTA": jobs.reindex(keys).fillna("").to_numpy(),
            "USAHA": ["; ".join(x for x in pair if x) for pair in zip(firm, own, strict=True)],
            "PROGRAM YANG DITERIMA": [
                ", ".join(c for c in codes if row[c]) or "-" for _, row in received.iterrows()
            ],
        }
    )
    return e.sort_values(["_sheet", "DESA", "DESIL"])


def left_out_twice(a: pd.DataFrame, excluded: pd.Series | None) -> pd.DataFrame:
    """List f: the rows of list a whose household `excluded` flags (desil 1, no program, in
    this quarter and the one before); empty without a comparable previous quarter."""
    if excluded is None:
        return a.iloc[:0]
    return a[a._household.map(excluded).fillna(False).astype(bool).to_numpy()]


NOTES = {
    "a": "Keluarga desil 1-2 yang tidak menerima program apa pun: verifikasi di lapangan dan "
    "usulkan ke program yang sesuai.",
    "b": "Penerima di luar sasaran program atau tidak tercatat di DTKS/P3KE/DTSEN: tinjau "
    "kelayakannya.",
    "c": "Orang yang sama tercatat lebih dari sekali dalam satu daftar program: periksa dan "
    "hapus yang ganda.",
    "d": "NIK tidak sah atau rusak oleh Excel: perbaiki di sumber data. Kolom terakhir memuat "
    "NIK orang yang sama dari data lain bila ditemukan (periksa dengan KTP/KK).",
    "e": "Keluarga desil 1-2 yang anggotanya bekerja dan punya usaha (terdaftar di UMKM) atau "
    "bertani di lahan sendiri, tetapi belum menerima program pemberdayaan triwulan ini: "
    "calon graduasi, dampingi dengan modal usaha, sarana produksi dan pelatihan.",
    "f": "Keluarga desil 1 yang tidak menerima program apa pun pada triwulan ini dan triwulan "
    "sebelumnya: prioritaskan kunjungan dan usulan program (kosong bila triwulan sebelumnya "
    "tidak diolah atau desilnya dari registri lain).",
}


VERIFY_NOTE = (
    f"Hasil kunjungan lapangan: isi kolom {verify.RESULT} (pilih dari daftar), "
    f"{verify.DATE}, {verify.PROGRAM} (bila sudah menerima program), {verify.OFFICER} dan "
    f"{verify.NOTE}, lalu kirim kembali file ini ke Bappeda. Jangan ubah kolom "
    f"{verify.PERSON_KEY} dan {verify.HOUSEHOLD_KEY}: dengan kunci itu hasilnya dibaca pada "
    f"triwulan berikutnya. {verify.LAST} menunjukkan hasil verifikasi terakhir yang diterima."
)


def with_verification(df: pd.DataFrame, key: str, last: pd.Series) -> pd.DataFrame:
    """A list's rows with the columns an officer fills in the field (lebongbisa.verification):
    the list, the row's keys, the latest result known, then the empty result columns."""
    person = df["_person"] if "_person" in df else pd.Series(None, index=df.index, dtype=object)
    return df.assign(
        **{
            verify.LIST: key,
            verify.HOUSEHOLD_KEY: df.get("_kk"),
            verify.PERSON_KEY: person,
            verify.LAST: person.map(last).astype(object).fillna(""),
        },
        **dict.fromkeys(verify.FILL, ""),
    )


def sent_keys(lists: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The keys of every list row sent this quarter (artefact `list_keys`): what a list
    returned next quarter is matched with (ingest/verification.py)."""
    parts = [
        pd.DataFrame(
            {
                "list": key,
                "person": df["_person"].to_numpy(),
                "household": df["_kk"].to_numpy(),
                "village_code": df["_village"].to_numpy(),
                "district_code": df["_village"].map(gazetteer.district_of_village()).to_numpy(),
                "dinas": df["_sheet"].to_numpy() if key in "bcd" else None,
            }
        )
        for key, df in lists.items()
        if "_person" in df
    ]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return out[out.person.notna()].astype(object) if len(out) else out


def write(
    lists: dict[str, pd.DataFrame],
    folder: PeriodFolder,
    catalog: list[dict],
    last: pd.Series | None = None,
) -> dict[str, int]:
    """Write the workbooks into the period's restricted reports, each row ready for its field
    result (`last`: the latest result known per person key); returns the row count of each."""
    period = folder.period
    last = last if last is not None else pd.Series(dtype=object)
    choices = {
        verify.RESULT: list(verify.RESULTS),
        verify.PROGRAM: [str(p["code"]) for p in catalog],
    }
    counts = {}
    for key, df in lists.items():
        notes = [
            f"Periode {period}. {NOTES[key]}",
            VERIFY_NOTE,
            "Data pribadi: lihat BACA_SAYA.txt. Kolom NIK dan No KK berformat teks.",
        ]
        sheets = _sheets(with_verification(df, key, last), "_sheet")
        write_workbook(folder.path(f"worklist_{key}"), sheets, notes, choices=choices)
        counts[key] = int(len(df))
    return counts
