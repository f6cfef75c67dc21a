"""Targeting measures from the household base (definitions: docs/outputs.md).

exclusion = |T and not R| / |T|, inclusion = |R and not T| / |R| (no recorded desil = outside
the target), coverage = |R| / households. Each program is judged against its own target rule
*and* against the poor (desil 1-2): the same program can look well targeted against one
benchmark and badly against the other (Grosh et al. 2022, table 7.3).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from lebongbisa.gazetteer import kabupaten_code
from lebongbisa.indicators import Collector
from lebongbisa.ingest.stage import read_sources
from lebongbisa.targeting.households import among
from lebongbisa.targeting.money import money_measures
from lebongbisa.targeting_rules import evaluate_rule

POOR_RULE = "desil <= 2"


def targets(h: pd.DataFrame, catalog: list[dict]) -> pd.DataFrame:
    """Household x program: in the program's target (own rule)."""
    return pd.DataFrame(
        {p["code"]: evaluate_rule(str(p["target_rule"]), h) for p in catalog}, index=h.index
    )


def delivered_programs(manifest: dict) -> set[str]:
    """Catalog programs whose list the period delivered and stage 1 could read (a header-only
    list counts: delivered, with zero recipients)."""
    return {s["program"] for s in read_sources(manifest) if s.get("kind") == "program"}


#: program indicators that judge recipients by their recorded desil
DESIL_PROGRAM_INDICATORS = (
    "target_households",
    "exclusion_error",
    "inclusion_error",
    "exclusion_error_poor",
    "inclusion_error_poor",
    "recipients_in_registry",
    "benefit_incidence_poor",
)


def graduation(h: pd.DataFrame) -> pd.Series:
    """Households to help out of poverty through their own work (list e): desil 1-2, members
    who work, a business (UMKM registry) or a farm of their own, and no pemberdayaan program
    this quarter."""
    own_work = h.has_business.astype(bool) | h.own_farm.astype(bool)
    poor_working = (h.desil <= 2).fillna(False).astype(bool) & (h.workers > 0)
    return poor_working & own_work & ~h.receives_pemberdayaan.astype(bool)


def excluded_two_quarters(now: pd.DataFrame, before: pd.DataFrame) -> pd.Series:
    """Per household of `now` (indexed by household_key): desil 1 and reached by no program
    in both quarters (two household bases of the same desil regime)."""
    cols = ["household_key", "desil", "programs"]
    both = now[cols].merge(before[cols], on="household_key", how="left", suffixes=("", "_before"))
    flag = (both.desil == 1) & (both.programs == 0)
    flag &= (both.desil_before == 1) & (both.programs_before == 0)
    return pd.Series(flag.to_numpy(), index=both.household_key)


def program_measures(
    c: Collector, h: pd.DataFrame, catalog: list[dict], delivered: set[str], registry: bool = True
) -> None:
    """Per catalog program: whether its list was delivered, and for delivered ones only,
    recipients, coverage, errors and incidence (a program without a list has no rate). Without
    any registry no household has a recorded desil: the desil-based rates are not computable
    (not "every recipient outside the target")."""
    tgt = targets(h, catalog)
    poor = evaluate_rule(POOR_RULE, h)
    n = len(h)
    for p in catalog:
        code = p["code"]
        c.count("program_list_delivered", "program", code, int(code in delivered))
        if code not in delivered:
            continue
        r = h[f"receives_{code}"]
        t = tgt[code]
        c.count("recipients_households", "program", code, r.sum())
        c.rate("coverage", "program", code, r.sum(), n)
        c.count("rupiah", "program", code, h[f"rupiah_{code}"].sum())
        if not registry:
            for name in DESIL_PROGRAM_INDICATORS:
                c.not_computable(name, "program", code)
            continue
        c.count("target_households", "program", code, t.sum())
        c.rate("exclusion_error", "program", code, (t & ~r).sum(), t.sum())
        c.rate("inclusion_error", "program", code, (r & ~t).sum(), r.sum())
        c.rate("exclusion_error_poor", "program", code, (poor & ~r).sum(), poor.sum())
        c.rate("inclusion_error_poor", "program", code, (r & ~poor).sum(), r.sum())
        c.rate("recipients_in_registry", "program", code, (r & h.in_registry).sum(), r.sum())
        rp = h[f"rupiah_{code}"]
        c.rate("benefit_incidence_poor", "program", code, rp[poor].sum(), rp.sum())
        for d in range(1, 11):
            in_d = h.desil == d
            if in_d.any():
                c.rate(f"coverage_desil{d}", "program", code, (r & in_d).sum(), in_d.sum())
        none = h.desil.isna()
        c.rate("coverage_no_desil", "program", code, (r & none).sum(), none.sum())
        for d in range(1, 11):
            c.rate(f"incidence_desil{d}", "program", code, (r & (h.desil == d)).sum(), r.sum())
        c.rate("incidence_no_desil", "program", code, (r & none).sum(), r.sum())


