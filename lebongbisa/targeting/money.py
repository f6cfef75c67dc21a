"""What mistargeting costs, in Rupiah (definitions: docs/outputs.md).

Per program, per area and per program and area, for the quarter:
- `rupiah_outside_target`: the Rupiah reaching recipient households outside the program's own
  target rule: the amounts the list paid where it carries them, else the catalog benefit for a
  quarter (`rupiah_from_list` says which share came from the list);
- `rupiah_unreached_target`: the Rupiah a quarter of the catalog benefit would cost for the
  target households the program does not reach (`_year`: a year of it, a one-off once). A
  person-unit program (PBI-JK, PIP) pays per person: a household's cost is the benefit times
  the program's recipients per recipient household (its own list), not times every member.
  No catalog benefit, no figure.
Each carries its households in `numerator` (the count that small-cell suppression protects).
`rupiah_outside_target_year` adds the quarters of the same calendar year processed so far
(chained through the previous quarter's part, `quarters_in_year` counts them); the program
rows carry the range (`_low` / `_high`) the linkage intervals of the rates they rest on give.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa.indicators import Collector
from lebongbisa.ingest.sources import BENEFIT_PER
from lebongbisa.period import Period

#: quarters of payments in a year, by `benefit_per` (default 4; a one-off is paid once)
PER_YEAR = {"once": 1.0}


def quarterly_benefit(program: dict) -> float:
    """The catalog benefit of one recipient for one quarter (NaN for free text or none)."""
    try:
        amount = float(program.get("benefit"))
    except (TypeError, ValueError):
        return float("nan")
    return amount * BENEFIT_PER[program.get("benefit_per") or "year"]


def unit_costs(acc: pd.DataFrame, catalog: list[dict]) -> dict[str, float]:
    """Per program: a quarter's catalog benefit for one target household (a person-unit
    program's benefit times its recipients per recipient household)."""
    out = {}
    for p in catalog:
        cost = quarterly_benefit(p)
        if p.get("unit") == "person":
            rows = acc[acc.program == p["code"]]
            per_household = (
                rows.person_key.nunique() / rows.household_key.nunique() if len(rows) else 1.0
            )
            cost *= per_household
        out[p["code"]] = cost
    return out


def money_measures(
    c: Collector,
    h: pd.DataFrame,
    acc: pd.DataFrame,
    catalog: list[dict],
    tgt: pd.DataFrame,
    delivered: set[str],
    kabupaten: str,
) -> None:
    """The quarter's Rupiah outside the target and needed for the target not reached, per
    delivered program (kabupaten, kecamatan, desa: `program`, `program_kecamatan`,
    `program_desa`) and summed over programs per area (`kabupaten`, `kecamatan`, `desa`).
    Needs a registry (the target rules read the desil): the caller decides."""
    costs = unit_costs(acc, catalog)
    areas = {"program": None, "program_kecamatan": "district_code", "program_desa": "village_code"}
    totals = []
    for p in catalog:
        code = p["code"]
        if code not in delivered:
            continue
        rows = acc[acc.program == code]
        c.rate("rupiah_from_list", "program", code, rows.amount.notna().sum(), len(rows))
        r, t = h[f"receives_{code}"].astype(bool), tgt[code].astype(bool)
        frame = pd.DataFrame(
            {
                "outside": (r & ~t).astype(int),
                "outside_rp": h[f"rupiah_{code}"].where(r & ~t, 0.0),
                "missed": (t & ~r).astype(int),
            }
        )
        frame["missed_rp"] = frame.missed * costs[code]
        frame["missed_rp_year"] = frame.missed_rp * PER_YEAR.get(p.get("benefit_per"), 4.0)
        frame["district_code"], frame["village_code"] = h.district_code, h.village_code
        totals.append(frame)
        for scope, column in areas.items():
            _add(c, scope, _sums(frame, column, code, prefix=f"{code}:"), np.isnan(costs[code]))
    if not totals:
        return
    every = pd.concat(totals)
    no_cost = [p["code"] for p in catalog if p["code"] in delivered and np.isnan(costs[p["code"]])]
    for scope, column in (
        ("kabupaten", None),
        ("kecamatan", "district_code"),
        ("desa", "village_code"),
    ):
        _add(c, scope, _sums(every, column, kabupaten), bool(no_cost))


