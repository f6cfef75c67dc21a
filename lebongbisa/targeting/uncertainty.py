"""Linkage uncertainty carried into the targeting headline: 90% intervals for
`exclusion_error_any_program` (kabupaten) and each program's `exclusion_error` and
`inclusion_error`, published as `<indicator>_low` / `<indicator>_high`.

The published numbers treat every link as certain. Here the uncertain ones are redrawn by
their match probabilities, many times, and the indicators recomputed each time:
- a program-list row found by a probabilistic link of probability p loses it with chance 1 - p
  (its person is then outside every registry household: a household of its own, no desil);
- a list row found in no registry, with a candidate record of a registry person it was not
  joined to (the best one the linker scored, down to its score floor), joins that person's
  household with chance p (recalibrated on the officers' answers when there are enough);
- a list row whose person is in several registry households (a KK split, a move, or two
  namesakes merged into one person) belongs to any one of them with equal chance: the rule
  that placed it (the most authoritative source) is not evidence of which.
Registry households, their desil and targets stay as resolved. What the draws cannot show:
links the model never scored (below linker.SCORE_FLOOR) and errors in grouping registry
records into households. The interval is the 5th to 95th percentile of the draws, widened to
include the published value. Tests and notebook 02 measure how often it covers the value
computed with the true identities (the synthetic truth).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa import kinds
from lebongbisa.gazetteer import kabupaten_code
from lebongbisa.indicators import Collector
from lebongbisa.link.decisions import best_pair
from lebongbisa.link.diagnostics import in_registry
from lebongbisa.link.quality import Calibration
from lebongbisa.targeting.measures import targets

LEVEL = 0.90
INDICATORS = (
    ("exclusion_error_any_program", "kabupaten"),
    ("exclusion_error", "program"),
    ("inclusion_error", "program"),
)


def list_links(records: pd.DataFrame, clean: pd.DataFrame, scored: pd.DataFrame) -> pd.DataFrame:
    """The program-list rows with what may change: `p_keep` (chance their link holds); for a
    row found in no registry, the household of its best-scored record whose person is in a
    registry (`candidate`, `p_join`; every such pair was left unjoined); for a row whose person
    is in several registry households, those households (`households`, else NaN)."""
    acc = (records.status == "accepted").to_numpy()
    reg = acc & clean.kind.isin(kinds.REGISTRIES).to_numpy()
    rows = acc & (clean.kind == "program").to_numpy() & clean.program.notna().to_numpy()
    found = in_registry(records, clean)
    p = records.match_probability.to_numpy(dtype=float)
    prob = (records.match_type == "probabilistic").to_numpy()
    keep = np.where(prob & ~np.isnan(p), p, 1.0)
    out = pd.DataFrame(
        {
            "program": clean.program.to_numpy(),
            "household_key": records.household_key.to_numpy(),
            "person_key": records.person_key.to_numpy(),
            "p_keep": np.where(found, keep, 1.0),
        }
    )[rows]
    # a candidate is any record whose person is in a registry: joining it joins that person
    cand = scored[found[scored.uid_l.to_numpy()] | found[scored.uid_r.to_numpy()]]
    best = best_pair(cand, out.index[~found[out.index]])
    best = best[found[best.v.to_numpy()]].set_index("u")
    out["candidate"] = pd.Series(
        records.household_key.to_numpy()[best.v.to_numpy()], index=best.index
    ).reindex(out.index)
    out["p_join"] = best.match_probability.reindex(out.index).fillna(0.0)
    # a person in two registry households (a KK split, a move, or two namesakes merged)
    units = pd.DataFrame({"person": records.person_key[reg], "unit": records.household_key[reg]})
    units = units.drop_duplicates().groupby("person").unit.agg(list)
    out["households"] = out.person_key.map(units[units.str.len() > 1])
    return out


def _lone_household(h: pd.DataFrame) -> pd.DataFrame:
    """A household known only from one list row: no desil, nothing recorded."""
    one = h.iloc[:1].copy()
    for c in one.columns:
        kind = one[c].dtype.kind
        one[c] = False if kind == "b" else 0 if kind in "iuf" else None
    return one.assign(desil=pd.array([pd.NA], dtype="Int64"))


def draws(
    links: pd.DataFrame,
    h: pd.DataFrame,
    catalog: list[dict],
    delivered: set[str],
    n: int,
    seed: int = 58,
    calibration: Calibration | None = None,
) -> pd.DataFrame:
    """The headline indicators (columns `<indicator>|<scope_code>`) in each of `n` draws.
    With a `calibration` (the officers' answers on such pairs), the chance that a candidate
    joins is the recalibrated probability, redrawn with the calibration in every draw."""
    codes = [p["code"] for p in catalog if p["code"] in delivered]
    if not codes or h.desil.isna().all():
        return pd.DataFrame()
    rng = np.random.default_rng(seed)
    hh = pd.Index(h.household_key)
    tgt = targets(h, catalog)[codes].to_numpy(dtype=bool)
    solo_tgt = targets(_lone_household(h), catalog)[codes].to_numpy(dtype=bool)[0]
    d1 = (h.desil == 1).fillna(False).to_numpy()
    lk = links[links.program.isin(codes)]
    prog = pd.Index(codes).get_indexer(lk.program)
    home = hh.get_indexer(lk.household_key)
    cand = hh.get_indexer(lk.candidate.fillna(""))
    # the registry households of a person in several, padded with -1
    multi = lk.households.dropna()
    width = int(multi.str.len().max()) if len(multi) else 0
    alt = np.full((len(lk), max(width, 1)), -1)
    rows = lk.index.get_indexer(multi.index)
    for j in range(width):
        alt[rows, j] = hh.get_indexer(multi.str[j].fillna(""))
    n_alt = (alt >= 0).sum(axis=1)
    person = pd.factorize(lk.person_key)[0]
    p_keep, p_join = lk.p_keep.to_numpy(), lk.p_join.to_numpy()
    n_h, n_p = len(hh), len(codes)
    out = []
    for i in range(n):
        u = rng.random(len(lk))
        lost = u >= p_keep
        chance = calibration(p_join, i) if calibration is not None else p_join
        joined = ~lost & (cand >= 0) & (rng.random(len(lk)) < chance)
        # a person in k registry households belongs to any of them, as far as the data tell
        pick = alt[np.arange(len(lk)), rng.integers(0, np.maximum(n_alt, 1))]
        placed = np.where(n_alt > 1, pick, home)
        where = np.where(joined, cand, np.where(lost, -1, placed))
        inside = where >= 0
        receives = (
            np.bincount(where[inside] * n_p + prog[inside], minlength=n_h * n_p).reshape(n_h, n_p)
            > 0
        )
        solo = np.zeros((n_p,), dtype=int)  # solo recipients per program (distinct persons)
        if (~inside).any():
            pairs = np.unique(np.stack([person[~inside], prog[~inside]]), axis=1)
            solo = np.bincount(pairs[1], minlength=n_p)
        row = {}
        any_prog = receives.any(axis=1)
        row[f"exclusion_error_any_program|{kabupaten_code()}"] = (
            (d1 & ~any_prog).sum() / d1.sum() if d1.any() else np.nan
        )
        for j, code in enumerate(codes):
            r, t = receives[:, j], tgt[:, j]
            n_t = t.sum() + (solo[j] if solo_tgt[j] else 0)
            n_r = r.sum() + solo[j]
            row[f"exclusion_error|{code}"] = (t & ~r).sum() / n_t if n_t else np.nan
            outside = (r & ~t).sum() + (0 if solo_tgt[j] else solo[j])
            row[f"inclusion_error|{code}"] = outside / n_r if n_r else np.nan
        out.append(row)
    return pd.DataFrame(out)


def intervals(c: Collector, published: pd.DataFrame, sample: pd.DataFrame) -> None:
    """`_low` / `_high` rows (LEVEL interval of the draws, widened to include the published
    value) for every headline indicator the period published with a value."""
    if sample.empty:
        return
    tail = (1 - LEVEL) / 2
    key = published.set_index(["indicator", "scope_code"]).value
    for name, scope in INDICATORS:
        for col in [c for c in sample.columns if c.startswith(f"{name}|")]:
            code = col.split("|", 1)[1]
            value = key.get((name, code), np.nan)
            x = sample[col].dropna()
            if pd.isna(value) or x.empty:
                continue
            low, high = np.quantile(x, [tail, 1 - tail])
            c.value(f"{name}_low", scope, code, float(min(low, value)))
            c.value(f"{name}_high", scope, code, float(max(high, value)))
