"""Stage-1 summaries: reconciliation, reasons and flags, NIK quality, village matching, and a
data-quality scorecard per dinas that a head of office can act on (labels in the run's
language)."""

from __future__ import annotations

import pandas as pd

from lebongbisa import indicators, kinds
from lebongbisa.flags import (
    NIK_DAMAGE,
    NIK_INVALID,
    REASON_LABELS,
    REASON_LABELS_EN,
    has_flag,
    nik_category,
)
from lebongbisa.i18n import Translator


def _flags(reason: pd.Series) -> pd.DataFrame:
    """Long table (row index, flag)."""
    f = reason.fillna("").str.split(";").explode()
    return f[f != ""].rename("flag").reset_index()


def reconciliation(manifest: dict) -> pd.DataFrame:
    """Per source: rows read, accepted, quarantined, and whether they add up."""
    rows = []
    for s in manifest["sources"]:
        rows.append(
            {
                "file": s["file"],
                "kind": s["kind"],
                "program": s.get("program") or "",
                "status": s["status"],
                "rows_read": s.get("rows_read", 0),
                "rows_accepted": s.get("rows_accepted", 0),
                "rows_quarantined": s.get("rows_quarantined", 0),
            }
        )
    t = pd.DataFrame(rows)
    t["reconciled"] = t.rows_read == t.rows_accepted + t.rows_quarantined
    return t


