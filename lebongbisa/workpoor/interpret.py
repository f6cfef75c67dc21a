"""Plain-language findings generated from the estimates (never fixed text)."""

from __future__ import annotations

import pandas as pd

NAMES = {
    "head_informal": "the head works informally (own account, casual or unpaid)",
    "head_casual_or_unpaid": "the head is a casual or unpaid family worker",
    "head_underemployed": "the head worked fewer than 35 hours",
    "head_education": "each extra level of the head's education",
    "other_working_members": "each additional working member",
    "dependency_ratio": "a household made up entirely of dependents (vs none)",
    "household_size": "each additional household member",
    "female_head": "a woman heads the household",
    "has_business": "the household runs a registered business",
    "house_owned": "the household owns its house",
}


def _pp(x: float) -> str:
    return f"{x * 100:+.1f} percentage points"


def findings(
    fit: dict, rates: pd.DataFrame, kab_rate: float, head_working_share: float
) -> list[str]:
    """Sentences for the analyst notebook, each backed by a number in the tables above."""
    out = [
        f"{kab_rate:.0%} of employed persons live in poor households; among poor households, "
        f"{head_working_share:.0%} have a head who works — poverty here is mostly working "
        "poverty, not unemployment."
    ]
    me = fit["marginal_effects"]
    sig = me[(me.ci_low > 0) | (me.ci_high < 0)].copy()
    sig["abs"] = sig.ame.abs()
    for r in sig.sort_values("abs", ascending=False).head(6).itertuples():
        what = NAMES.get(r.term, r.term.replace("head works in: ", "the head works in "))
        direction = "raises" if r.ame > 0 else "lowers"
        ref = " (compared with a head in trade)" if r.term.startswith("head works in") else ""
        out.append(
            f"When {what}{ref}, the probability of being poor {direction} by "
            f"{_pp(r.ame)[1:]} (95% interval {r.ci_low * 100:.1f} to "
            f"{r.ci_high * 100:.1f})."
        )
    sector = rates[(rates.dimension == "sector") & (rates.group != "not working")]
    if len(sector):
        worst = sector.sort_values("working_poverty_rate", ascending=False).iloc[0]
        out.append(
            f"The highest working-poverty rate is in {worst.group} "
            f"({worst.working_poverty_rate:.0%} of its {worst.employed:,} workers); it "
            f"holds {worst.share_of_working_poor:.0%} of all working poor."
        )
    helpful = sig[
        (sig.ame < 0) & sig.term.isin(["other_working_members", "has_business", "head_education"])
    ]
    if len(helpful):
        levers = ", ".join(
            NAMES[t].replace("each ", "").replace("the household ", "") for t in helpful.term
        )
        out.append(
            "For pemberdayaan programs this points to what lowers poverty here: "
            f"{levers}. Programs that add a working member or a productive business, "
            "and move workers out of casual farm work, act on the causes."
        )
    return out
