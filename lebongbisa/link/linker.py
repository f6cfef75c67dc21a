"""Link person records: a deterministic pass, then a probabilistic (Fellegi-Sunter) pass.

    clusters, edges, model = link_records(frame)

`frame` holds canonical person records with the columns of `features.linkage_frame`
(`unique_id`, `nik`, `nik15`, `nik12`, `name_key`, `name_sorted`, `first_token`, `sex`,
`birth_date` as YYYY-MM-DD text, `kk_number`, `village_code`, `district_code`), or, when it
has no `name_key`, plain columns from which they are derived (`features.plain_frame`: names,
dates in any common format, an ID number, address parts, place codes). Any missing column is
treated as unknown, so the linker works on any table of people. Returns one row per record
(`unique_id`, `cluster`, `match_type`, `match_probability`), the scored candidate pairs, and
the trained model (a Splink settings dict, JSON-serializable: pass it back as `model=` to reuse
it without retraining).
"""

from __future__ import annotations

import logging
import time

import numpy as np
import pandas as pd

from lebongbisa.link import model as fs
from lebongbisa.link.definitions import DEFAULT
from lebongbisa.link.engine import Engine
from lebongbisa.link.features import ADDRESS_COLUMNS, plain_frame
from lebongbisa.link.graph import both_ways, components
from lebongbisa.link.quality import threshold_for_precision

COLUMNS = [
    "unique_id",
    "nik",
    "nik15",
    "nik12",
    "name_key",
    "name_sorted",
    "first_token",
    "sex",
    "birth_date",
    "kk_number",
    "village_code",
    "district_code",
]
log = logging.getLogger(__name__)
DEFAULT_THRESHOLD = DEFAULT.threshold
REVIEW_BAND = (DEFAULT.review_lower, DEFAULT.threshold)
#: pairs are scored and kept down to this probability (or the review floor, if lower): the
#: unlikely candidates still count in the estimated recall (link/quality) and may be drawn
#: in the intervals (targeting/uncertainty), though they are never linked or reviewed
SCORE_FLOOR = 0.05


def _complete(frame: pd.DataFrame) -> pd.DataFrame:
    """The canonical columns, derived from plain ones when the frame has no name key."""
    f = frame.copy() if "name_key" in frame else plain_frame(frame)
    for c in COLUMNS:
        if c not in f:
            f[c] = None
    return f


def optional_columns(f: pd.DataFrame) -> list[str]:
    """The optional comparison columns (address parts) the records actually carry."""
    return [c for c in ADDRESS_COLUMNS if c in f and f[c].notna().any()]


def deterministic_edges(f: pd.DataFrame, engine: Engine) -> pd.DataFrame:
    """Pairs settled without a model.

    - `nik`: the same valid NIK and the same birth date, or (birth dates missing or at most a
      year apart) names that agree (Jaro-Winkler >= 0.85 or one the start of the other) — a
      NIK shared by unrelated people is a duplicate-NIK defect, left to the model;
    - `registry`: no trusted NIK on one side, but the same KK number, birth date and name.
    """
    return engine.sql(
        """
        SELECT l.unique_id AS uid_l, r.unique_id AS uid_r, 'nik' AS rule
        FROM f l JOIN f r ON l.nik = r.nik AND l.unique_id < r.unique_id
        WHERE l.birth_date = r.birth_date
           OR ((l.birth_date IS NULL OR r.birth_date IS NULL
                OR abs(year(cast(l.birth_date AS DATE)) - year(cast(r.birth_date AS DATE))) <= 1)
               AND (jaro_winkler_similarity(coalesce(l.name_key, ''),
                                            coalesce(r.name_key, '')) >= 0.85
                    OR starts_with(coalesce(l.name_key, ''), coalesce(r.name_key, '') || ' ')
                    OR starts_with(coalesce(r.name_key, ''), coalesce(l.name_key, '') || ' ')))
        UNION ALL
        SELECT l.unique_id, r.unique_id, 'registry'
        FROM f l JOIN f r ON l.kk_number = r.kk_number AND l.birth_date = r.birth_date
             AND l.name_key = r.name_key AND l.unique_id < r.unique_id
        WHERE l.nik IS NULL OR r.nik IS NULL
    """,
        {"f": f[COLUMNS]},
    )


