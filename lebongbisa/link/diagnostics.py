"""Summaries of stage 2 for the notebook: match rates, the model's weights, who fails to link,
and accuracy against the synthetic truth beside the exact-NIK join."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from lebongbisa import kinds
from lebongbisa.clean._vector import among
from lebongbisa.flags import nik_category
from lebongbisa.folder import PeriodFolder
from lebongbisa.link.evaluate import exact_household_clusters, exact_nik_clusters, pairwise_scores
from lebongbisa.link.model import MIN_TRAINING_RECORDS
from lebongbisa.link.quality import true_accuracy


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


DIMENSIONS = ("source", "desa", "age_group", "sex", "nik_status")
AGE_GROUPS = ["0-14", "15-24", "25-44", "45-64", "65+"]
#: the clean columns `list_rows` reads
PROFILE_COLUMNS = ["kind", "program", "village_code", "age", "sex"]
#: a group stands out when at least this many of its list rows were looked for, and their
#: share not found is this much above the whole list's (points and ratio)
STANDOUT_ROWS, STANDOUT_POINTS, STANDOUT_RATIO = 30, 0.05, 2.0


def in_registry(records: pd.DataFrame, clean: pd.DataFrame) -> np.ndarray:
    """Per row: its person has an accepted registry row (DTSEN, DTKS or P3KE) this quarter."""
    reg = (records.status == "accepted").to_numpy() & clean.kind.isin(kinds.REGISTRIES).to_numpy()
    return among(records.person_key, records.person_key[reg])


def list_rows(records: pd.DataFrame, clean: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Program-list and other non-registry rows with whether their person was found in a
    registry (`not_found`) and whether the link that found it was below the threshold
    (`low_confidence`), with the groups of `DIMENSIONS`.

    Registry rows are not profiled: a registry member on no list is not a linkage failure,
    but a list recipient the linker cannot find in any registry is counted outside every
    target (inclusion error) and leaves their registry household unreached (exclusion)."""
    acc = (records.status == "accepted").to_numpy()
    keep = acc & ~clean.kind.isin(kinds.REGISTRIES).to_numpy()
    found = in_registry(records, clean)[keep]
    r, c = records[keep], clean[keep]
    return pd.DataFrame(
        {
            "source": c.program.fillna(c.kind).to_numpy(),
            "desa": c.village_code.fillna("?").to_numpy(),
            "age_group": pd.cut(c.age.astype(float), [-1, 14, 24, 44, 64, 200], labels=AGE_GROUPS)
            .astype(object)
            .fillna("?")
            .to_numpy(),
            "sex": c.sex.fillna("?").to_numpy(),
            "nik_status": nik_category(r.reason).to_numpy(),
            "not_found": ~found,
            "low_confidence": (
                (r.match_type == "probabilistic") & (r.match_probability < threshold)
            ).to_numpy(),
        },
        index=r.index,
    )


def link_failure_profile(rows: pd.DataFrame) -> pd.DataFrame:
    """Who fails to link, by group: list rows, the share not found in any registry and the
    share found only by a link below the threshold; with the truth (`missed` column, see
    `with_truth`), the share truly in a registry that the linker missed.

    The bias check published with every linkage: a group that links worse risks being
    excluded twice, by the program and then by the data."""
    measures = {"rows": ("not_found", "size"), "not_found": ("not_found", "mean")}
    measures["low_confidence"] = ("low_confidence", "mean")
    if "missed" in rows:
        measures["truly_in_registry"] = ("in_registry_truth", "mean")
        measures["missed"] = ("missed", "sum")
    parts = []
    for g in DIMENSIONS:
        t = rows.groupby(g).agg(**measures).reset_index().rename(columns={g: "group"})
        t.insert(0, "dimension", g)
        parts.append(t)
    out = pd.concat(parts, ignore_index=True)
    if "missed" in rows:  # of the rows truly in a registry, the share not linked to it
        truly = out.truly_in_registry * out.rows
        out["missed"] = (out.missed / truly.where(truly > 0)).astype(float)
    return out


def with_truth(
    rows: pd.DataFrame, records: pd.DataFrame, clean: pd.DataFrame, truth: pd.DataFrame
) -> pd.DataFrame:
    """`list_rows` plus the truth: `in_registry_truth` (the row's true person has a registry
    row this period) and `missed` (so, yet the row's person has no registry row of that true
    person). `truth` holds person_id per row of `records` (aligned, NaN = no truth)."""
    acc = (records.status == "accepted").to_numpy()
    reg = acc & clean.kind.isin(kinds.REGISTRIES).to_numpy()
    pid = truth.person_id.to_numpy()
    registered = set(pid[reg & ~pd.isna(pid)])
    found = set(zip(records.person_key[reg], pid[reg], strict=True))
    t = pid[rows.index]
    truly = pd.Series(t, index=rows.index).isin(registered).to_numpy()
    hit = np.array(
        [(k, p) in found for k, p in zip(records.person_key[rows.index], t, strict=True)],
        dtype=bool,
    )
    return rows.assign(in_registry_truth=truly, missed=truly & ~hit)