SUMMED = ["outside", "outside_rp", "missed", "missed_rp", "missed_rp_year"]


def _sums(frame: pd.DataFrame, column: str | None, whole: str, prefix: str = "") -> pd.DataFrame:
    """The summed columns per area of `column`, each row named `<prefix><area>` (one row named
    `whole` when `column` is None)."""
    if column is None:
        return frame[SUMMED].sum().to_frame(whole).T
    sums = frame.groupby(column)[SUMMED].sum()
    return sums.set_axis([f"{prefix}{a}" for a in sums.index])


def _add(c: Collector, scope: str, sums: pd.DataFrame, cost_unknown: bool) -> None:
    """Each area's two figures; Rupiah needed is not computable without a catalog benefit."""
    for where, g in sums.iterrows():
        c.amount("rupiah_outside_target", scope, where, g.outside_rp, g.outside)
        for name, column in (
            ("rupiah_unreached_target", "missed_rp"),
            ("rupiah_unreached_target_year", "missed_rp_year"),
        ):
            if cost_unknown:
                c.not_computable(name, scope, where)
            else:
                c.amount(name, scope, where, g[column], g.missed)


def ranges(ind: pd.DataFrame, costs: dict[str, float], period: str) -> pd.DataFrame:
    """`_low` / `_high` of each program's two figures from the intervals of the rates they rest
    on: Rupiah outside moves with the inclusion error over all the program's Rupiah; Rupiah
    needed is the exclusion error's target households times the cost of one."""
    c = Collector(period)
    p = ind[ind.scope_type == "program"].set_index(["indicator", "scope_code"]).value
    for code, cost in costs.items():
        if ("inclusion_error_low", code) not in p.index:
            continue
        rp, inc = p.get(("rupiah", code)), p.get(("inclusion_error", code))
        outside = p.get(("rupiah_outside_target", code))
        if outside is not None and not np.isnan(inc):
            for end in ("low", "high"):
                bound = outside + (p[(f"inclusion_error_{end}", code)] - inc) * rp
                c.value(f"rupiah_outside_target_{end}", "program", code, max(bound, 0.0))
        target = p.get(("target_households", code))
        if target is not None and not np.isnan(cost) and ("exclusion_error_low", code) in p.index:
            for end in ("low", "high"):
                bound = p[(f"exclusion_error_{end}", code)] * target * cost
                c.value(f"rupiah_unreached_target_{end}", "program", code, bound)
    return c.frame()


def year_to_date(
    current: pd.DataFrame, previous: pd.DataFrame | None, kabupaten: str
) -> pd.DataFrame:
    """`rupiah_outside_target_year` rows: this quarter's figure plus the previous quarter's
    `_year` when that quarter is in the same calendar year (else this quarter's alone), and
    `quarters_in_year`."""
    period = str(current.period.iloc[0]) if len(current) else ""
    key = ["indicator", "scope_type", "scope_code"]
    name = "rupiah_outside_target"
    now = current[current.indicator == name]
    quarters = 1
    prev = None
    if previous is not None and len(previous):
        before = str(previous.period.iloc[0])
        if Period.parse(before).year == Period.parse(period).year:
            prev = previous[previous.indicator == f"{name}_year"].assign(indicator=name)
            q = previous[(previous.indicator == "quarters_in_year")].value
            quarters = int(q.iloc[0]) + 1 if len(q) else 1
    year = now.copy()
    if prev is not None:
        m = now[key].merge(prev[key + ["value", "numerator"]], on=key, how="left")
        year["value"] = now.value.to_numpy() + m.value.fillna(0).to_numpy()
        year["numerator"] = now.numerator.to_numpy() + m.numerator.fillna(0).to_numpy()
    year["indicator"] = year.indicator + "_year"
    c = Collector(period)
    c.value("quarters_in_year", "kabupaten", kabupaten, quarters)
    return pd.concat([year, c.frame()], ignore_index=True)
