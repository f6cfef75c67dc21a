"""Plain-language findings generated from the estimates (never fixed text), in either
language; and the plain names of the model's terms and of the sectors, used by the summary
too."""

from __future__ import annotations

import pandas as pd

from lebongbisa.i18n import SECTOR_ID, Translator

#: a model term as a clause ("when ..."): (Indonesian, English)
NAMES = {
    "head_informal": (
        "kepala keluarga bekerja informal (berusaha sendiri, buruh lepas atau pekerja keluarga)",
        "the head works informally (own account, casual or unpaid)",
    ),
    "head_casual_or_unpaid": (
        "kepala keluarga buruh lepas atau pekerja keluarga tak dibayar",
        "the head is a casual or unpaid family worker",
    ),
    "head_underemployed": (
        "kepala keluarga bekerja kurang dari 35 jam",
        "the head worked fewer than 35 hours",
    ),
    "head_education": (
        "setiap tambahan jenjang pendidikan kepala keluarga",
        "each extra level of the head's education",
    ),
    "other_working_members": (
        "setiap tambahan anggota yang bekerja",
        "each additional working member",
    ),
    "dependency_ratio": (
        "rumah tangga seluruhnya terdiri dari tanggungan (dibanding tanpa tanggungan)",
        "a household made up entirely of dependents (vs none)",
    ),
    "household_size": ("setiap tambahan anggota rumah tangga", "each additional household member"),
    "female_head": ("rumah tangga dikepalai perempuan", "a woman heads the household"),
    "has_business": (
        "rumah tangga memiliki usaha terdaftar",
        "the household runs a registered business",
    ),
    "house_owned": ("rumah tangga memiliki rumahnya sendiri", "the household owns its house"),
}
#: the terms whose effect is per unit ("each additional …")
PER_UNIT = {"head_education", "other_working_members", "household_size"}
#: what a policy can act on, as a lever: (Indonesian, English)
LEVERS = {
    "other_working_members": ("tambahan anggota yang bekerja", "additional working member"),
    "has_business": ("memiliki usaha terdaftar", "runs a registered business"),
    "head_education": (
        "pendidikan kepala keluarga yang lebih tinggi",
        "extra level of the head's education",
    ),
}
#: the prefix of a head's-sector term of the model
WORK_TERM = "head works in: "


def sector(name: str, lang: str = "id") -> str:
    """A sector in the language (the data's own codes are English)."""
    return SECTOR_ID.get(name, name) if Translator(lang).indonesian else name


def _clause(term: str, say: Translator) -> str:
    if term == WORK_TERM + "not working":
        return say("kepala keluarga tidak bekerja", "the head does not work")
    if term.startswith(WORK_TERM):
        name = term.removeprefix(WORK_TERM)
        return say(f"kepala keluarga bekerja di sektor {sector(name)}", f"the head works in {name}")
    return say(*NAMES[term]) if term in NAMES else term


def _number(x: float, say: Translator) -> str:
    text = f"{x:.1f}"
    return say(text.replace(".", ","), text)


def findings(
    fit: dict, rates: pd.DataFrame, kab_rate: float, head_working_share: float, lang: str = "id"
) -> list[str]:
    """Sentences for the analyst notebook, each backed by a number in the tables above."""
    say = Translator(lang)
    out = [
        say(
            f"{kab_rate:.0%} penduduk yang bekerja hidup dalam rumah tangga miskin; di antara "
            f"rumah tangga miskin, {head_working_share:.0%} dikepalai orang yang bekerja — "
            "kemiskinan di sini sebagian besar kemiskinan pekerja, bukan pengangguran.",
            f"{kab_rate:.0%} of employed persons live in poor households; among poor households, "
            f"{head_working_share:.0%} have a head who works — poverty here is mostly working "
            "poverty, not unemployment.",
        )
    ]
    me = fit["marginal_effects"]
    sig = me[(me.ci_low > 0) | (me.ci_high < 0)].copy()
    sig["abs"] = sig.ame.abs()
    for r in sig.sort_values("abs", ascending=False).head(6).itertuples():
        what = _clause(r.term, say)
        by, low, high = (_number(v * 100, say) for v in (abs(r.ame), r.ci_low, r.ci_high))
        if r.term.startswith(WORK_TERM):
            what += say(
                " (dibanding kepala keluarga di sektor perdagangan)",
                " (compared with a head in trade)",
            )
        interval = say(f"(selang 95% {low} sampai {high})", f"(95% interval {low} to {high})")
        if r.term in PER_UNIT:  # "each additional member raises …", not "when each …"
            out.append(
                say(
                    f"{what[0].upper() + what[1:]} {'menaikkan' if r.ame > 0 else 'menurunkan'} "
                    f"peluang miskin {by} poin persen {interval}.",
                    f"{what[0].upper() + what[1:]} {'raises' if r.ame > 0 else 'lowers'} the "
                    f"probability of being poor by {by} percentage points {interval}.",
                )
            )
            continue
        out.append(
            say(
                f"Bila {what}, peluang miskin {'naik' if r.ame > 0 else 'turun'} {by} poin persen "
                f"{interval}.",
                f"When {what}, the probability of being poor "
                f"{'rises' if r.ame > 0 else 'falls'} by {by} percentage points {interval}.",
            )
        )
    by_sector = rates[(rates.dimension == "sector") & (rates.group != "not working")]
    if len(by_sector):
        worst = by_sector.sort_values("working_poverty_rate", ascending=False).iloc[0]
        employed = f"{worst.employed:,}"
        out.append(
            say(
                f"Tingkat pekerja miskin tertinggi ada di sektor {sector(worst.group)} "
                f"({worst.working_poverty_rate:.0%} dari {employed.replace(',', '.')} "
                f"pekerjanya); sektor ini memuat {worst.share_of_working_poor:.0%} dari seluruh "
                "pekerja miskin.",
                f"The highest working-poverty rate is in {worst.group} "
                f"({worst.working_poverty_rate:.0%} of its {employed} workers); it "
                f"holds {worst.share_of_working_poor:.0%} of all working poor.",
            )
        )
    helpful = sig[(sig.ame < 0) & sig.term.isin(list(LEVERS))]
    if len(helpful):
        levers = ", ".join(say(*LEVERS[t]) for t in helpful.term)
        out.append(
            say(
                "Bagi program pemberdayaan, ini menunjukkan apa yang menurunkan kemiskinan di "
                f"sini: {levers}. Program yang menambah anggota yang bekerja atau usaha produktif, "
                "dan memindahkan pekerja dari buruh tani lepas, menyentuh penyebabnya.",
                "For pemberdayaan programs this points to what lowers poverty here: "
                f"{levers}. Programs that add a working member or a productive business, "
                "and move workers out of casual farm work, act on the causes.",
            )
        )
    return out