def person_program_measures(
    c: Collector,
    acc: pd.DataFrame,
    h: pd.DataFrame,
    catalog: list[dict],
    delivered: set[str],
    registry: bool = True,
) -> None:
    """For person-unit programs (PBI-JK, PIP): errors counted on persons too.

    A list of persons says nothing about which recipients share a household; when recipients
    appear in no household-bearing source, household-level counts depend on that unknown
    grouping, while person-level counts do not."""
    persons = acc.sort_values("rank").drop_duplicates("person_key")[["person_key", "household_key"]]
    tgt = targets(h, catalog).set_index(h.household_key)
    for p in catalog:
        if p.get("unit") != "person" or p["code"] not in delivered:
            continue
        code = p["code"]
        r = among(persons.person_key, acc.person_key[acc.program == code])
        t = persons.household_key.map(tgt[code]).fillna(False).to_numpy(dtype=bool)
        c.count("recipients_persons", "program", code, r.sum())
        if not registry:
            c.not_computable("exclusion_error_persons", "program", code)
            c.not_computable("inclusion_error_persons", "program", code)
            continue
        c.rate("exclusion_error_persons", "program", code, (t & ~r).sum(), t.sum())
        c.rate("inclusion_error_persons", "program", code, (r & ~t).sum(), r.sum())


#: the areas below the kabupaten: scope level and the household base's column of its code
AREAS = (("kecamatan", "district_code"), ("desa", "village_code"))


def _served(h: pd.DataFrame, catalog: list[dict], delivered: set[str]) -> dict[str, pd.DataFrame]:
    """Households x program and households x dinas: served by it (delivered lists only)."""
    lists = [p for p in catalog if p["code"] in delivered]
    programs = pd.DataFrame({p["code"]: h[f"receives_{p['code']}"].astype(bool) for p in lists})
    agencies = sorted({p["agency"] for p in lists})
    dinas = pd.DataFrame(
        {a: programs[[p["code"] for p in lists if p["agency"] == a]].any(axis=1) for a in agencies}
    )
    return {"program": programs, "agency": dinas}


def _pairs(c: Collector, served: pd.DataFrame, scope: str, area: pd.Series | None) -> None:
    """Co-receipt and Jaccard of each pair of columns of `served`, for the whole kabupaten
    (`area` None; code `A+B`) or per area (code `A+B:<area>`, only where either serves)."""
    units = list(served.columns)
    groups = [(None, served)] if area is None else served.groupby(area)
    for code, g in groups:
        m = g.to_numpy(dtype=np.int64)
        both = m.T @ m  # households served by both (the diagonal: by each)
        n = np.diag(both)
        for i, j in combinations(range(len(units)), 2):
            either = n[i] + n[j] - both[i, j]
            if code is not None and not either:
                continue
            where = f"{units[i]}+{units[j]}" + ("" if code is None else f":{code}")
            c.count("co_receipt_households", scope, where, both[i, j])
            c.rate("jaccard", scope, where, both[i, j], either)


def overlap_measures(
    c: Collector, h: pd.DataFrame, catalog: list[dict], delivered: set[str]
) -> None:
    """Where programs and dinas meet on the same households: each pair's co-receipt and
    Jaccard for the kabupaten and per kecamatan and desa."""
    for unit, served in _served(h, catalog, delivered).items():
        _pairs(c, served, f"{unit}_pair", None)
        for level, column in AREAS:
            _pairs(c, served, f"{unit}_pair_{level}", h[column])


