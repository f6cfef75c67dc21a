"""Small cells safe on every published page: primary and complementary suppression of an
indicators table (docs/outputs.md, "Small cells").

A *cell* is a count of households or persons: a count row, and the numerator of a rate row
(the households it counts). A cell of 1 to `min_cell` - 1 is hidden (*small*). Then, until
nothing changes, more cells are hidden (*other*) wherever a reader could work a hidden one out:
- along the sums a reader can subtract: desa -> kecamatan -> kabupaten, for each indicator
  and for the per-area rows of programs, program pairs and dinas (`P:<desa>` -> `P:<kec>` ->
  `P`), wherever the parts add up exactly to the published total. A total with exactly one
  hidden part would give it away: the smallest other non-zero part is hidden too (the total
  when every other part is 0);
- program -> any program: in an area where a single program reaches anyone, its recipients are
  the households reached by any program; the two are hidden together;
- a rate whose denominator (a count published beside it) is hidden is hidden: numerator and
  rate would give the denominator back;
- quarter t against t - 1: a change is hidden when either quarter's value is.
Hidden rows keep their place with an empty value, numerator and denominator; `hidden` says why
(`small`, `other`, or empty) and `kind` what the row was (`count`, `rate` or `value`).
`indicators.csv` itself keeps exact counts: it is the analysts' table, not published.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from lebongbisa import indicators
from lebongbisa.folder import PeriodFolder, as_folder
from lebongbisa.gazetteer import kabupaten_code
from lebongbisa.sections import ReportSettings
from lebongbisa.villages.table import FEATURES as FEATURE_COLUMNS

SMALL, OTHER = "small", "other"
#: rows whose numerator is Rupiah, not households, or that restate another row
NOT_CELLS = re.compile(r"^(rupiah|benefit_incidence_poor|change_.*|.*_(low|high))$")
#: a rate's denominator as the count row published beside it (same scope and code)
SAME_AREA_DENOMINATOR = {
    "exclusion_error_any_program": "households_desil1",
    "exclusion_error_any_program_poor": "households_desil_le2",
    "desil1_bansos_and_pemberdayaan": "households_desil1",
    "coverage_any_program": "households",
    "exclusion_error": "target_households",
    "inclusion_error": "recipients_households",
    "inclusion_error_poor": "recipients_households",
    "recipients_in_registry": "recipients_households",
}
#: the per-area scope families: (desa scope, kecamatan scope, kabupaten-wide scope)
FAMILIES = (
    ("desa", "kecamatan", "kabupaten"),
    ("program_desa", "program_kecamatan", "program"),
    ("program_pair_desa", "program_pair_kecamatan", "program_pair"),
    ("agency_pair_desa", "agency_pair_kecamatan", "agency_pair"),
)


def _row_keys(ind: pd.DataFrame) -> tuple[list, list, list]:
    """The indicator, scope_type and scope_code columns as lists: a row's key is their
    triple (Python lists, since walking pandas' Arrow strings value by value is slow)."""
    return ind.indicator.tolist(), ind.scope_type.tolist(), ind.scope_code.tolist()


def _parents(ind: pd.DataFrame) -> pd.DataFrame:
    """Each row's parent in its family (scope_type, scope_code), or empty."""
    kab = kabupaten_code()
    scope, code = ind.scope_type.to_numpy(), ind.scope_code.astype(str)
    unit, _, area = code.str.rpartition(":").to_numpy().T if len(code) else ([], [], [])
    unit, area = pd.Series(unit, index=ind.index), pd.Series(area, index=ind.index)
    kec = area.where(area == "unknown", area.str[:6])
    p_scope = pd.Series("", index=ind.index)
    p_code = pd.Series("", index=ind.index)
    for desa, kecamatan, whole in FAMILIES:
        d, k = scope == desa, scope == kecamatan
        p_scope[d], p_scope[k] = kecamatan, whole
        if desa == "desa":
            p_code[d], p_code[k] = kec[d], kab
        else:
            p_code[d], p_code[k] = unit[d] + ":" + kec[d], unit[k]
    return pd.DataFrame({"parent_scope": p_scope, "parent_code": p_code})


def _denominator_keys(ind: pd.DataFrame) -> pd.Series:
    """Each rate row's denominator as a row key (indicator, scope, code), or None."""
    keys = [None] * len(ind)
    for i, (name, scope, code) in enumerate(zip(*_row_keys(ind), strict=True)):
        if name in SAME_AREA_DENOMINATOR:
            keys[i] = (SAME_AREA_DENOMINATOR[name], scope, code)
        elif name.startswith("coverage_desil") and scope == "desa":
            keys[i] = ("households_" + name.removeprefix("coverage_"), scope, code)
        elif name.startswith("quality_") and name != "quality_rows":
            keys[i] = ("quality_rows", scope, code)
        elif name == "coverage" and scope.startswith("program"):
            area = code.rpartition(":")[2] if ":" in code else kabupaten_code()
            level = scope.removeprefix("program").strip("_") or "kabupaten"
            keys[i] = ("households", level, area)
    return pd.Series(keys, index=ind.index, dtype=object)


class _Cells:
    """The relations between the rows of one indicators table, as row positions."""

    def __init__(self, ind: pd.DataFrame, min_cell: int):
        ind = ind.reset_index(drop=True)
        self.ind = ind
        num = ind.numerator.to_numpy(dtype=float)
        den = ind.denominator.to_numpy(dtype=float)
        self.cell = (
            ind.numerator.notna().to_numpy() & ~ind.indicator.str.match(NOT_CELLS).to_numpy()
        )
        self.cell &= ind.scope_type.ne("model_term").to_numpy()
        self.num = np.where(self.cell, num, np.nan)
        self.small = self.cell & (num > 0) & (num < min_cell)
        keys = zip(*_row_keys(ind), strict=True)
        self.where = where = {k: i for i, k in enumerate(keys)}
        dkeys = _denominator_keys(ind)
        self.den_of = np.array([where.get(k, -1) if k else -1 for k in dkeys])
        # a rate whose denominator is no published count: judged on its own denominator
        self.small |= self.cell & (self.den_of < 0) & (den > 0) & (den < min_cell)
        self.sums = self._sums()
        self.unions = self._unions()

    def _sums(self) -> list[tuple[int, np.ndarray]]:
        """(total, parts) wherever the parts add up exactly to the total."""
        ind, out = self.ind, []
        parents = _parents(ind)
        child = self.cell & parents.parent_scope.ne("").to_numpy()
        frame = pd.DataFrame(
            {
                "indicator": ind.indicator[child].to_numpy(object),
                "scope": parents.parent_scope[child].to_numpy(object),
                "code": parents.parent_code[child].to_numpy(object),
            }
        )
        positions = np.flatnonzero(child)
        groups = frame.groupby(["indicator", "scope", "code"], sort=False).indices
        for key, rows in groups.items():
            total = self.where.get(key)
            if total is None or not self.cell[total]:
                continue
            parts = positions[rows]
            if abs(self.num[parts].sum() - self.num[total]) < 1e-6:
                out.append((total, parts))
        return out

    def _unions(self) -> list[tuple[int, np.ndarray]]:
        """(households reached by any program, recipients per program) per area."""
        ind, out = self.ind, []
        rec = ind[(ind.indicator == "recipients_households") & self.cell]
        levels = {"program": "kabupaten", "program_kecamatan": "kecamatan", "program_desa": "desa"}
        rec = rec[rec.scope_type.isin(levels)]
        if rec.empty:
            return out
        area = rec.scope_code.str.rpartition(":")[2].where(
            rec.scope_code.str.contains(":", regex=False), kabupaten_code()
        )
        for (scope, code), g in rec.groupby([rec.scope_type, area]):
            total = self.where.get(("coverage_any_program", levels[scope], code))
            if total is not None and self.cell[total]:
                out.append((total, g.index.to_numpy()))
        return out

    def gives_away(self, hidden: np.ndarray, members: np.ndarray) -> bool:
        """A sum whose one hidden member a reader could work out (a hidden 0, as a rate over
        too few households has, gives nothing away: zeros are not protected)."""
        gone = members[hidden[members]]
        return len(gone) == 1 and self.num[gone[0]] > 0

    def hide(self) -> np.ndarray:
        """Primary and complementary suppression: the hidden rows (bool)."""
        hidden = self.small.copy()
        changed = True
        while changed:
            changed = False
            # a rate whose denominator is hidden
            d = (self.den_of >= 0) & ~hidden
            d[d] = hidden[self.den_of[d]]
            if d.any():
                hidden |= d
                changed = True
            for total, parts in self.sums:
                members = np.append(parts, total)
                if not self.gives_away(hidden, members):
                    continue
                shown = parts[~hidden[parts] & (self.num[parts] > 0)]
                pick = shown[np.argmin(self.num[shown])] if len(shown) else total
                if not hidden[pick] and (len(shown) or self.num[total] > 0):
                    hidden[pick] = changed = True
            for total, parts in self.unions:
                reaching = parts[self.num[parts] > 0]
                if len(reaching) == 1:
                    pair = [total, reaching[0]]
                    if hidden[pair].any() and not hidden[pair].all():
                        hidden[pair] = changed = True
        return hidden


def protect(
    ind: pd.DataFrame,
    min_cell: int = ReportSettings.min_cell,
    previous: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The published copy of an indicators table (`hidden` added; hidden rows emptied); with
    `previous` (that quarter's published copy) a change is hidden where either end is."""
    out = ind.reset_index(drop=True).copy()
    out["kind"] = np.where(
        out.denominator.notna(),
        "rate",
        np.where(out.numerator.notna() & (out.numerator == out.value), "count", "value"),
    )
    cells = _Cells(out, min_cell)
    hidden = cells.hide()
    reason = np.where(hidden, np.where(cells.small, SMALL, OTHER), "")
    out["hidden"] = reason
    # the interval ends and the change of a hidden row go with it
    key = list(zip(*_row_keys(out), strict=True))
    base = out.indicator.str.replace(r"^change_|_(low|high)$", "", regex=True).tolist()
    gone = {k for k, h in zip(key, hidden, strict=True) if h}
    if previous is not None and "hidden" in previous:
        p = previous[previous.hidden != ""]
        gone |= set(zip(*_row_keys(p), strict=True))
    follows = np.array(
        [b != k[0] and (b, k[1], k[2]) in gone for b, k in zip(base, key, strict=True)],
        dtype=bool,
    )
    out.loc[follows & (out.hidden == ""), "hidden"] = OTHER
    empty = out.hidden != ""
    out.loc[empty, ["value", "numerator", "denominator"]] = np.nan
    return out


#: published copies by (folder, min_cell, the files they were made from and when): the pages
#: of one run share a kernel and read the same quarters
_PUBLISHED: dict[tuple, pd.DataFrame] = {}


def _stamp(f: PeriodFolder) -> tuple:
    files = f.files("indicator_parts") or [f.path("indicators")]
    return tuple((str(p), p.stat().st_mtime_ns) for p in files if p.exists())


def _protected(f: PeriodFolder, min_cell: int, previous: bool) -> pd.DataFrame:
    """`protect` of the quarter in `f` (with `previous`: its changes judged against the
    previous quarter's published copy), made once per content of the files."""
    before = f.sibling(f.previous_period) if previous else None
    key = (str(f.path("indicators")), min_cell, _stamp(f), before and _stamp(before))
    if key not in _PUBLISHED:
        if len(_PUBLISHED) > 16:
            _PUBLISHED.clear()
        prev = _protected(before, min_cell, False) if before else None
        _PUBLISHED[key] = protect(indicators.read(f), min_cell, prev)
    return _PUBLISHED[key]


def published(
    processed: Path | PeriodFolder, min_cell: int = ReportSettings.min_cell
) -> pd.DataFrame:
    """A processed quarter's indicators as every page publishes them: `protect`ed, its changes
    judged against the previous quarter's published copy (computed once per content)."""
    f = as_folder(processed)
    return _protected(f, min_cell, f.previous("indicators") is not None).copy()


def audit(
    ind: pd.DataFrame,
    published: pd.DataFrame | None = None,
    min_cell: int = ReportSettings.min_cell,
) -> dict[str, int]:
    """What a reader could learn of small cells from `published` (`protect` of `ind`):
    `below_minimum`, shown cells of 1 to min_cell - 1 households, and `recoverable`, hidden
    cells given back by a published total minus its published parts, by a single program's
    recipients, or (a hidden denominator) by a shown rate and its numerator. Both are 0 for
    what `protect` publishes. Without `published`: `ind` as it is (`below_minimum`), and what
    hiding only its small cells would leave recoverable."""
    cells = _Cells(ind, min_cell)
    if published is None:
        hidden, below = cells.small.copy(), int(cells.small.sum())
    else:
        hidden = published.hidden.ne("").to_numpy()
        below = int((cells.small & ~hidden).sum())
    recoverable = 0
    for total, parts in cells.sums:
        recoverable += int(cells.gives_away(hidden, np.append(parts, total)))
    for total, parts in cells.unions:
        reaching = parts[cells.num[parts] > 0]
        if len(reaching) == 1 and hidden[[total, reaching[0]]].sum() == 1:
            recoverable += 1
    d = (cells.den_of >= 0) & ~hidden & cells.cell
    d[d] = hidden[cells.den_of[d]]
    recoverable += int(d.sum())
    return {"below_minimum": below, "recoverable": recoverable}


#: village-table columns (villages.table) and the published counts they rest on
VILLAGE_COUNTS = {
    "share_desil1": ("households_desil1",),
    "share_desil12": ("households_desil_le2",),
    "coverage_desil1": ("households_desil1", "exclusion_error_any_program"),
    "exclusion_desil1": ("households_desil1", "exclusion_error_any_program"),
    "programs_per_desil1": ("households_desil1", "exclusion_error_any_program"),
}


def village_table(table: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """A desa table (villages.table) as published: a desa whose household count is hidden
    shows no figure, and a share whose count is hidden is hidden with it (empty)."""
    desa = published[published.scope_type == "desa"]
    hidden = desa[desa.hidden != ""].groupby("indicator").scope_code.agg(set)
    out = table.copy()
    codes = out.index if out.index.name == "village_code" else out.village_code
    gone = np.isin(codes, list(hidden.get("households", set())))
    features = [c for c in out.columns if c in FEATURE_COLUMNS]
    out.loc[gone, [*features, "households"]] = np.nan
    for column, names in VILLAGE_COUNTS.items():
        if column in out:
            rows = np.isin(codes, list(set().union(*(hidden.get(n, set()) for n in names))))
            out.loc[rows, column] = np.nan
    return out
