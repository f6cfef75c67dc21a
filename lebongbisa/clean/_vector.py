"""Column helpers without Python loops over rows: a Series transform run once per distinct
value (lists repeat the same village, date and code thousands of times), and membership of
text keys tested in Arrow."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import is_string_dtype


def on_unique(values: pd.Series, func: Callable[[pd.Series], pd.Series | pd.DataFrame]):
    """Apply `func` to the distinct values of `values` and broadcast back (index kept)."""
    codes, uniques = pd.factorize(values.fillna("").astype(str), sort=False)
    res = func(pd.Series(uniques, dtype=object))
    res = res.reset_index(drop=True)
    out = res.iloc[codes]
    out.index = values.index
    return out


#: Every character Python's `\s` matches, written out: a pattern with them in a class instead
#: of `\s` runs in Arrow's RE2 (whose `\s` misses some of them), not per value in Python.
SPACE_CHARS = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
WHITESPACE = f"[{SPACE_CHARS}]"


def among(keys: pd.Index | pd.Series, members: pd.Series | pd.Index) -> np.ndarray:
    """`keys.isin(members)` for text keys in Arrow's C++ (pandas' text `isin` makes a Python
    scalar of every member: half a second for a kabupaten's household keys)."""
    if not (is_string_dtype(keys) and is_string_dtype(members)):
        return np.asarray(keys.isin(members))
    value_set = pa.array(
        pd.unique(np.asarray(members, dtype=object)), pa.string(), from_pandas=True
    )
    found = pc.is_in(
        pa.array(np.asarray(keys, dtype=object), pa.string(), from_pandas=True), value_set
    )
    return found.to_numpy(zero_copy_only=False)