def label_pairs_by_name(f: pd.DataFrame, engine: Engine) -> pd.DataFrame:
    """Pairs agreeing exactly on name, birth date, sex and village: labels for the NIK levels."""
    return engine.sql(
        """
        SELECT l.unique_id AS uid_l, r.unique_id AS uid_r FROM f l JOIN f r
          ON l.name_key = r.name_key AND l.birth_date = r.birth_date AND l.sex = r.sex
         AND l.village_code = r.village_code AND l.unique_id < r.unique_id
        WHERE strpos(l.name_key, ' ') > 0
    """,
        {"f": f[COLUMNS]},
    )


def predict_edges(
    f: pd.DataFrame,
    model: dict | None,
    lower: float,
    det: pd.DataFrame,
    engine: Engine,
    seed: int = 58,
    u_pairs: int = DEFAULT.u_pairs,
) -> tuple[pd.DataFrame, dict]:
    """Score candidate pairs with Splink on the engine's backend; train the model when none is
    given. The returned model is in DuckDB's dialect, whichever engine ran."""
    from splink import Linker

    db = engine.splink_api()
    optional = optional_columns(f)
    sdf = engine.register(db, f[COLUMNS + optional], "records")
    if not model:
        if len(f) < fs.MIN_TRAINING_RECORDS:
            raise fs.TooFewToTrain(
                f"{len(f)} records, fewer than the {fs.MIN_TRAINING_RECORDS} a model is trained on"
            )
        trainer = Linker(sdf, fs.settings(optional), log_level=None)
        try:
            trained = fs.train(
                trainer, db, det[det.rule == "nik"], label_pairs_by_name(f, engine), seed, u_pairs
            )
        except (ValueError, ZeroDivisionError, ArithmeticError) as exc:
            raise fs.TooFewToTrain(f"training failed on these records ({exc})") from exc
        linker = Linker(sdf, trained, log_level=None)
        trained = engine.model_out(trained)
    else:
        linker = Linker(sdf, engine.model_in(model), log_level=None)
        trained = model
    pred = linker.inference.predict(threshold_match_probability=lower).as_pandas_dataframe()
    edges = pred[["unique_id_l", "unique_id_r", "match_probability", "match_weight"]].rename(
        columns={"unique_id_l": "uid_l", "unique_id_r": "uid_r"}
    )
    return edges, trained


def unique_candidate_edges(
    ids: np.ndarray, edges: pd.DataFrame, scored: pd.DataFrame, lower: float
) -> pd.DataFrame:
    """Attach a record that nothing linked to its only plausible person.

    Lists without birth dates (BLT Dana Desa, UMKM) often reach only ~0.9 on name and village
    alone. When such a record has candidate pairs at or above `lower` and they all point to
    one and the same person, the link is accepted: a second person with that name in that
    village would have produced a second candidate."""
    linked = set(edges.uid_l) | set(edges.uid_r)
    comp = pd.Series(components(ids, edges), index=ids)
    s = scored[scored.match_probability >= lower]
    both = both_ways(s)
    both = both[~both.u.isin(linked)]
    if both.empty:
        return pd.DataFrame({"uid_l": [], "uid_r": [], "rule": []})
    both["cand"] = comp[both.v.to_numpy()].to_numpy()
    n_cand = both.groupby("u").cand.nunique()
    single = both[both.u.map(n_cand) == 1].sort_values("match_probability")
    single = single.drop_duplicates("u", keep="last")
    return pd.DataFrame(
        {"uid_l": single.u.to_numpy(), "uid_r": single.v.to_numpy(), "rule": "probabilistic"}
    )


