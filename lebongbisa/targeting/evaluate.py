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
from lebongbisa.targeting.households import accepted_records, household_base
from lebongbisa.targeting.measures import delivered_programs, measure

KEY = ["indicator", "scope_type", "scope_code"]
SCOPES = ["kabupaten", "program"]


def _indicators(
    records: pd.DataFrame, clean: pd.DataFrame, manifest: dict, period: str
) -> pd.DataFrame:
    acc = accepted_records(records, clean)
    catalog = manifest["programs"]
    h = household_base(acc, catalog)
    return measure(
        h, catalog, period, acc, delivered_programs(manifest), registry_delivered(manifest)
    )


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
    truth = rec[["source_file", "source_row"]].merge(
        pd.read_parquet(truth_file), on=["source_file", "source_row"], how="left"
    )
    acc = rec.status == "accepted"
    oracle = rec.copy()
    oracle.loc[acc, "person_key"] = "p" + truth.person_id[acc].astype("Int64").astype(str)
    oracle.loc[acc, "household_key"] = "h" + truth.household_id[acc].astype("Int64").astype(str)
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
