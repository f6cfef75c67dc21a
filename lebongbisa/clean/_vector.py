"""Run a Series transform once per distinct value: lists repeat the same village, date and
code thousands of times, so this keeps normalizers fast without Python loops over rows."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd


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
