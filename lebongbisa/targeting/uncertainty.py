"""Linkage uncertainty carried into the targeting headline: 90% intervals for
`exclusion_error_any_program` (kabupaten) and each program's `exclusion_error` and
`inclusion_error`, published as `<indicator>_low` / `<indicator>_high`.

The published numbers treat every link as certain. Here the uncertain ones are redrawn by
their match probabilities, many times, and the indicators recomputed each time:
- a program-list row found by a probabilistic link of probability p loses it with chance 1 - p
  (its person is then outside every registry household: a household of its own, no desil);
- a list row found in no registry, with a candidate record of a registry person it was not
  joined to (the best one the linker scored for any row of its person, down to its score
  floor), joins that person's household with chance p (recalibrated on the officers' answers
  when there are enough); all rows of one person join together, or none does;
- a list row whose person is in several registry households (a KK split, a move, or two
  namesakes merged into one person) belongs to any one of them with equal chance (the same
  one for all the person's rows): the rule that placed it (the most authoritative source) is
  not evidence of which.
List rows are program recipients and the rows of lists that give their household a target
attribute (a UMKM registry row: the household has a business); the targets that read such an
attribute are re-evaluated in every draw.
Registry households, their desil and targets stay as resolved. What the draws cannot show:
links the model never scored (below linker.SCORE_FLOOR) and errors in grouping registry
records into households. The interval is the 5th to 95th percentile of the draws, widened to
include the published value. Tests and notebook 02 measure how often it covers the value
computed with the true identities (the synthetic truth).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa import indicators, kinds
from lebongbisa.gazetteer import kabupaten_code
from lebongbisa.indicators import Collector
from lebongbisa.link.decisions import best_pair
from lebongbisa.link.diagnostics import in_registry
from lebongbisa.link.quality import Calibration
from lebongbisa.targeting.households import LIST_ATTRIBUTES
from lebongbisa.targeting.measures import targets
from lebongbisa.targeting_rules import rule_attributes

LEVEL = 0.90


def list_links(records: pd.DataFrame, clean: pd.DataFrame, scored: pd.DataFrame) -> pd.DataFrame:
    """The rows of lists that move the headline when they move: program-list rows (`program`)
    and rows of lists that give their household a target attribute (`attribute`, e.g. a UMKM
    registry row: the household has a business), with what may change: `p_keep` (chance their
    link holds); for a row found in no registry, the household of its best-scored record whose
    person is in a registry (`candidate`, `p_join`; every such pair was left unjoined); for a
    row whose person is in several registry households, those households (`households`)."""
    acc = (records.status == "accepted").to_numpy()
    attribute = clean.kind.map(LIST_ATTRIBUTES)
    rows = (
        acc & (((clean.kind == "program") & clean.program.notna()) | attribute.notna()).to_numpy()
    )
    reg = acc & clean.kind.isin(kinds.REGISTRIES).to_numpy()
    found = in_registry(records, clean)
    p = records.match_probability.to_numpy(dtype=float)
    prob = (records.match_type == "probabilistic").to_numpy()
    keep = np.where(prob & ~np.isnan(p), p, 1.0)
    out = pd.DataFrame(
        {
            "program": clean.program.where(clean.kind == "program").to_numpy(),
            "attribute": attribute.to_numpy(),
            "household_key": records.household_key.to_numpy(),
            "person_key": records.person_key.to_numpy(),
            "p_keep": np.where(found, keep, 1.0),
        }
    )[rows]
    # a candidate is any record whose person is in a registry: joining it joins that person
    cand = scored[found[scored.uid_l.to_numpy()] | found[scored.uid_r.to_numpy()]]
    best = best_pair(cand, out.index[~found[out.index]])
    best = best[found[best.v.to_numpy()]]
    # a person's rows move together: all join the best candidate of any of them
    best = best.assign(
        person=records.person_key.to_numpy()[best.u.to_numpy()],
        household=records.household_key.to_numpy()[best.v.to_numpy()],
    ).sort_values(["match_probability", "u"], ascending=[False, True])
    best = best.drop_duplicates("person").set_index("person")
    out["candidate"] = out.person_key.map(best.household).astype(object)  # text, or missing
    out["p_join"] = out.person_key.map(best.match_probability).fillna(0.0)
    # a person in two registry households (a KK split, a move, or two namesakes merged)
    units = pd.DataFrame({"person": records.person_key[reg], "unit": records.household_key[reg]})
    units = units.drop_duplicates()
    units = units[units.person.duplicated(keep=False)]  # only these: a list per group is slow
    out["households"] = out.person_key.map(units.groupby("person").unit.agg(list))
    return out


def _lone_household(h: pd.DataFrame) -> pd.DataFrame:
    """A household known only from one list row: no desil, nothing recorded."""
    one = h.iloc[:1].copy()
    for c in one.columns:
        kind = one[c].dtype.kind
        one[c] = False if kind == "b" else 0 if kind in "iuf" else None
    return one.assign(desil=pd.array([pd.NA], dtype="Int64"))


class Headline:
    """The headline indicators as a function of where each list row sits: `evaluate(where)`
    takes, per row of `rows` (list_links), the index of its household in `h` (-1: outside
    every household, alone) and returns `<indicator>|<scope_code>` -> value. A household's
    list attributes (`attribute`) follow the rows that give them, and the targets whose rules
    read them are re-evaluated."""

    def __init__(self, links: pd.DataFrame, h: pd.DataFrame, catalog: list[dict], codes: list):
        self.codes = codes
        self.households = pd.Index(h.household_key)
        self.lists = [p for p in catalog if p["code"] in codes]
        self.tgt = targets(h, self.lists).to_numpy(dtype=bool)
        self.solo_tgt = targets(_lone_household(h), self.lists).to_numpy(dtype=bool)[0]
        self.d1 = (h.desil == 1).fillna(False).to_numpy()
        self.rows = lk = links[links.program.isin(codes) | links.attribute.notna()]
        self.prog = pd.Index(codes).get_indexer(lk.program)
        self.attrs = {a: (lk.attribute == a).to_numpy() for a in lk.attribute.dropna().unique()}
        self.moved = [  # the programs whose target reads a list attribute
            j
            for j, p in enumerate(self.lists)
            if any(a in str(p["target_rule"]) for a in self.attrs)
        ]
        # the household columns those targets read: a draw copies these, not the whole base
        read = {c for j in self.moved for c in rule_attributes(str(self.lists[j]["target_rule"]))}
        self.read = h[[c for c in h.columns if c in read]]
        self.person = pd.factorize(lk.person_key)[0]
        self.home = self.households.get_indexer(lk.household_key)

    def evaluate(self, where: np.ndarray) -> dict[str, float]:
        """The indicators with each row at `where` (see the class)."""
        n_h, n_p, prog = len(self.households), len(self.codes), self.prog
        inside = where >= 0
        tgt = self.tgt
        if self.moved:
            flags = {
                a: np.bincount(where[inside & rows], minlength=n_h) > 0
                for a, rows in self.attrs.items()
            }
            tgt = tgt.copy()
            tgt[:, self.moved] = targets(
                self.read.assign(**flags), [self.lists[j] for j in self.moved]
            ).to_numpy(dtype=bool)
        recipient = inside & (prog >= 0)
        cell = where[recipient] * n_p + prog[recipient]
        receives = np.bincount(cell, minlength=n_h * n_p).reshape(n_h, n_p) > 0
        solo = np.zeros((n_p,), dtype=int)  # solo recipients per program (distinct persons)
        alone = ~inside & (prog >= 0)
        if alone.any():
            pairs = np.unique(np.stack([self.person[alone], prog[alone]]), axis=1)
            solo = np.bincount(pairs[1], minlength=n_p)
        d1 = self.d1
        any_prog = receives.any(axis=1)
        row = {
            f"exclusion_error_any_program|{kabupaten_code()}": (
                (d1 & ~any_prog).sum() / d1.sum() if d1.any() else np.nan
            )
        }
        for j, code in enumerate(self.codes):
            r, t = receives[:, j], tgt[:, j]
            n_t = t.sum() + (solo[j] if self.solo_tgt[j] else 0)
            n_r = r.sum() + solo[j]
            row[f"exclusion_error|{code}"] = (t & ~r).sum() / n_t if n_t else np.nan
            outside = (r & ~t).sum() + (0 if self.solo_tgt[j] else solo[j])
            row[f"inclusion_error|{code}"] = outside / n_r if n_r else np.nan
        return row


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
    model = Headline(links, h, catalog, codes)
    rng = np.random.default_rng(seed)
    lk, hh = model.rows, model.households
    cand = hh.get_indexer(lk.candidate.fillna(""))
    # the registry households of a person in several, padded with -1
    multi = lk.households.dropna()
    width = int(multi.str.len().max()) if len(multi) else 0
    alt = np.full((len(lk), max(width, 1)), -1)
    rows = lk.index.get_indexer(multi.index)
    for j in range(width):
        alt[rows, j] = hh.get_indexer(multi.str[j].fillna(""))
    n_alt = (alt >= 0).sum(axis=1)
    p_keep, p_join = lk.p_keep.to_numpy(), lk.p_join.to_numpy()
    person = model.person
    n_persons = int(person.max()) + 1 if len(person) else 0
    out = []
    for i in range(n):
        lost = rng.random(len(lk)) >= p_keep
        chance = calibration(p_join, i) if calibration is not None else p_join
        # one chance per person: a person's rows join their candidate together, or none does
        joined = ~lost & (cand >= 0) & (rng.random(n_persons)[person] < chance)
        # a person in k registry households belongs to any one of them, as far as the data tell
        which = (rng.random(n_persons)[person] * np.maximum(n_alt, 1)).astype(int)
        pick = alt[np.arange(len(lk)), which]
        placed = np.where(n_alt > 1, pick, model.home)
        out.append(model.evaluate(np.where(joined, cand, np.where(lost, -1, placed))))
    return pd.DataFrame(out)


def intervals(c: Collector, published: pd.DataFrame, sample: pd.DataFrame) -> None:
    """`_low` / `_high` rows (LEVEL interval of the draws, widened to include the published
    value) for every headline indicator the period published with a value."""
    if sample.empty:
        return
    tail = (1 - LEVEL) / 2
    key = published.set_index(["indicator", "scope_code"]).value
    for name, scope in indicators.with_interval():
        for col in [c for c in sample.columns if c.startswith(f"{name}|")]:
            code = col.split("|", 1)[1]
            value = key.get((name, code), np.nan)
            x = sample[col].dropna()
            if pd.isna(value) or x.empty:
                continue
            low, high = np.quantile(x, [tail, 1 - tail])
            c.value(f"{name}_low", scope, code, float(min(low, value)))
            c.value(f"{name}_high", scope, code, float(max(high, value)))