def link_records(
    frame: pd.DataFrame,
    model: dict | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    review_lower: float = REVIEW_BAND[0],
    attach_lower: float = DEFAULT.attach_lower,
    decisions: pd.DataFrame | None = None,
    seed: int = 58,
    engine: str | Engine = "duckdb",
    target_precision: float | None = None,
    fallback: dict | None = None,
    u_pairs: int = DEFAULT.u_pairs,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Cluster records into persons (see module docstring).

    Without `model` a model is trained; when the records are too few to train on, `fallback`
    (an earlier quarter's model) is used, else the packaged default model. The clusters'
    `attrs["model_source"]` says which (`given`, `trained`, `fallback`, `default`) and
    `attrs["model_note"]` why.

    `decisions` (optional) holds clerical decisions (`uid_l`, `uid_r`, `same`: bool) that
    override the model for those pairs. `engine` is "duckdb" (this process), "spark" (a
    local or cluster Spark session, see `engine.py`) or an `Engine`. With `target_precision`
    the threshold is the lowest whose links reach that estimated precision (link/quality);
    the threshold used is in the clusters' `attrs["threshold"]`. `u_pairs`: the random pairs
    training samples for the u-probabilities.
    """
    f = _complete(frame)
    engine = engine if isinstance(engine, Engine) else Engine(engine)
    t0 = time.perf_counter()
    # engines return rows in no particular order: sort, so every run decides ties alike
    det = deterministic_edges(f, engine).sort_values(["uid_l", "uid_r"], ignore_index=True)
    t1 = time.perf_counter()
    floor = min(SCORE_FLOOR, review_lower)
    source, note = ("given", "") if model else ("trained", "")
    try:
        scored, trained = predict_edges(f, model, floor, det, engine, seed, u_pairs)
    except fs.TooFewToTrain as exc:  # a quarter of a few rows is a valid quarter
        source, note = ("fallback", str(exc)) if fallback else ("default", str(exc))
        model = fallback or fs.default_model()
        scored, trained = predict_edges(f, model, floor, det, engine, seed)
    scored = scored.sort_values(["uid_l", "uid_r"], ignore_index=True)
    if target_precision is not None:
        threshold = threshold_for_precision(scored, target_precision, review_lower)
        attach_lower = min(attach_lower, threshold)
    t2 = time.perf_counter()
    log.info(
        "%s: %d records; deterministic pass %.1f s (%d pairs); %s and scoring %.1f s "
        "(%d pairs >= %.2f)",
        engine.name,
        len(f),
        t1 - t0,
        len(det),
        "training" if not model else "model reuse",
        t2 - t1,
        len(scored),
        floor,
    )
    prob = scored[scored.match_probability >= threshold][["uid_l", "uid_r"]].assign(
        rule="probabilistic"
    )
    edges = pd.concat([det, prob], ignore_index=True)
    candidates = scored
    if decisions is not None and len(decisions):
        d = decisions.assign(
            uid_l=decisions[["uid_l", "uid_r"]].min(axis=1),
            uid_r=decisions[["uid_l", "uid_r"]].max(axis=1),
        )
        no = set(d[~d.same].uid_l.astype(str) + "-" + d[~d.same].uid_r.astype(str))

        def pair_key(e: pd.DataFrame) -> pd.Series:
            lo = e[["uid_l", "uid_r"]].min(axis=1).astype(str)
            return lo + "-" + e[["uid_l", "uid_r"]].max(axis=1).astype(str)

        edges = edges[~pair_key(edges).isin(no)]
        candidates = scored[~pair_key(scored).isin(no)]
        edges = pd.concat(
            [edges, d[d.same][["uid_l", "uid_r"]].assign(rule="clerical")], ignore_index=True
        )
    ids = f.unique_id.to_numpy()
    edges = pd.concat(
        [edges, unique_candidate_edges(ids, edges, candidates, attach_lower)], ignore_index=True
    )
    comp = components(ids, edges)
    log.info("clusters %.1f s (%d edges)", time.perf_counter() - t2, len(edges))
    out = pd.DataFrame({"unique_id": ids, "cluster": comp})
    # match type per record: the strongest rule that linked it
    best = {}
    for rule in ("probabilistic", "registry", "clerical", "nik"):
        e = edges[edges.rule == rule]
        for u in np.concatenate([e.uid_l.to_numpy(), e.uid_r.to_numpy()]):
            best[u] = rule
    mtype = out.unique_id.map(best).astype(object).fillna("none")
    mtype = mtype.replace({"clerical": "probabilistic"})
    pmax = both_ways(scored[["uid_l", "uid_r", "match_probability"]])
    pmax = pmax[pmax.match_probability >= attach_lower].groupby("u").match_probability.max()
    out["match_type"] = mtype.to_numpy()
    out["match_probability"] = np.select(
        [out.match_type.isin(["nik", "registry"]), out.match_type == "probabilistic"],
        [1.0, out.unique_id.map(pmax).fillna(1.0)],
        np.nan,
    )
    out.attrs["threshold"] = threshold
    out.attrs["model_source"], out.attrs["model_note"] = source, note
    return out, scored, trained