def reason_counts(records: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """How often each quarantine reason and flag occurs, by status, with its label in
    `lang`."""
    f = _flags(records.reason)
    f["status"] = records.status.to_numpy()[f["index"].to_numpy()]
    t = f.groupby(["status", "flag"]).size().rename("rows").reset_index()
    labels = REASON_LABELS if Translator(lang).indonesian else REASON_LABELS_EN
    t["label"] = t.flag.map(labels).fillna(t.flag)
    return t.sort_values(["status", "rows"], ascending=[False, False]).reset_index(drop=True)


def nik_quality(records: pd.DataFrame) -> pd.DataFrame:
    """Share of accepted rows per source with a valid, damaged, invalid or missing NIK."""
    acc = records[records.status == "accepted"]
    t = pd.crosstab(acc.source_file, nik_category(acc.reason), normalize="index")
    for c in ("valid", "excel_damaged", "invalid", "missing"):
        if c not in t:
            t[c] = 0.0
    return t[["valid", "excel_damaged", "invalid", "missing"]].rename_axis("file").reset_index()


def village_match(clean: pd.DataFrame) -> pd.DataFrame:
    """Per source: share of accepted rows placed in a village (exact, fuzzy) or not."""
    acc = clean[clean.status == "accepted"]
    fuzzy = acc.reason.fillna("").str.contains("village_fuzzy")
    return (
        pd.DataFrame({"file": acc.source_file, "matched": acc.village_code.notna(), "fuzzy": fuzzy})
        .groupby("file")
        .agg(rows=("matched", "size"), matched=("matched", "mean"), fuzzy=("fuzzy", "mean"))
        .reset_index()
    )


def scorecard(
    records: pd.DataFrame, clean: pd.DataFrame, catalog: list[dict], lang: str = "id"
) -> pd.DataFrame:
    """One row per dinas (program agency or registry owner): the numbers and what to fix (in
    `lang`)."""
    return graded(_numbers(_row_flags(clean, catalog), ["dinas"]), lang)


def scorecard_by_desa(clean: pd.DataFrame, catalog: list[dict]) -> pd.DataFrame:
    """The scorecard's numbers per dinas and desa, over the rows whose village is known:
    where each dinas's data problems are, for the desa briefs."""
    flags = _row_flags(clean, catalog)
    return _numbers(flags[flags.village_code.notna()], ["dinas", "village_code"])


def _row_flags(clean: pd.DataFrame, catalog: list[dict]) -> pd.DataFrame:
    """Per stage-1 row: its dinas and the data problems the scorecard counts."""
    agency = {p["code"]: p["agency"] for p in catalog}
    owner = clean.program.map(agency).fillna(clean.kind.map(kinds.AGENCY)).fillna(clean.kind)
    r = clean.reason
    return pd.DataFrame(
        {
            "dinas": owner,
            "village_code": clean.village_code,
            "quarantined": clean.status == "quarantined",
            "nik_valid": clean.nik_valid,
            "village": clean.village_code.notna(),
            "damaged": has_flag(r, NIK_DAMAGE),
            "invalid": has_flag(r, NIK_INVALID),
            "missing": has_flag(r, {"nik_missing"}),
            "dup": has_flag(r, {"duplicate_row"}),
            "date_bad": has_flag(r, {"birth_date_invalid", "nik_birthdate_mismatch"}),
        }
    )


def _numbers(d: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """The scorecard's numbers (SCORECARD_NUMBERS) of the row flags, grouped `by`."""
    return (
        d.groupby(by)
        .agg(
            rows=("nik_valid", "size"),
            quarantined=("quarantined", "sum"),
            nik_valid=("nik_valid", "mean"),
            nik_excel_damaged=("damaged", "mean"),
            nik_invalid=("invalid", "mean"),
            nik_missing=("missing", "mean"),
            village_matched=("village", "mean"),
            duplicate_rows=("dup", "sum"),
            birth_date_problems=("date_bad", "mean"),
        )
        .reset_index()
    )


SCORECARD_NUMBERS = [
    "rows",
    "quarantined",
    "nik_valid",
    "nik_excel_damaged",
    "nik_invalid",
    "nik_missing",
    "village_matched",
    "duplicate_rows",
    "birth_date_problems",
]


def graded(t: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """Add the grade (A–D by the share of valid NIKs) and the advice (in `lang`) to scorecard
    numbers."""
    t = t.copy()
    t["grade"] = pd.cut(t.nik_valid, [-0.01, 0.7, 0.85, 0.95, 1.01], labels=list("DCBA")).astype(
        str
    )
    t["what_to_fix"] = t.apply(_advice, axis=1, say=Translator(lang))
    return t.sort_values("nik_valid").reset_index(drop=True)


def scorecard_indicators(card: pd.DataFrame, collector) -> None:
    """The scorecard's numbers as indicators `quality_<column>` with scope_type `agency`;
    with a `village_code` column (scorecard_by_desa), scope `agency_desa` and code
    `<dinas>:<desa>` (the village match is then true by construction and left out)."""
    by_desa = "village_code" in card
    numbers = [c for c in SCORECARD_NUMBERS if not (by_desa and c == "village_matched")]
    for r in card.itertuples(index=False):
        scope, code = (
            ("agency_desa", f"{r.dinas}:{r.village_code}") if by_desa else ("agency", r.dinas)
        )
        for col in numbers:
            collector.value(f"quality_{col}", scope, code, getattr(r, col))


def scorecard_from_indicators(ind: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """The scorecard rebuilt from `indicators.csv` (what the published summary reads)."""
    t = indicators.wide(ind, "agency", "quality_")
    return graded(t.rename_axis("dinas").reset_index(), lang)


def _advice(r: pd.Series, say: Translator) -> str:
    tips = []
    if r.nik_excel_damaged > 0.01:
        tips.append(
            say(
                "format kolom NIK sebagai Teks di Excel sebelum mengisi/menyimpan",
                "format the NIK column as Text in Excel before filling in or saving",
            )
        )
    if r.nik_invalid > 0.02:
        tips.append(
            say(
                "periksa NIK yang tidak 16 digit atau kodenya tidak sah dengan KTP/KK",
                "check the NIKs that are not 16 digits or whose codes are invalid against KTP/KK",
            )
        )
    if r.nik_missing > 0.02:
        tips.append(say("lengkapi NIK yang kosong", "fill in the missing NIKs"))
    if r.village_matched < 0.98:
        tips.append(
            say(
                "tulis nama desa sesuai daftar Kemendagri",
                "write village names as in the Kemendagri list",
            )
        )
    if r.duplicate_rows > 0:
        n = int(r.duplicate_rows)
        tips.append(say(f"hapus {n} baris ganda", f"remove {n} duplicate row(s)"))
    if r.birth_date_problems > 0.03:
        tips.append(
            say(
                "periksa tanggal lahir (format hari/bulan/tahun)",
                "check the birth dates (day/month/year format)",
            )
        )
    return "; ".join(tips) or say("tidak ada perbaikan mendesak", "nothing urgent to fix")
