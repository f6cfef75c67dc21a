"""What an area brief says, as numbers read from the quarter's indicators (and the earlier
quarters' for the change and the trend): one function per section, DataFrames out, nothing
formatted here (render.py writes the pages)."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from lebongbisa import gazetteer

LEVELS = ("kecamatan", "desa")
#: the key figures of a brief, in order: (indicator, kind)
KEY_FIGURES = (
    ("households", "count"),
    ("persons", "count"),
    ("households_desil1", "count"),
    ("exclusion_error_any_program", "rate"),
    ("coverage_any_program", "rate"),
    ("working_poverty_rate", "rate"),
    # shown only once officers' returned lists have come back (targeting/verification.py)
    ("verification_returned", "count"),
    ("verification_persons_removed", "count"),
)
PROGRAM_COLUMNS = ("recipients_households", "coverage", "exclusion_error", "inclusion_error")
QUALITY_COLUMNS = (
    "quality_rows",
    "quality_nik_invalid",
    "quality_nik_missing",
    "quality_nik_excel_damaged",
    "quality_birth_date_problems",
)
#: indicator families a brief lists whole (per sector, per reason): grouped by area once
PREFIXED = ("working_poor_sector_", "working_poverty_rate_sector_", "priority_contribution_")
LEVEL_CODE = ["scope_type", "scope_code"]


class Row(NamedTuple):
    """One indicator of one area, as `AreaIndicators.value` returns it."""

    value: float
    numerator: float
    denominator: float
    hidden: str

    def get(self, field: str, default=None):
        """The field, or `default` (the access pandas rows offer)."""
        return getattr(self, field, default)


class AreaIndicators:
    """A quarter's indicators indexed for the briefs: the rows of each area (`kabupaten`,
    `kecamatan`, `desa` scopes) and the per-area rows of the programs, program pairs and
    dinas (scope codes `<unit>:<area>`), grouped once per quarter so that each of the 116
    briefs looks its rows up instead of filtering the quarter's 35,000 again."""

    def __init__(self, ind: pd.DataFrame, units: bool = True):
        self.ind = ind
        own = ind[ind.scope_type.isin(LEVELS)]
        hidden = own["hidden"] if "hidden" in own else pd.Series("", index=own.index)
        self._rows: dict[tuple[str, str, str], Row] = {}
        # the text columns as lists: walking Arrow strings one by one is slow
        levels, codes = own.scope_type.tolist(), own.scope_code.tolist()
        for *key, value, numerator, denominator, h in zip(
            levels,
            codes,
            own.indicator.tolist(),
            own.value,
            own.numerator,
            own.denominator,
            hidden.tolist(),
            strict=True,
        ):  # an indicator repeated in an area keeps its first row
            self._rows.setdefault(tuple(key), Row(value, numerator, denominator, h))
        self._areas = set(zip(levels, codes, strict=True))
        self._empty = own.iloc[:0]
        self._prefixed = {  # (level, code) -> the area's rows of the family
            prefix: dict(
                iter(own[own.indicator.str.startswith(prefix)].groupby(LEVEL_CODE, sort=False))
            )
            for prefix in PREFIXED
        }
        self._cache: dict = {}
        if units:  # the rows of units per area (not needed for an earlier quarter's trend)
            split = ind[ind.scope_code.str.contains(":", regex=False)]
            parts = [c.rsplit(":", 1) for c in split.scope_code]
            self.split = split.assign(unit=[p[0] for p in parts], area=[p[1] for p in parts])

    def value(self, level: str, code: str, name: str) -> Row | None:
        """The row (value, numerator, denominator, hidden) of indicator `name` for the area."""
        return self._rows.get((level, code, name))

    def has(self, level: str, code: str) -> bool:
        """Whether the area has indicators this quarter."""
        return (level, code) in self._areas

    def prefixed(self, level: str, code: str, prefix: str) -> pd.DataFrame:
        """The area's rows whose indicator starts with `prefix` (one of `PREFIXED`)."""
        return self._prefixed[prefix].get((level, code), self._empty)

    def once(self, key: tuple, build):
        """`build()`, computed for the quarter once per `key`."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def wide(self, scope_type: str) -> pd.DataFrame:
        """The rows of `scope_type` (per-area units) as one table indexed by (area, unit),
        columns (`value` | `denominator` | `hidden`, indicator)."""

        def build() -> pd.DataFrame:
            g = self.split[self.split.scope_type == scope_type]
            if "hidden" not in g:
                g = g.assign(hidden="")
            return g.set_index(["area", "unit", "indicator"])[
                ["value", "denominator", "hidden"]
            ].unstack("indicator")

        return self.once(("wide", scope_type), build)


def areas(ind: pd.DataFrame) -> pd.DataFrame:
    """The kecamatan and desa with households this quarter: level, code, name, and the
    kecamatan of a desa (`parent`, `parent_name`), kecamatan first."""
    v = gazetteer.villages()
    has = ind[(ind.indicator == "households") & ind.scope_type.isin(LEVELS) & (ind.value > 0)]
    kec = v.drop_duplicates("district_code")
    rows = [
        {
            "level": "kecamatan",
            "code": r.district_code,
            "name": r.district_name,
            "parent": None,
            "parent_name": None,
        }
        for r in kec.itertuples()
    ] + [
        {
            "level": "desa",
            "code": r.village_code,
            "name": r.village_name,
            "parent": r.district_code,
            "parent_name": r.district_name,
        }
        for r in v.itertuples()
    ]
    out = pd.DataFrame(rows)
    keep = out.set_index(["level", "code"]).index.isin(
        has.set_index(["scope_type", "scope_code"]).index
    )
    return out[keep].reset_index(drop=True)


def key_figures(
    now: AreaIndicators, prev: AreaIndicators | None, level: str, code: str
) -> pd.DataFrame:
    """The key figures with their change since the previous quarter (NaN without one)."""
    rows = []
    for name, kind in KEY_FIGURES:
        r = now.value(level, code, name)
        if r is None:
            continue
        p = prev.value(level, code, name) if prev is not None else None
        change = r.value - p.value if p is not None else float("nan")
        rows.append(
            {
                "indicator": name,
                "kind": kind,
                "value": r.value,
                "denominator": r.denominator,
                "change": change,
                "hidden": r.get("hidden", ""),
            }
        )
    return pd.DataFrame(rows)


def desil_counts(now: AreaIndicators, level: str, code: str) -> pd.DataFrame:
    """Households per recorded desil (the desil the registries carry: 1-10 or 1-4)."""
    rows = [
        (d, r.value, r.get("hidden", ""))
        for d in range(1, 11)
        if (r := now.value(level, code, f"households_desil{d}")) is not None
    ]
    return pd.DataFrame(rows, columns=["desil", "households", "hidden"])


def _program_rows(now: AreaIndicators, level: str, code: str, columns: tuple) -> pd.DataFrame:
    """The area's rows of `columns` per program (`<column>_hidden`: suppressed), with the
    denominators of the errors and coverage; None when no program has a row there."""

    def build() -> dict[str, pd.DataFrame]:
        w = now.wide(f"program_{level}")
        if w.empty or columns[0] not in w["value"]:
            return {}
        out = w["value"].reindex(columns=list(columns))
        hidden = w["hidden"].reindex(columns=list(columns)).fillna("")
        for c in columns:
            out[f"{c}_hidden"] = hidden[c]
        for c in ("coverage", "exclusion_error", "inclusion_error"):
            out[f"{c}_den"] = w["denominator"].get(c)
        return {
            area: g.droplevel("area").rename_axis("program").reset_index()
            for area, g in out.groupby(level="area", sort=False)
        }

    return now.once(("programs", level, columns), build).get(code)


def programs(now: AreaIndicators, level: str, code: str) -> pd.DataFrame:
    """Per program reaching or targeting the area: recipient households, coverage, exclusion
    and inclusion error (with their denominators, for suppression)."""
    out = _program_rows(now, level, code, PROGRAM_COLUMNS)
    return pd.DataFrame(columns=["program", *PROGRAM_COLUMNS]) if out is None else out


MONEY_COLUMNS = (
    "rupiah_outside_target",
    "rupiah_outside_target_year",
    "rupiah_unreached_target_year",
)


def money(now: AreaIndicators, level: str, code: str) -> pd.DataFrame:
    """Per program in the area: Rupiah reaching households outside its target (this quarter and
    the year so far) and a year's Rupiah for its target households not reached (`_hidden`:
    suppressed)."""
    out = _program_rows(now, level, code, MONEY_COLUMNS)
    return pd.DataFrame(columns=["program", *MONEY_COLUMNS]) if out is None else out


def program_pairs(now: AreaIndicators, level: str, code: str, top: int = 3) -> pd.DataFrame:
    """The pairs of programs most often received by the same households of the area."""

    def build() -> dict[str, pd.DataFrame]:
        g = now.split[now.split.scope_type == f"program_pair_{level}"]
        g = g[(g.indicator == "co_receipt_households") & (g.value > 0)]
        # largest first, ties in their order (as nlargest): a stable sort, then each area's top
        g = g.sort_values("value", ascending=False, kind="stable").groupby("area").head(top)
        g = g.rename(columns={"unit": "pair", "value": "households"})
        return {area: t[["pair", "households"]] for area, t in g.groupby("area", sort=False)}

    found = now.once(("pairs", level, top), build).get(code)
    if found is None:
        return pd.DataFrame({"pair": pd.Series(dtype=str), "households": pd.Series(dtype=float)})
    return found


def working_poor(now: AreaIndicators, level: str, code: str) -> pd.DataFrame:
    """What the area's working poor work in: per sector, the working poor and the sector's
    working-poverty rate (with its denominator), largest first."""
    if not now.has(level, code):
        return pd.DataFrame(columns=["sector", "working_poor", "rate", "employed"])
    counts = now.prefixed(level, code, "working_poor_sector_")
    rates = now.prefixed(level, code, "working_poverty_rate_sector_")
    out = pd.DataFrame(
        {
            "sector": counts.indicator.str.removeprefix("working_poor_sector_").array,
            "working_poor": counts.value.to_numpy(),
            "hidden": counts.get("hidden", pd.Series("", index=counts.index)).to_numpy(),
        }
    )
    r = rates.set_index(rates.indicator.str.removeprefix("working_poverty_rate_sector_"))
    out["rate"] = out.sector.map(r.value)
    out["employed"] = out.sector.map(r.denominator)
    return out.sort_values("working_poor", ascending=False).reset_index(drop=True)


def trend(history: list[tuple[str, AreaIndicators]], level: str, code: str) -> pd.DataFrame:
    """Per processed quarter up to this one: desil-1 households and the share no program
    reaches (with its denominator)."""
    rows = []
    for period, a in history:
        d1 = a.value(level, code, "households_desil1")
        ex = a.value(level, code, "exclusion_error_any_program")
        if d1 is None:
            continue
        rows.append(
            {
                "period": period,
                "households_desil1": d1.value,
                "not_reached": ex.value if ex is not None else float("nan"),
                "denominator": ex.denominator if ex is not None else float("nan"),
                "hidden": d1.get("hidden", ""),
                "not_reached_hidden": ex.get("hidden", "") if ex is not None else "",
            }
        )
    columns = ["period", "households_desil1", "not_reached", "denominator", "hidden"]
    return pd.DataFrame(rows, columns=[*columns, "not_reached_hidden"])


def priority(now: AreaIndicators, code: str, reasons: int = 3) -> dict | None:
    """A desa's Desa Binaan rank, its range under other weights, and its main reasons (the
    largest contributions to its priority index); None when it was not ranked."""

    def build() -> dict | None:
        rank = now.value("desa", code, "priority_rank")
        if rank is None:
            return None
        g = now.prefixed("desa", code, "priority_contribution_")
        contrib = g.set_index("indicator").value.sort_values(ascending=False)
        return {
            "rank": rank.value,
            "best": now.value("desa", code, "priority_rank_p05").value,
            "worst": now.value("desa", code, "priority_rank_p95").value,
            "reasons": list(contrib.index.str.removeprefix("priority_contribution_")[:reasons]),
        }

    # a desa's rank shows on its own page and on its kecamatan's: computed once
    return now.once(("priority", code, reasons), build)


def desa_ranks(now: AreaIndicators, kecamatan: str) -> pd.DataFrame:
    """The Desa Binaan ranks of a kecamatan's desa, best first."""
    v = gazetteer.villages()
    rows = []
    for r in v[v.district_code == kecamatan].itertuples():
        p = priority(now, r.village_code)
        if p is not None:
            rows.append({"code": r.village_code, "name": r.village_name, **p})
    return pd.DataFrame(
        rows, columns=["code", "name", "rank", "best", "worst", "reasons"]
    ).sort_values("rank")


