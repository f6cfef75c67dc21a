"""Households across sources, without letting one wrong person link merge two families.

1. Units: records that share a source household id (ID DTKS, ID Keluarga P3KE/DTSEN) or a
   valid KK number are one unit (connected components).
2. Units are joined through person links only with corroboration: they share at least two
   linked persons, or one of them is a one-person unit (a lone program record with a KK).
3. Records in no unit (program lists without KK) take the household of their person: the unit
   where that person appears in the most authoritative source (DTSEN, DTKS, P3KE, then lists).
   A person seen nowhere else is a household of one.
KK splits and members who moved therefore show up as a person in two households, each record
keeping the household its own source gives it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa import kinds
from lebongbisa.link.graph import components, components_by_keys


def resolve_households(frame: pd.DataFrame, person: pd.Series) -> pd.Series:
    """Household cluster per record. `frame` has kind, source_household, kk_number;
    `person` is the person cluster of each record (aligned)."""
    n = len(frame)
    has_unit = frame.source_household.notna() | frame.kk_number.notna()
    base = components_by_keys(n, [frame.source_household, frame.kk_number])
    unit = pd.Series(np.where(has_unit, base, -1), index=frame.index)
    person = pd.Series(person.to_numpy(), index=frame.index)

    # unit <-> unit through shared persons, with corroboration
    pu = pd.DataFrame({"person": person, "unit": unit})[has_unit].drop_duplicates()
    unit_size = pu.groupby("unit").person.nunique()
    multi = pu[pu.person.duplicated(keep=False)]
    pairs = multi.merge(multi, on="person")
    pairs = pairs[pairs.unit_x < pairs.unit_y]
    shared = pairs.groupby(["unit_x", "unit_y"]).person.nunique().rename("shared").reset_index()
    small = (shared.unit_x.map(unit_size) == 1) | (shared.unit_y.map(unit_size) == 1)
    keep = shared[(shared.shared >= 2) | small]
    units = np.unique(unit[has_unit])
    pos = pd.Series(np.arange(len(units)), index=units)
    comp = components(
        np.arange(len(units)),
        pd.DataFrame({"uid_l": pos[keep.unit_x].to_numpy(), "uid_r": pos[keep.unit_y].to_numpy()}),
    )
    household = unit.map(pd.Series(comp, index=units)).astype("float64")

    # records without a unit follow their person to the most authoritative unit
    rank = frame.kind.map(kinds.PRIORITY).fillna(9)
    home = (
        pd.DataFrame({"person": person, "household": household, "rank": rank})[has_unit]
        .sort_values("rank")
        .drop_duplicates("person")
        .set_index("person")
        .household
    )
    orphan = ~has_unit
    household[orphan] = person[orphan].map(home)
    alone = household.isna()
    if alone.any():  # (a registry-only period may have none)
        offset = (household.max() + 1) if household.notna().any() else 0
        household[alone] = offset + pd.factorize(person[alone])[0]
    return household.astype(np.int64)
