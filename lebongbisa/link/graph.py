"""Graph operations over record pairs that linkage, households and the series share:
connected components, and the pairs seen from each end (scipy, no linkage engine loaded)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def components(n_ids: np.ndarray, edges: pd.DataFrame) -> np.ndarray:
    """Connected components over record ids (positions in `n_ids`)."""
    pos = pd.Series(np.arange(len(n_ids)), index=n_ids)
    if len(edges):
        a = pos[edges.uid_l.to_numpy()].to_numpy()
        b = pos[edges.uid_r.to_numpy()].to_numpy()
    else:
        a = b = np.array([], dtype=int)
    g = coo_matrix((np.ones(len(a)), (a, b)), shape=(len(n_ids), len(n_ids)))
    return connected_components(g, directed=False)[1]


def components_by_keys(n: int, keys: list[pd.Series]) -> np.ndarray:
    """Connected components over records 0..n-1 that share a value of any key (None = no key)."""
    ids = np.arange(n)
    edges = []
    for key in keys:
        k = pd.Series(np.asarray(key, dtype=object), index=ids)
        k = k[k.notna() & (k.astype(str) != "")]
        if not len(k):
            continue
        first = (
            pd.Series(k.index, index=k.index).groupby(k.astype(str).to_numpy()).transform("first")
        )
        e = pd.DataFrame({"uid_l": first.index.to_numpy(), "uid_r": first.to_numpy()})
        edges.append(e[e.uid_l != e.uid_r])
    e = (
        pd.concat(edges, ignore_index=True)
        if edges
        else pd.DataFrame({"uid_l": np.array([], dtype=int), "uid_r": np.array([], dtype=int)})
    )
    return components(ids, e)


def both_ways(pairs: pd.DataFrame) -> pd.DataFrame:
    """Each pair (`uid_l`, `uid_r`, ...) twice, once from each end: `u` (this record) and `v`
    (the other), with the pair's other columns."""
    return pd.concat(
        [
            pairs.rename(columns={"uid_l": "u", "uid_r": "v"}),
            pairs.rename(columns={"uid_r": "u", "uid_l": "v"}),
        ]
    )
