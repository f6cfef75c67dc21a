"""Clerical decisions that stick: a log keyed by identity keys (link/identity), grown quarter by
quarter, applied to every later quarter, and checked against new evidence.

The log (artefact `decisions_log`, restricted) holds one row per decided pair of identities:
`key_1`, `key_2` (identity keys, key_1 < key_2), `same` (SAMA/BEDA), `decided_by`,
`decided_at` (date), `period` (the quarter whose workbook carried it). A later decision on
the same pair replaces the earlier one.

Applying a decision to a quarter finds the records carrying each key. A decision is
- `applied` when both identities are present and nothing contradicts it,
- `contradicted` when the records now say otherwise: SAMA but the two sides carry different
  valid NIKs and none in common; BEDA but they share a valid NIK. It is reported (the review
  workbook's BERTENTANGAN sheet and the link summary), not applied;
- `absent` when one of the identities has no record this quarter.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lebongbisa.link.graph import both_ways
from lebongbisa.link.quality import joined_pairs

LOG_COLUMNS = [
    "key_1",
    "key_2",
    "same",
    "decided_by",
    "decided_at",
    "period",
    "p_model",  # the model's probability when the pair was offered
    "pair_class",  # why it was offered (for_review): band, attached or unfound
]
STATUSES = ("applied", "contradicted", "absent")


def empty_log() -> pd.DataFrame:
    types = {"same": bool, "p_model": float}
    return pd.DataFrame({c: pd.Series(dtype=types.get(c, object)) for c in LOG_COLUMNS})


def read_log(path: Path | None) -> pd.DataFrame:
    """A decisions log written by an earlier quarter (empty when there is none)."""
    if path is None or not path.exists():
        return empty_log()
    log = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    log = log.reindex(columns=LOG_COLUMNS, fill_value="")  # a log from before a column existed
    p = pd.to_numeric(log.p_model, errors="coerce")
    return log.assign(same=log.same.str.lower() == "true", p_model=p)


def ordered(log: pd.DataFrame) -> pd.DataFrame:
    """The same log with key_1 < key_2 in every row (a pair has one spelling)."""
    lo = np.minimum(log.key_1.astype(str), log.key_2.astype(str))
    hi = np.maximum(log.key_1.astype(str), log.key_2.astype(str))
    return log.assign(key_1=lo, key_2=hi)


def merge_log(earlier: pd.DataFrame | None, new: pd.DataFrame) -> pd.DataFrame:
    """The earlier log plus this quarter's decisions; the newest decision on a pair wins."""
    parts = [p for p in (earlier, new) if p is not None and len(p)]
    if not parts:
        return empty_log()
    log = ordered(pd.concat([p.reindex(columns=LOG_COLUMNS) for p in parts], ignore_index=True))
    log = log[log.key_1 != log.key_2]  # a pair of one identity decides nothing
    log = log.drop_duplicates(["key_1", "key_2"], keep="last")
    return log.sort_values(["period", "key_1", "key_2"], ignore_index=True)


