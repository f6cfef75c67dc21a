"""Targeting indicators against the synthetic truth, beside the exact-NIK join.

The "true" value of an indicator is the same computation on the same records with the true
person and household of every row (perfect linkage); the exact-NIK value uses the clusters an
office gets from a VLOOKUP on NIK (households joined by NIK, KK text and source household id).
The difference is what linkage errors do to the published number.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lebongbisa import indicators
from lebongbisa.folder import PeriodFolder
from lebongbisa.ingest.stage import load_manifest, registry_delivered
from lebongbisa.link.evaluate import exact_household_clusters, exact_nik_clusters
from lebongbisa.targeting import worklists
from lebongbisa.targeting.households import accepted_records, household_base
from lebongbisa.targeting.measures import delivered_programs, measure

KEY = ["indicator", "scope_type", "scope_code"]
#: the worklists that hold households (the others hold list rows)
HOUSEHOLD_LISTS = ("a", "e")
SCOPES = ["kabupaten", "program"]


def _indicators(
    records: pd.DataFrame, clean: pd.DataFrame, manifest: dict, period: str
) -> pd.DataFrame:
    acc = accepted_records(records, clean)
    catalog = manifest["programs"]
    h = household_base(acc, catalog)
    delivered, registry = delivered_programs(manifest), registry_delivered(manifest)
    return measure(h, catalog, period, acc, delivered, registry, detail=False)


def _oracle(rec: pd.DataFrame, truth_file: Path) -> pd.DataFrame:
    """The records with the true person and household of every accepted row."""
    truth = rec[["source_file", "source_row"]].merge(
        pd.read_parquet(truth_file), on=["source_file", "source_row"], how="left"
    )
    acc = rec.status == "accepted"
    oracle = rec.copy()
    oracle.loc[acc, "person_key"] = "p" + truth.person_id[acc].astype("Int64").astype(str)
    oracle.loc[acc, "household_key"] = "h" + truth.household_id[acc].astype("Int64").astype(str)
    return oracle


def list_quality(data_dir: Path, period: str) -> pd.DataFrame | None:
    """Per worklist (a, b, c, e): its size, the size of the same list built with the true
    identities (perfect linkage, the same records, desil and programs), and its precision and
    recall against that list: the project's own error, not the registries'. Households are
    compared as true households (a listed household is the true household most of its rows
    belong to); rows as rows. None without ground truth."""
    f = PeriodFolder.of(period, data_dir)
    truth_file = f.path("truth_rows")
    if not truth_file.exists():
        return None
    catalog = load_manifest(f)["programs"]
    rec = pd.read_parquet(f.path("records"))
    clean = pd.read_parquet(f.path("clean"))
    oracle = _oracle(rec, truth_file)
    held = {}
    for name, r in (("estimate", rec), ("truth", oracle)):
        acc = accepted_records(r, clean)
        held[name] = worklists.members(acc, household_base(acc, catalog), catalog)
    # a listed household as a true household: the true household of most of its rows
    acc = rec.status == "accepted"
    pairs = pd.DataFrame({"household": rec.household_key[acc], "truth": oracle.household_key[acc]})
    true_of = _mode_of(pairs, "household", "truth")
    rows = []
    for key in held["estimate"]:
        est, tru = held["estimate"][key], set(held["truth"][key])
        est = set(true_of.reindex(est)) if key in HOUSEHOLD_LISTS else set(est)
        hit = len(est & tru)
        rows.append(
            {
                "list": key,
                "size": len(held["estimate"][key]),
                "truth_size": len(tru),
                "precision": hit / len(est) if est else float("nan"),
                "recall": hit / len(tru) if tru else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def _mode_of(frame: pd.DataFrame, by: str, value: str) -> pd.Series:
    """Per `by`, its most frequent non-missing `value` (the smallest among ties, as
    `Series.mode` gives): counts sorted, not a Python call per group (31,000 households of a
    Lebong quarter took 8 s that way)."""
    counts = frame.value_counts([by, value]).reset_index(name="n")
    counts = counts.sort_values([by, "n", value], ascending=[True, False, True])
    return counts.drop_duplicates(by).set_index(by)[value]


def compare_with_truth(data_dir: Path, period: str) -> pd.DataFrame | None:
    """Headline kabupaten and program indicators: estimate, truth and exact-NIK (None when
    the period has no ground truth)."""
    f = PeriodFolder.of(period, data_dir)
    truth_file = f.path("truth_rows")
    if not truth_file.exists():
        return None
    manifest = load_manifest(f)
    rec = pd.read_parquet(f.path("records"))
    clean = pd.read_parquet(f.path("clean"))
    ident = pd.read_parquet(f.path("identity"))
    oracle = _oracle(rec, truth_file)
    exact = rec.copy()
    nik = exact_nik_clusters(ident.nik_raw)
    exact["person_key"] = nik.astype(str)
    exact["household_key"] = "x" + exact_household_clusters(
        nik, ident.kk_raw, clean.source_household_key
    ).astype(str)
    parts = [
        _indicators(r, clean, manifest, period)[KEY + ["value"]].rename(columns={"value": n})
        for n, r in (("estimate", rec), ("truth", oracle), ("exact_nik", exact))
    ]
    out = parts[0].merge(parts[1], on=KEY).merge(parts[2], on=KEY, how="left")
    out = out[out.indicator.isin(indicators.headline(*SCOPES)) & out.scope_type.isin(SCOPES)]
    out["error"] = out.estimate - out.truth
    out["error_exact_nik"] = out.exact_nik - out.truth
    return out.reset_index(drop=True)
