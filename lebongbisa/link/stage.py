"""Stage 2 for a period: link records into persons and households and write the keys.

Reads stage 1's `rows`, `clean` and `identity`, writes (artefacts of `folder.ARTEFACTS`):
- `records` (records.parquet, contract, docs/outputs.md): stage 1's rows with `person_key`,
  `household_key`, `match_type`, `match_probability` for every accepted row; in-list
  duplicates get a `duplicate_in_list` flag in `reason`,
- `link_pairs` — scored candidate pairs (record positions and probabilities only),
- `link_model` — the model used, with where it came from (reused or trained),
- `link_summary` — counts for the notebook,
- `review` (reports/<period>/restricted/) — uncertain pairs for clerical review.
The model is data: it is reused from the latest earlier period unless `retrain` is asked.
"""

from __future__ import annotations

import json
import logging
import time

import numpy as np
import pandas as pd

from lebongbisa import kinds, schemas
from lebongbisa.folder import PeriodFolder
from lebongbisa.io import write_csv, write_json, write_parquet
from lebongbisa.link import decisions
from lebongbisa.link.definitions import LinkSettings
from lebongbisa.link.diagnostics import link_failure_profile, list_rows, standout
from lebongbisa.link.features import linkage_frame
from lebongbisa.link.households import resolve_households
from lebongbisa.link.identity import identity_keys
from lebongbisa.link.linker import link_records
from lebongbisa.link.model import default_model
from lebongbisa.link.quality import estimated_accuracy
from lebongbisa.link.review import read_decisions, review_table, write_review
from lebongbisa.privacy import pseudonymize
from lebongbisa.restricted import restricted_folder

log = logging.getLogger(__name__)
#: the columns this stage reads (the linker's and the review list's): not whole tables
CLEAN_USED = [
    "status",
    "program",
    "age",
    "source_file",
    "kind",
    "sex",
    "village_code",
    "district_code",
    "source_household_key",
    "relationship",
]
IDENT_USED = [
    "nik",
    "nik_prefix",
    "name_key",
    "birth_date",
    "kk_number",
    "nik_raw",
    "name_raw",
    "kk_raw",
]


def _unique_ids(ident: pd.Series, cluster: pd.Series) -> pd.Series:
    """Make identity strings unique per cluster: when several clusters carry the same one
    (a NIK the linker judged to belong to two people), the largest cluster keeps it and the
    others get a suffix, so equal keys always mean one entity."""
    per = pd.DataFrame({"ident": ident.to_numpy(), "cluster": cluster.to_numpy()})
    size = per.groupby("cluster").cluster.transform("size")
    first = per.assign(size=size).sort_values(["size", "cluster"], ascending=[False, True])
    first = first.drop_duplicates("cluster")
    rank = first.groupby("ident").cumcount()
    suffix = pd.Series(
        np.where(rank > 0, "#" + first.cluster.astype(str), ""), index=first.cluster.to_numpy()
    )
    return pd.Series(ident.to_numpy(), index=ident.index) + cluster.map(suffix).to_numpy()


def _group_min(values: pd.Series, groups: pd.Series) -> pd.Series:
    """The smallest non-missing value of each group, for every row (None when the group has
    none). A sort, because pandas' groupby min on Arrow strings loops in Python per group."""
    d = pd.DataFrame({"g": groups.to_numpy(), "v": values.to_numpy()}).dropna(subset=["v"])
    first = d.sort_values(["g", "v"]).drop_duplicates("g").set_index("g").v
    return pd.Series(groups.map(first).to_numpy(), index=values.index)