def apply(log: pd.DataFrame, keys: pd.Series, nik: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Decisions as record pairs for `link_records` (`uid_l`, `uid_r`, `same`) and the log with
    each decision's `status` this quarter. `keys` and `nik` are indexed by record id
    (unique_id)."""
    pairs = []
    status = []
    # only the identities the log names are grouped: a Python list per identity of a whole
    # quarter (~130,000) cost 5 s and a log names a few hundred
    named = set(log.key_1) | set(log.key_2)
    on_key = keys.to_numpy(dtype=object)
    asked = np.fromiter((k in named for k in on_key), bool, len(on_key))
    groups = pd.Series(keys.index[asked], index=on_key[asked]).dropna()
    by_key = groups.groupby(level=0).agg(list) if len(groups) else pd.Series(dtype=object)
    for d in log.itertuples():
        g1, g2 = by_key.get(d.key_1, []), by_key.get(d.key_2, [])
        if not g1 or not g2:
            status.append("absent")
            continue
        n1, n2 = set(nik[g1].dropna()), set(nik[g2].dropna())
        disagree = bool(n1 and n2 and not n1 & n2) if d.same else bool(n1 & n2)
        if disagree:
            status.append("contradicted")
            continue
        status.append("applied")
        if d.same:  # every record of both identities joins the first one
            first = g1[0]
            pairs += [(first, u, True) for u in g1[1:] + g2]
        else:
            pairs += [(u, v, False) for u in g1 for v in g2]
    out = pd.DataFrame(pairs, columns=["uid_l", "uid_r", "same"])
    return out.astype({"uid_l": int, "uid_r": int, "same": bool}), log.assign(status=status)


def best_pair(pairs: pd.DataFrame, side: pd.Index | np.ndarray) -> pd.DataFrame:
    """Per record of `side`, its best-scored pair (u = that record, v = the other)."""
    both = both_ways(pairs)
    best = both[both.u.isin(side)].sort_values("match_probability")
    return best.drop_duplicates("u", keep="last")


def for_review(
    scored: pd.DataFrame,
    clusters: pd.DataFrame,
    keys: pd.Series,
    log: pd.DataFrame,
    threshold: float,
    review_lower: float,
    budget: int,
    role: pd.Series | None = None,
) -> pd.DataFrame:
    """The pairs whose decision would change the most, at most `budget` of them.

    Three classes (`pair_class`):
    - `band`: uncertain pairs (`review_lower` <= p < `threshold`) left in different persons,
      where SAMA would join them with chance p;
    - `attached`: records attached below the threshold (the unique-candidate rule), where
      BEDA would split them with chance 1 - p;
    - `unfound`: a list record (a program's or the UMKM registry's) whose person is in no
      registry, with its best-scored record of a registry person (any score the linker kept),
      where SAMA would put a recipient into a registry household: what moves the exclusion and
      inclusion errors. `role` (by record id: "unfound" or "registered") marks them. Half
      of the budget is kept for them, drawn at random (reproducibly, by a hash of the pair of
      identities) and not by probability, because their answers calibrate the probabilities
      of all such pairs for the intervals (targeting/uncertainty), the unlikely ones too.
    Sorted by that chance; pairs of identities already in the log are not asked again, and a
    pair of one identity (or of a record without a name) is not asked, as its answer could
    not be kept."""
    apart_all = ~joined_pairs(scored, clusters)
    band = (scored.match_probability >= review_lower) & (scored.match_probability < threshold)
    apart = scored[band & apart_all]
    classes = [apart.assign(linked=False, priority=apart.match_probability, pair_class="band")]
    low = clusters[
        (clusters.match_type == "probabilistic") & (clusters.match_probability < threshold)
    ]
    best = best_pair(scored[band & ~apart_all], low.unique_id)
    classes.append(
        pd.DataFrame(
            {
                "uid_l": best.u.to_numpy(),
                "uid_r": best.v.to_numpy(),
                "match_probability": best.match_probability.to_numpy(),
                "linked": True,
                "priority": 1 - best.match_probability.to_numpy(),
                "pair_class": "attached",
            }
        )
    )
    if role is not None:
        registered = role.index[role == "registered"]
        cand = scored[scored.uid_l.isin(registered) | scored.uid_r.isin(registered)]
        best = best_pair(cand, role.index[role == "unfound"])
        best = best[best.v.isin(registered)]
        classes.insert(
            0,
            pd.DataFrame(
                {
                    "uid_l": best.u.to_numpy(),
                    "uid_r": best.v.to_numpy(),
                    "match_probability": best.match_probability.to_numpy(),
                    "linked": False,
                    "priority": best.match_probability.to_numpy(),
                    "pair_class": "unfound",
                }
            ),
        )
    cols = ["uid_l", "uid_r", "match_probability", "linked", "priority", "pair_class"]
    out = pd.concat([c[cols] for c in classes], ignore_index=True)
    lo, hi = np.minimum(out.uid_l, out.uid_r), np.maximum(out.uid_l, out.uid_r)
    out = out.assign(uid_l=lo, uid_r=hi).drop_duplicates(["uid_l", "uid_r"])  # first class wins
    k1, k2 = keys.reindex(out.uid_l).to_numpy(), keys.reindex(out.uid_r).to_numpy()
    pair = ordered(pd.DataFrame({"key_1": k1, "key_2": k2}).fillna(""))
    decided = set(zip(log.key_1, log.key_2, strict=True))
    asked = np.array([p in decided for p in zip(pair.key_1, pair.key_2, strict=True)], dtype=bool)
    # a pair of one identity (same name, birth date and village) could not be remembered
    keep = ~asked & ((pair.key_1 != "") & (pair.key_1 != pair.key_2)).to_numpy()
    out = out.assign(key_1=k1, key_2=k2, pair=(pair.key_1 + "|" + pair.key_2).to_numpy())[keep]
    out = out.sort_values(["priority", "uid_l", "uid_r"], ascending=[False, True, True])
    # one question per pair of identities (an in-list duplicate repeats a pair)
    out = out.drop_duplicates("pair")
    # half the budget is kept for a random sample of unfound recipients; the rest goes by
    # priority, whatever class
    unfound = out[out.pair_class == "unfound"]
    order = pd.util.hash_pandas_object(unfound.pair, index=False).sort_values(kind="stable")
    unfound = unfound.loc[order.index[: budget // 2]]
    out = pd.concat([unfound, out.drop(unfound.index).head(budget - len(unfound))])
    out = out.drop(columns="pair")
    return out.sort_values("priority", ascending=False).reset_index(drop=True)
