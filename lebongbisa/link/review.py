"""Clerical review of uncertain links: a restricted workbook with both records side by side
(Indonesian headers, NIK as text), and the officer's decisions read back on the next run.

The officer fills KEPUTUSAN with SAMA (same person) or BEDA (different people) and saves the
workbook under the name of the `decisions` artefact (review_linkage_keputusan.xlsx) in
the same folder; the next run of the period
applies those decisions (they override the model for those pairs).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lebongbisa.folder import artefact
from lebongbisa.restricted import write_workbook

#: the workbooks' names (artefacts `review` and `decisions`), for messages and tests
REVIEW_FILE = Path(artefact("review").file).name
DECISIONS_FILE = Path(artefact("decisions").file).name
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
    """One row per uncertain pair: record 1 and record 2 side by side, with the probability."""
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
    out.insert(0, "PELUANG SAMA (%)", (pairs.match_probability.to_numpy() * 100).round(1))
    out.insert(0, "NO", range(1, len(out) + 1))
    out["KEPUTUSAN (SAMA/BEDA)"] = ""
    order = ["NO", "PELUANG SAMA (%)"] + [f"{SIDE[c]} {i}" for c in cols for i in (1, 2)]
    return out[order + ["KEPUTUSAN (SAMA/BEDA)"]]


def write_review(path: Path, table: pd.DataFrame, period: str) -> Path:
    notes = [
        f"Tinjauan kecocokan data periode {period}: pasangan data yang mungkin orang yang sama.",
        "Isi kolom KEPUTUSAN dengan SAMA (orang yang sama) atau BEDA (orang berbeda).",
        f"Simpan berkas sebagai {DECISIONS_FILE} di folder yang sama; jalankan ulang periode ini.",
        "Data pribadi: lihat BACA_SAYA.txt tentang siapa yang boleh menerima berkas ini.",
    ]
    return write_workbook(path, {"TINJAUAN": table}, notes)


def read_decisions(path: Path, records: pd.DataFrame) -> pd.DataFrame:
    """Decided pairs as record positions (`uid_l`, `uid_r`, `same`); empty when none."""
    empty = pd.DataFrame(
        {
            "uid_l": pd.Series(dtype=int),
            "uid_r": pd.Series(dtype=int),
            "same": pd.Series(dtype=bool),
        }
    )
    if not path.exists():
        return empty
    t = pd.read_excel(path, sheet_name="TINJAUAN", dtype=str, engine="calamine").fillna("")
    dec = t["KEPUTUSAN (SAMA/BEDA)"].str.strip().str.upper()
    t = t[dec.isin(["SAMA", "BEDA"])]
    if t.empty:
        return empty
    pos = pd.Series(
        range(len(records)),
        index=pd.MultiIndex.from_frame(records[["source_file", "source_row"]].astype(str)),
    )

    def look(i: int) -> pd.Series:
        keys = list(
            zip(t[f"FILE {i}"], t[f"BARIS {i}"].str.replace(r"\.0$", "", regex=True), strict=True)
        )
        return pd.Series([pos.get(k) for k in keys], index=t.index)

    out = pd.DataFrame(
        {"uid_l": look(1), "uid_r": look(2), "same": dec[t.index] == "SAMA"}
    ).dropna()
    return out.astype({"uid_l": int, "uid_r": int})