def standout(profile: pd.DataFrame) -> pd.Series | None:
    """The group whose list rows are most often not found in a registry, when it stands out
    from the whole (STANDOUT_*); else None."""
    src = profile[profile.dimension == "source"]
    overall = (src.not_found * src.rows).sum() / src.rows.sum() if src.rows.sum() else 0.0
    # a desa is too small to name; "?" (age or sex unknown) is no group of people
    c = profile[
        (profile.dimension != "desa") & (profile.group != "?") & (profile.rows >= STANDOUT_ROWS)
    ]
    c = c[(c.not_found >= overall + STANDOUT_POINTS) & (c.not_found >= overall * STANDOUT_RATIO)]
    if c.empty:
        return None
    return pd.concat([c.sort_values("not_found").iloc[-1], pd.Series({"overall": overall})])


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


def truth_by_row(folder: PeriodFolder, records: pd.DataFrame) -> pd.DataFrame | None:
    """The synthetic truth (person_id, household_id) aligned with `records` (None: real data)."""
    path = folder.path("truth_rows")
    if not path.exists():
        return None
    truth = pd.read_parquet(
        path, columns=["source_file", "source_row", "person_id", "household_id"]
    )
    return records[["source_file", "source_row"]].merge(
        truth, on=["source_file", "source_row"], how="left"
    )


def failure_profile_vs_truth(data_dir: Path, period: str, threshold: float) -> pd.DataFrame | None:
    """`link_failure_profile` of a processed period with the truth's `missed` share."""
    f = PeriodFolder.of(period, data_dir)
    records = pd.read_parquet(f.path("records"))
    truth = truth_by_row(f, records)
    if truth is None:
        return None
    clean = pd.read_parquet(f.path("clean"), columns=PROFILE_COLUMNS)
    return link_failure_profile(
        with_truth(list_rows(records, clean, threshold), records, clean, truth)
    )


def link_quality_vs_truth(data_dir: Path, period: str) -> dict | None:
    """The stage's estimated pair precision and recall beside the same measures with the truth
    (over the same scored pairs; None without truth)."""
    f = PeriodFolder.of(period, data_dir)
    records = pd.read_parquet(
        f.path("records"), columns=["source_file", "source_row", "person_key"]
    )
    truth = truth_by_row(f, records)
    if truth is None:
        return None
    scored = pd.read_parquet(f.path("link_pairs"))
    summary = json.loads(f.path("link_summary").read_text())
    clusters = pd.DataFrame({"unique_id": records.index, "cluster": records.person_key.fillna("")})
    pid = truth.person_id.to_numpy()
    same = (pid[scored.uid_l] == pid[scored.uid_r]) & ~pd.isna(pid[scored.uid_l])
    return {
        "period": period,
        "estimated_precision": summary.get("estimated_precision"),
        "estimated_recall": summary.get("estimated_recall"),
        **true_accuracy(scored, clusters, same),
    }


def model_origin(info: dict) -> tuple[str, str]:
    """Where the quarter's linkage model came from, in Indonesian and English, to follow the
    word "Model" (link_model.json `model_source`: trained, reused, an earlier quarter's for a
    quarter too small to train on, the packaged default for want of one, or the packaged
    model because run.yml asks for it)."""
    source, reused = info.get("model_source", "trained"), info.get("reused_from")
    n = info.get("records")
    if n is not None and n < MIN_TRAINING_RECORDS:
        least = MIN_TRAINING_RECORDS
        why_id = (
            f"data triwulan ini terlalu sedikit untuk melatih model ({n} baris; minimal {least})"
        )
        why_en = f"this quarter has too little data to train on ({n} rows; at least {least})"
    else:
        why_id = (
            "pelatihan model pada data triwulan ini tidak menghasilkan model yang dapat dipakai"
        )
        why_en = "training on this quarter's data gave no usable model"
    if source == "given":
        return f"dipakai ulang dari {reused}", f"reused from {reused}"
    if source == "packaged":
        return (
            "bawaan paket (aturan deterministik dan nilai m/u tetap), sesuai pengaturan "
            "`link.model: packaged` di run.yml",
            "the packaged default (deterministic rules and fixed m/u values), as run.yml's "
            "`link.model: packaged` asks",
        )
    if source == "fallback":
        return f"diambil dari {reused}, karena {why_id}", f"taken from {reused}, because {why_en}"
    if source == "default":
        return (
            "bawaan paket (aturan deterministik dan nilai m/u tetap), karena "
            f"{why_id} dan belum ada model triwulan sebelumnya",
            "the packaged default (deterministic rules and fixed m/u values), because "
            f"{why_en} and no earlier quarter saved one",
        )
    return "dilatih pada periode ini", "trained on this period"
