"""Clerical review of uncertain links: a restricted workbook with both records side by side
(Indonesian headers, NIK as text), and the officer's decisions read back on the next run.

The officer fills KEPUTUSAN with SAMA (same person) or BEDA (different people), and PETUGAS
with their name, and saves the workbook under the name of the `decisions` artefact
(review_linkage_keputusan.xlsx) in the same folder. The next run reads the decisions into the
decisions log (link/decisions) by the pair's identity keys (KUNCI 1/2), so they hold in every
later quarter too.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from lebongbisa.folder import artefact
from lebongbisa.link.decisions import LOG_COLUMNS, empty_log, ordered
from lebongbisa.restricted import write_workbook

#: the workbooks' names (artefacts `review` and `decisions`), for messages and tests
REVIEW_FILE = Path(artefact("review").file).name
DECISIONS_FILE = Path(artefact("decisions").file).name
#: the review workbook's STATUS per class of pair (decisions.for_review), read back as the class
STATUS = {
    "band": "belum digabung",
    "attached": "digabung otomatis",
    "unfound": "penerima belum ditemukan di registri",
}
SIDE = {
    "source_file": "FILE",
    "source_row": "BARIS",
    "nik_raw": "NIK",
    "name_raw": "NAMA",
    "birth_date": "TGL LAHIR",
    "sex": "JK",
    "village_code": "KODE DESA",
    "kk_raw": "NO KK",
}


def review_table(pairs: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """One row per pair to review (decisions.for_review, or a log's contradicted decisions):
    record 1 and record 2 side by side, with the probability, whether the run joined them,
    and their identity keys (how the decision is remembered)."""
    cols = list(SIDE)
    r = records[cols].copy()
    r["birth_date"] = pd.to_datetime(r.birth_date).dt.strftime("%d-%m-%Y")
    left = (
        r.loc[pairs.uid_l].reset_index(drop=True).rename(columns={c: f"{SIDE[c]} 1" for c in cols})
    )
    right = (
        r.loc[pairs.uid_r].reset_index(drop=True).rename(columns={c: f"{SIDE[c]} 2" for c in cols})
    )
    out = pd.concat([left, right], axis=1)
    cls = pairs.pair_class if "pair_class" in pairs else pd.Series("band", index=pairs.index)
    out.insert(0, "STATUS", cls.map(STATUS).fillna(STATUS["band"]).to_numpy())
    out.insert(0, "PELUANG SAMA (%)", (pairs.match_probability.to_numpy() * 100).round(1))
    out.insert(0, "NO", range(1, len(out) + 1))
    out["KEPUTUSAN (SAMA/BEDA)"] = ""
    out["PETUGAS"] = ""
    out["KUNCI 1"] = pairs.key_1.to_numpy()
    out["KUNCI 2"] = pairs.key_2.to_numpy()
    order = ["NO", "PELUANG SAMA (%)", "STATUS"] + [f"{SIDE[c]} {i}" for c in cols for i in (1, 2)]
    return out[order + ["KEPUTUSAN (SAMA/BEDA)", "PETUGAS", "KUNCI 1", "KUNCI 2"]]


def write_review(
    path: Path, table: pd.DataFrame, period: str, contradicted: pd.DataFrame | None = None
) -> Path:
    notes = [
        f"Tinjauan kecocokan data periode {period}: pasangan data yang mungkin orang yang sama, "
        "diurutkan dari yang keputusannya paling mengubah hasil.",
        "Isi kolom KEPUTUSAN dengan SAMA (orang yang sama) atau BEDA (orang berbeda), "
        "dan kolom PETUGAS dengan nama Anda.",
        f"Simpan berkas sebagai {DECISIONS_FILE} di folder yang sama; jalankan ulang periode ini.",
        "Keputusan diingat untuk triwulan berikutnya (kolom KUNCI); jangan ubah kolom KUNCI.",
        "Lembar BERTENTANGAN: keputusan lama yang kini bertentangan dengan data baru "
        "(mis. dua NIK sah yang berbeda); keputusan itu tidak dipakai sampai diputuskan ulang.",
        "Data pribadi: lihat BACA_SAYA.txt tentang siapa yang boleh menerima berkas ini.",
    ]
    sheets = {"TINJAUAN": table}
    if contradicted is not None and len(contradicted):
        sheets["BERTENTANGAN"] = contradicted
    return write_workbook(path, sheets, notes)


def read_decisions(path: Path, records: pd.DataFrame, keys: pd.Series, period: str) -> pd.DataFrame:
    """The officer's decisions in the workbook, as decisions-log rows (decisions.LOG_COLUMNS).

    Pairs are taken by their identity keys (KUNCI 1/2); a workbook without them (an older one)
    is read by file and row. `keys` holds each record's identity key by position in
    `records`. Who decided is the PETUGAS column (or "tidak diisi"), when is the day the
    workbook was saved."""
    if not path.exists():
        return empty_log()
    t = pd.read_excel(path, sheet_name="TINJAUAN", dtype=str, engine="calamine").fillna("")
    dec = t["KEPUTUSAN (SAMA/BEDA)"].str.strip().str.upper()
    t = t[dec.isin(["SAMA", "BEDA"])]
    if t.empty:
        return empty_log()
    if {"KUNCI 1", "KUNCI 2"} <= set(t.columns):
        k1, k2 = t["KUNCI 1"].str.strip(), t["KUNCI 2"].str.strip()
    else:
        pos = pd.Series(
            keys.to_numpy(),
            index=pd.MultiIndex.from_frame(records[["source_file", "source_row"]].astype(str)),
        )

        def look(i: int) -> pd.Series:
            rows = t[f"BARIS {i}"].str.replace(r"\.0$", "", regex=True)
            found = [pos.get(k) for k in zip(t[f"FILE {i}"], rows, strict=True)]
            return pd.Series(found, index=t.index).fillna("")

        k1, k2 = look(1), look(2)
    who = t["PETUGAS"].str.strip() if "PETUGAS" in t else pd.Series("", index=t.index)
    status = t["STATUS"] if "STATUS" in t else pd.Series("", index=t.index)
    p = pd.to_numeric(t.get("PELUANG SAMA (%)"), errors="coerce") / 100
    out = pd.DataFrame(
        {
            "key_1": k1,
            "key_2": k2,
            "same": dec[t.index] == "SAMA",
            "decided_by": who.where(who != "", "tidak diisi"),
            "decided_at": date.fromtimestamp(path.stat().st_mtime).isoformat(),
            "period": period,
            "p_model": p,
            "pair_class": status.map({v: k for k, v in STATUS.items()}).fillna(""),
        }
    )
    out = out[(out.key_1 != "") & (out.key_2 != "")]
    return ordered(out[LOG_COLUMNS]).reset_index(drop=True)