def _keys(
    frame: pd.DataFrame, person: pd.Series, household: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Pseudonymous person and household keys, stable across quarters where identifiers allow:
    a person is keyed by the smallest valid NIK in its cluster (else name, birth date, village);
    a household by the smallest valid KK number (else source household id, else its person)."""
    f = frame.assign(person=person.to_numpy(), household=household.to_numpy())
    fallback = (
        f.name_key.fillna("") + "|" + f.birth_date.fillna("") + "|" + f.village_code.fillna("")
    )
    pid = _group_min(f.nik, f.person)
    first_uid = f.groupby("person")["unique_id"].transform("min")
    named = dict(zip(f.unique_id.tolist(), fallback.tolist(), strict=True))  # lists: fast
    pid = pid.where(pid.notna(), "n:" + first_uid.map(named))
    person_key = pseudonymize(_unique_ids(pid, f.person), "person")
    hid = _group_min(f.kk_number, f.household)
    src = _group_min(f.source_household, f.household)
    hid = hid.where(hid.notna(), "s:" + src.where(src.notna(), "p:" + person_key))
    return person_key, pseudonymize(_unique_ids(hid, f.household), "household")


def _roles(frame: pd.DataFrame, clusters: pd.DataFrame) -> pd.Series:
    """Per record id: "registered" (its person is in a registry) or "unfound" (a record of a
    list, a program's or the UMKM registry's, whose person is in none), for
    decisions.for_review."""
    kind = frame.set_index("unique_id").kind.reindex(clusters.unique_id).to_numpy()
    cl = clusters.cluster.to_numpy()
    registered = np.isin(cl, cl[np.isin(kind, kinds.REGISTRIES)])
    role = np.where(registered, "registered", "unfound")
    return pd.Series(role, index=clusters.unique_id.to_numpy())


def _contradicted(ledger: pd.DataFrame, keys: pd.Series, records: pd.DataFrame) -> pd.DataFrame:
    """The earlier decisions new evidence contradicts, one record of each identity side by
    side with the old decision, for the review workbook's BERTENTANGAN sheet."""
    c = ledger[ledger.status == "contradicted"]
    first = pd.Series(keys.index, index=keys.to_numpy()).groupby(level=0).first()
    pairs = pd.DataFrame(
        {
            "uid_l": first.reindex(c.key_1).to_numpy(),
            "uid_r": first.reindex(c.key_2).to_numpy(),
            "match_probability": np.where(c.same, 1.0, 0.0),
            "linked": c.same.to_numpy(),
            "key_1": c.key_1.to_numpy(),
            "key_2": c.key_2.to_numpy(),
        }
    )
    table = review_table(pairs, records).drop(columns=["PELUANG SAMA (%)", "STATUS"])
    table.insert(1, "KEPUTUSAN LAMA", np.where(c.same, "SAMA", "BEDA"))
    table.insert(2, "OLEH / TANGGAL", (c.decided_by + " / " + c.decided_at).to_numpy())
    return table


def _earlier_model(folder: PeriodFolder) -> tuple[str, dict] | None:
    """(quarter, model) of the latest earlier quarter's model, unless that quarter itself fell
    back to the packaged default (a larger quarter then trains its own)."""
    source = folder.latest_earlier("link_model")
    if source is None:
        return None
    info = json.loads(source.read_text())
    return None if info.get("model_source") == "default" else (source.parent.name, info["model"])


def link_period(
    folder: PeriodFolder,
    link: LinkSettings | None = None,
    retrain: bool = False,
    engine: str = "duckdb",
) -> dict:
    """Stage 2 on a period folder, with the run configuration's `link` section; the model is
    reused from the latest earlier quarter that saved one unless `retrain`, and is the
    packaged one, untrained, when `link.model` is `packaged`."""
    settings = link or LinkSettings()
    period = folder.period
    t0 = time.perf_counter()
    records = pd.read_parquet(folder.path("rows"))
    clean = pd.read_parquet(folder.path("clean"), columns=CLEAN_USED)
    ident = pd.read_parquet(folder.path("identity"), columns=IDENT_USED)
    frame = linkage_frame(ident, clean)
    log.info("read and prepared %d records in %.1f s", len(frame), time.perf_counter() - t0)
    restricted_folder(folder.path("review").parent)

    packaged = settings.model == "packaged"
    earlier = None if packaged else _earlier_model(folder)
    model = default_model() if packaged else earlier[1] if earlier and not retrain else None
    keys = identity_keys(frame).set_axis(frame.unique_id)
    records["identity_key"] = None
    records.loc[frame.unique_id, "identity_key"] = keys.to_numpy()
    ledger = decisions.merge_log(
        decisions.read_log(folder.latest_earlier("decisions_log")),
        read_decisions(folder.path("decisions"), records, records.identity_key, period),
    )
    decided, ledger = decisions.apply(ledger, keys, frame.nik.set_axis(frame.unique_id))
    clusters, scored, trained = link_records(
        frame,
        model=model,
        threshold=settings.threshold,
        review_lower=settings.review_lower,
        attach_lower=settings.attach_lower,
        decisions=decided,
        engine=engine,
        target_precision=settings.target_precision,
        fallback=earlier[1] if earlier else None,
        u_pairs=settings.u_pairs,
    )
    threshold = clusters.attrs["threshold"]
    model_source = "packaged" if packaged else clusters.attrs["model_source"]
    reused_from = earlier[0] if model_source in ("given", "fallback") else None
    t1 = time.perf_counter()
    fr = frame.set_index("unique_id").loc[clusters.unique_id].reset_index()
    household = resolve_households(fr, clusters.cluster)
    person_key, household_key = _keys(fr, clusters.cluster, household)
    log.info("households and keys in %.1f s", time.perf_counter() - t1)

    acc = clusters.unique_id.to_numpy()
    records["person_key"] = None
    records["household_key"] = None
    records["match_type"] = "none"
    records["match_probability"] = np.nan
    records.loc[acc, "person_key"] = person_key.to_numpy()
    records.loc[acc, "household_key"] = household_key.to_numpy()
    records.loc[acc, "match_type"] = clusters.match_type.to_numpy()
    records.loc[acc, "match_probability"] = clusters.match_probability.to_numpy()
    # duplicates inside one list: the same person twice in a source
    dup = records.person_key.notna() & records.duplicated(["source_file", "person_key"], keep=False)
    records["reason"] = records.reason.fillna("")
    records.loc[dup, "reason"] = np.where(
        records.loc[dup, "reason"] == "",
        "duplicate_in_list",
        records.loc[dup, "reason"] + ";duplicate_in_list",
    )
    write_parquet(schemas.RECORDS.validate(records), folder.path("records"))
    write_parquet(scored, folder.path("link_pairs"))  # sorted by the linker

    # the pairs whose decision would change the most go to clerical review, with the
    # earlier decisions that new evidence now contradicts
    review = decisions.for_review(
        scored,
        clusters,
        keys,
        ledger,
        threshold,
        settings.review_lower,
        settings.review_budget,
        _roles(frame, clusters),
    )
    review_records = pd.concat(
        [
            records[["source_file", "source_row"]],
            ident[["nik_raw", "name_raw", "birth_date", "kk_raw"]],
            clean[["sex", "village_code"]],
        ],
        axis=1,
    )
    write_review(
        folder.path("review"),
        review_table(review, review_records),
        period,
        _contradicted(ledger, keys, review_records),
    )
    write_csv(ledger, folder.path("decisions_log"), mode=0o600)
    accuracy = estimated_accuracy(scored, clusters, decided)
    profile = link_failure_profile(list_rows(records, clean, threshold))
    write_parquet(profile, folder.path("link_failures"))
    stand = standout(profile)

    model_info = {
        "period": period,
        "reused_from": reused_from,
        "trained": model_source == "trained",
        "model_source": model_source,
        "model_note": "run.yml: link.model: packaged" if packaged else clusters.attrs["model_note"],
        "records": int(len(frame)),
        "threshold": threshold,
        "target_precision": settings.target_precision,
        "review_lower": settings.review_lower,
        "attach_lower": settings.attach_lower,
        "model": {k: v for k, v in trained.items() if k != "linker_uid"},  # a random id
    }
    write_json(model_info, folder.path("link_model"))
    summary = {
        "period": period,
        "records_linked": int(len(clusters)),
        "persons": int(records.person_key.nunique()),
        "households": int(records.household_key.nunique()),
        "match_type": records.loc[acc].match_type.value_counts().to_dict(),
        "review_pairs": int(len(review)),
        **{
            f"review_pairs_{c}": int((review.pair_class == c).sum())
            for c in ("band", "attached", "unfound")
        },
        "decisions_in_log": int(len(ledger)),
        "decisions_new": int((ledger.period == period).sum()),
        **{f"decisions_{s}": int((ledger.status == s).sum()) for s in decisions.STATUSES},
        "threshold": threshold,
        **accuracy,
        "duplicate_in_list_rows": int(dup.sum()),
        "standout": None if stand is None else json.loads(stand.to_json()),
        "model_reused_from": reused_from,
        "model_source": model_source,
        "model_note": "run.yml: link.model: packaged" if packaged else clusters.attrs["model_note"],
    }
    write_json(summary, folder.path("link_summary"))
    return summary
