"""Summaries of stage 2 for the notebook: match rates, the model's weights, who fails to link,
and accuracy against the synthetic truth beside the exact-NIK join."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from lebongbisa.flags import nik_category
from lebongbisa.folder import PeriodFolder
from lebongbisa.link.evaluate import exact_household_clusters, exact_nik_clusters, pairwise_scores


def match_rates(records: pd.DataFrame) -> pd.DataFrame:
    """Share of accepted rows per source by how they were linked."""
    acc = records[records.status == "accepted"]
    t = pd.crosstab(acc.source_file, acc.match_type, normalize="index")
    for c in ("nik", "registry", "probabilistic", "none"):
        if c not in t:
            t[c] = 0.0
    t = t[["nik", "registry", "probabilistic", "none"]]
    t["rows"] = acc.source_file.value_counts()
    t["linked"] = 1 - t["none"]
    return t.sort_values("linked").reset_index()


def model_weights(model: dict) -> pd.DataFrame:
    """Match weight (log2 m/u) of every comparison level of a saved Splink model."""
    rows = []
    for c in model["comparisons"]:
        for lvl in c["comparison_levels"]:
            if lvl.get("is_null_level"):
                continue
            m, u = lvl.get("m_probability"), lvl.get("u_probability")
            w = math.log2(m / u) if m and u else np.nan
            rows.append(
                {
                    "comparison": c["output_column_name"],
                    "level": lvl.get("label_for_charts", lvl.get("sql_condition")),
                    "m": m,
                    "u": u,
                    "match_weight": w,
                }
            )
    return pd.DataFrame(rows)


def unlinked_profile(records: pd.DataFrame, clean: pd.DataFrame) -> pd.DataFrame:
    """Who fails to link: share of accepted rows not linked to any other record, by group.

    The bias check published with every linkage: if some groups link worse, they risk being
    excluded twice — by the program and then by the data."""
    acc = (records.status == "accepted").to_numpy()
    d = pd.DataFrame(
        {
            "source": clean.kind[acc].to_numpy(),
            "sex": clean.sex[acc].fillna("?").to_numpy(),
            "age_group": pd.cut(
                clean.age[acc].astype(float),
                [-1, 14, 24, 44, 64, 200],
                labels=["0-14", "15-24", "25-44", "45-64", "65+"],
            ).astype(str),
            "kecamatan": clean.district_code[acc].fillna("?").to_numpy(),
            "nik_status": nik_category(records.reason[acc]).to_numpy(),
            "unlinked": (records.match_type[acc] == "none").to_numpy(),
        }
    )
    parts = []
    for g in ("source", "sex", "age_group", "kecamatan", "nik_status"):
        t = (
            d.groupby(g)
            .unlinked.agg(["size", "mean"])
            .reset_index()
            .rename(columns={g: "group", "size": "rows", "mean": "unlinked_share"})
        )
        t.insert(0, "dimension", g)
        parts.append(t)
    return pd.concat(parts, ignore_index=True)


def accuracy_vs_truth(data_dir: Path, period: str) -> pd.DataFrame | None:
    """Pairwise precision/recall at person and household level, this stage vs the exact-NIK
    join. None when the period has no ground truth (real data)."""
    f = PeriodFolder.of(period, data_dir)
    truth_file = f.path("truth_rows")
    if not truth_file.exists():
        return None
    rec = pd.read_parquet(f.path("records"))
    clean = pd.read_parquet(f.path("clean"))
    ident = pd.read_parquet(f.path("identity"))
    keep = (rec.status == "accepted").to_numpy()
    t = rec[keep].merge(pd.read_parquet(truth_file), on=["source_file", "source_row"], how="left")
    t = t[t.person_id.notna()]
    idx = t.index
    nik_base = exact_nik_clusters(ident.nik_raw[keep].reset_index(drop=True).loc[idx])
    hh_base = exact_household_clusters(
        nik_base,
        ident.kk_raw[keep].reset_index(drop=True).loc[idx],
        clean.source_household_key[keep].reset_index(drop=True).loc[idx],
    )
    rows = []
    for level, ours, base, true in (
        ("person", t.person_key, nik_base, t.person_id),
        ("household", t.household_key, hh_base, t.household_id),
    ):
        for method, pred in (("lebongbisa", ours), ("exact NIK join", base)):
            s = pairwise_scores(pred.reset_index(drop=True), true.reset_index(drop=True))
            rows.append({"level": level, "method": method, **s})
    return pd.DataFrame(rows)