def program_area_measures(
    c: Collector, h: pd.DataFrame, catalog: list[dict], delivered: set[str], registry: bool = True
) -> None:
    """Per delivered program and kecamatan / desa with households (scope `program_kecamatan`
    / `program_desa`, code `<program>:<area>`): recipient households and coverage, and with a
    registry the exclusion and inclusion error, by the kabupaten's rules."""
    tgt = targets(h, catalog)
    for p in catalog:
        code = p["code"]
        if code not in delivered:
            continue
        r, t = h[f"receives_{code}"].astype(bool), tgt[code].astype(bool)
        flags = pd.DataFrame({"n": True, "r": r, "t": t, "missed": t & ~r, "outside": r & ~t})
        for level, column in AREAS:
            scope = f"program_{level}"
            for g in flags.groupby(h[column]).sum().itertuples():
                where = f"{code}:{g.Index}"
                c.count("recipients_households", scope, where, g.r)
                c.rate("coverage", scope, where, g.r, g.n)
                if not registry:
                    c.not_computable("exclusion_error", scope, where)
                    c.not_computable("inclusion_error", scope, where)
                    continue
                c.count("target_households", scope, where, g.t)
                c.rate("exclusion_error", scope, where, g.missed, g.t)
                c.rate("inclusion_error", scope, where, g.outside, g.r)


#: area indicators that need at least one delivered program list
PROGRAM_AREA_INDICATORS = (
    "graduation_households",
    "exclusion_error_any_program",
    "exclusion_error_any_program_poor",
    "coverage_any_program",
    "desil1_bansos_and_pemberdayaan",
    "benefit_incidence_poor",
)


def area_measures(
    c: Collector,
    h: pd.DataFrame,
    scope_type: str,
    codes: pd.Series,
    any_list: bool = True,
    registry: bool = True,
    desils: list[int] = (),
) -> None:
    """Counts (households by desil: 1 and `desils`), desil-1 exclusion and convergence for the
    kabupaten, each kecamatan or desa.

    Program-based rates are taken over the delivered programs; with no list delivered
    (`any_list` False) they are not computable."""
    d1, d12, any_prog = h.desil == 1, h.desil <= 2, h.programs > 0
    flags = pd.DataFrame(
        {
            "n": 1,
            "d1": d1,
            **{f"d{d}": h.desil == d for d in desils},
            "d12": d12,
            "excluded": d1 & ~any_prog,
            "excluded_poor": d12 & ~any_prog,
            "any_prog": any_prog,
            "graduation": graduation(h),
            "both_d1": h.receives_bansos & h.receives_pemberdayaan & d1,
            "rp_d12": h.rupiah_total.where(d12, 0.0),
            "rp": h.rupiah_total,
        },
        index=h.index,
    ).astype({"n": int})
    by = codes.fillna("unknown")
    sums = flags.groupby(by).sum()
    # the mean programs and dinas per desil-1 household (NaN where the area has none)
    means = pd.DataFrame({"programs": h.programs.where(d1), "dinas": h.dinas.where(d1)})
    means = means.groupby(by).mean()
    for code, g in sums.iterrows():
        if scope_type != "kabupaten":
            c.count("households", scope_type, code, g.n)
        c.count("households_desil1", scope_type, code, g.d1)
        for d in desils:  # the rest of the quarter's desil scale, for the area's distribution
            c.count(f"households_desil{d}", scope_type, code, g[f"d{d}"])
        c.count("households_desil_le2", scope_type, code, g.d12)
        if not (any_list and registry):
            for name in PROGRAM_AREA_INDICATORS:
                c.not_computable(name, scope_type, code)
            continue
        c.rate("exclusion_error_any_program", scope_type, code, g.excluded, g.d1)
        c.rate("exclusion_error_any_program_poor", scope_type, code, g.excluded_poor, g.d12)
        c.rate("coverage_any_program", scope_type, code, g.any_prog, g.n)
        if g.d1:
            c.value("programs_per_desil1_household", scope_type, code, means.programs[code])
            c.value("dinas_per_desil1_household", scope_type, code, means.dinas[code])
        c.count("graduation_households", scope_type, code, g.graduation)
        c.rate("desil1_bansos_and_pemberdayaan", scope_type, code, g.both_d1, g.d1)
        c.rate("benefit_incidence_poor", scope_type, code, g.rp_d12, g.rp)