def data_quality(now: AreaIndicators, level: str, code: str) -> pd.DataFrame:
    """Per dinas, the data problems of its rows in the area (a kecamatan sums its desa: rows
    added up, shares weighted by rows)."""

    def build() -> dict[str, pd.DataFrame]:
        w = now.wide("agency_desa")
        if w.empty:
            return {}
        values = w["value"]
        rows = values["quality_rows"]
        area = values.index.get_level_values("area")
        if level == "kecamatan":  # a desa outside the gazetteer belongs to no kecamatan
            desa = gazetteer.villages()
            area = area.map(dict(zip(desa.village_code, desa.district_code, strict=True)))
        keys = [area, values.index.get_level_values("unit")]
        out = {"quality_rows": rows.groupby(keys).sum()}
        for c in QUALITY_COLUMNS[1:]:
            out[c] = (values[c] * rows).groupby(keys).sum() / out["quality_rows"]
        return {
            a: g.droplevel(0)
            .rename_axis("dinas")
            .reset_index()
            .sort_values("quality_rows", ascending=False)
            for a, g in pd.DataFrame(out).groupby(level=0, sort=False)
        }

    found = now.once(("quality", level), build).get(code)
    return pd.DataFrame(columns=["dinas", *QUALITY_COLUMNS]) if found is None else found
