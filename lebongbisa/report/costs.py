"""What mistargeting costs, for readers: the Rupiah figures of targeting.money as a table per
program and as plain sentences for the kabupaten or an area (the summary and the briefs), from
an indicators table as published (report.disclosure)."""

from __future__ import annotations

import math

import pandas as pd

from lebongbisa.gazetteer import kabupaten_code
from lebongbisa.i18n import Translator
from lebongbisa.report.suppress import HIDDEN


class Rows:
    """An indicators table looked up by (indicator, scope_type, scope_code) in constant time
    (the briefs ask it for every area)."""

    def __init__(self, ind: pd.DataFrame):
        self.ind = ind.reset_index(drop=True)
        t = self.ind  # as lists: walking Arrow strings one by one is slow
        keys = zip(t.indicator.tolist(), t.scope_type.tolist(), t.scope_code.tolist(), strict=True)
        self.at = {k: i for i, k in enumerate(keys)}

    def row(self, name: str, scope: str = "kabupaten", code: str | None = None):
        i = self.at.get((name, scope, code or kabupaten_code()))
        return None if i is None else self.ind.iloc[i]


def _rows(ind: pd.DataFrame | Rows) -> Rows:
    return ind if isinstance(ind, Rows) else Rows(ind)


def _unit_scope(scope_type: str) -> str:
    """The scope of a program's rows in an area: `program`, `program_kecamatan`, ..."""
    return "program" if scope_type == "kabupaten" else f"program_{scope_type}"


def rupiah(r: pd.Series | None, say: Translator) -> str:
    """A Rupiah figure as published: "x" when hidden, "–" when not computable."""
    if r is None:
        return "–"
    if r.get("hidden", ""):
        return HIDDEN
    return "–" if math.isnan(r.value) else say.rupiah(r.value)


def _with_range(ind: Rows, name: str, code: str, say: Translator) -> str:
    text = rupiah(ind.row(name, "program", code), say)
    lo, hi = (ind.row(f"{name}_{end}", "program", code) for end in ("low", "high"))
    if text in ("–", HIDDEN) or lo is None or hi is None:
        return text
    a, b = rupiah(lo, say), rupiah(hi, say)
    return text if a == b else f"{text} ({a}–{b})"


def table(ind: pd.DataFrame | Rows, catalog: list[dict], lang: str = "id") -> pd.DataFrame:
    """Per delivered program: Rupiah outside the target (this quarter with its linkage range,
    and the year so far), Rupiah needed for the target not reached (a quarter with its range,
    and a year), and where the Rupiah come from (paid amounts or the catalog)."""
    say, ind = Translator(lang), _rows(ind)
    rows = []
    for p in catalog:
        code = p["code"]
        if ind.row("rupiah_outside_target", "program", code) is None:
            continue
        paid = ind.row("rupiah_from_list", "program", code)
        source = (
            say("jumlah dibayar (daftar)", "amounts paid (list)")
            if paid is not None and paid.value >= 0.5
            else say("manfaat menurut katalog", "catalog benefit")
        )
        rows.append(
            {
                "Program": code,
                say("Di luar sasaran, triwulan ini", "Outside the target, this quarter"): (
                    _with_range(ind, "rupiah_outside_target", code, say)
                ),
                say("Di luar sasaran, tahun ini", "Outside the target, this year"): rupiah(
                    ind.row("rupiah_outside_target_year", "program", code), say
                ),
                say(
                    "Untuk sasaran yang belum, per triwulan",
                    "For the target not reached, a quarter",
                ): (_with_range(ind, "rupiah_unreached_target", code, say)),
                say("Untuk sasaran yang belum, setahun", "For the target not reached, a year"): (
                    rupiah(ind.row("rupiah_unreached_target_year", "program", code), say)
                ),
                say("Sumber angka Rupiah", "Rupiah from"): source,
            }
        )
    return pd.DataFrame(rows)


def sentences(
    ind: pd.DataFrame | Rows,
    period: str,
    lang: str = "id",
    scope_type: str = "kabupaten",
    code: str | None = None,
    catalog: list[dict] = (),
) -> list[str]:
    """The money in plain words for the kabupaten or an area (empty when the quarter has none:
    no registry, no list), with the assumption behind the targets; the one-off programs of
    `catalog` (benefit_per once) named in the cost of reaching the rest."""
    say, ind = Translator(lang), _rows(ind)
    outside = ind.row("rupiah_outside_target_year", scope_type, code)
    needed = ind.row("rupiah_unreached_target_year", scope_type, code)
    if outside is None:
        return []
    q = ind.row("quarters_in_year")
    quarters = float("nan") if q is None else q.value
    year = period[:4]
    span = (
        say("setahun ini", "this year")
        if quarters >= 4 or math.isnan(quarters)
        else say(
            f"dalam {quarters:.0f} triwulan {year} yang sudah diolah",
            f"in the {quarters:.0f} quarter(s) of {year} processed so far",
        )
    )
    out = [
        say(
            f"{rupiah(outside, say)} {span} sampai ke keluarga di luar sasaran program.",
            f"{rupiah(outside, say)} {span} reached households outside the programs' targets.",
        )
    ]
    if needed is not None and not (math.isnan(needed.value) and not needed.get("hidden", "")):
        once = []
        for p in catalog:
            where = p["code"] if scope_type == "kabupaten" else f"{p['code']}:{code}"
            r = ind.row("rupiah_unreached_target_year", _unit_scope(scope_type), where)
            if p.get("benefit_per") == "once" and r is not None and r.value > 0:
                once.append(f"{rupiah(r, say)} {say('untuk', 'for')} {p['code']}")
        part = (
            say(" (termasuk bantuan sekali bayar: ", " (of which one-off aid: ")
            + ", ".join(once)
            + ")"
            if once
            else ""
        )
        out.append(
            say(
                f"{rupiah(needed, say)} setahun diperlukan untuk menjangkau keluarga sasaran "
                f"yang belum menerima{part}.",
                f"{rupiah(needed, say)} a year would reach the target households not yet "
                f"served{part}.",
            )
        )
    else:
        out.append(
            say(
                "Biaya menjangkau sasaran yang belum tidak dihitung: katalog program tidak memuat "
                "besaran manfaat (dalam Rupiah) untuk setiap program.",
                "The cost of reaching the target not yet served is not computed: the program "
                "catalog does not give every program's benefit in Rupiah.",
            )
        )
    out.append(
        say(
            "Sasaran setiap program mengikuti aturan dalam katalog program (docs/assumptions.md); "
            "aturan itu adalah asumsi yang perlu dikonfirmasi dengan setiap dinas.",
            "Each program's target follows the rule in the program catalog "
            "(docs/assumptions.md): assumptions to be confirmed with each dinas.",
        )
    )
    return out