def area_persons(c: Collector, acc: pd.DataFrame, h: pd.DataFrame) -> None:
    """Distinct persons per kecamatan and desa, each in the area of their household."""
    persons = acc.sort_values("rank").drop_duplicates("person_key")
    where = persons[["household_key"]].merge(h[["household_key", *dict(AREAS).values()]])
    for level, column in AREAS:
        for code, n in where.groupby(column).size().items():
            c.count("persons", level, code, n)


def measure(
    h: pd.DataFrame,
    catalog: list[dict],
    period: str,
    acc: pd.DataFrame,
    delivered: set[str] | None = None,
    registry: bool = True,
    detail: bool = True,
) -> pd.DataFrame:
    """All targeting indicators of a period (tidy, docs/outputs.md); `delivered` (default: every
    catalog program) names the programs whose list the period delivered, `registry` whether
    it has a registry (the only source of desil). Without `detail`, the kabupaten and program
    indicators of who is reached alone (no kecamatan and desa, Rupiah, programs by area or
    overlaps): what the comparison with the truth reads, three times a page."""
    if delivered is None:
        delivered = {p["code"] for p in catalog}
    any_list = bool(delivered & {p["code"] for p in catalog})
    kab = kabupaten_code()
    c = Collector(period)
    c.count("persons", "kabupaten", kab, acc.person_key.nunique())
    if detail:
        area_persons(c, acc, h)
    c.count("households", "kabupaten", kab, len(h))
    desils = [int(d) for d in sorted(h.desil.dropna().unique()) if d != 1]
    scopes = [("kabupaten", pd.Series(kab, index=h.index))]
    if detail:
        scopes += [("kecamatan", h.district_code), ("desa", h.village_code)]
    for scope, codes in scopes:
        area_measures(c, h, scope, codes, any_list, registry, desils)
    program_measures(c, h, catalog, delivered, registry)
    if registry and detail:
        money_measures(c, h, acc, catalog, targets(h, catalog), delivered, kab)
    if detail:
        program_area_measures(c, h, catalog, delivered, registry)
    person_program_measures(c, acc, h, catalog, delivered, registry)
    if detail:
        overlap_measures(c, h, catalog, delivered)
    return c.frame()


def combinations_table(h: pd.DataFrame, catalog: list[dict], top: int = 15) -> pd.DataFrame:
    """The most common combinations of programs among households receiving any (an empty
    table when no household receives a program)."""
    codes = [p["code"] for p in catalog]
    rec = h[[f"receives_{c}" for c in codes]].set_axis(codes, axis=1)
    rec = rec[rec.any(axis=1)]
    if rec.empty:
        return pd.DataFrame(
            {
                "programs": pd.Series(dtype=str),
                "households": pd.Series(dtype=int),
                "desil1_share": pd.Series(dtype=float),
            }
        )
    # each household's combination as a bit mask (a label only for the most common ones)
    mask = pd.Series(rec.to_numpy().astype(np.int64) @ (1 << np.arange(len(codes))), rec.index)
    counts = mask.value_counts().head(top)
    desil1 = (h.loc[rec.index, "desil"] == 1).groupby(mask).mean()
    return pd.DataFrame(
        {
            "programs": [
                " + ".join(c for j, c in enumerate(codes) if m >> j & 1) for m in counts.index
            ],
            "households": counts.to_numpy(),
            "desil1_share": desil1.reindex(counts.index).to_numpy(),
        }
    )


def agency_co_receipt(h: pd.DataFrame, catalog: list[dict]) -> pd.DataFrame:
    """Dinas x dinas: households served by both (the diagonal: served by that dinas)."""
    served = _served(h, catalog, {p["code"] for p in catalog})["agency"]
    if served.empty:  # no program list delivered
        return pd.DataFrame(dtype=int)
    return served.T.astype(int) @ served.astype(int)
