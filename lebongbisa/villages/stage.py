"""Stage 5 for a period: village indicator table, typology and Desa Binaan priority.

Writes (artefacts of `folder.ARTEFACTS`) `village_indicators`, `village_typology`,
`village_model_choice`, `desa_binaan`, `villages_summary` and its indicators part
`village_indicators_part` (desa scope).
"""

from __future__ import annotations

import pandas as pd

from lebongbisa import indicators
from lebongbisa.folder import PeriodFolder
from lebongbisa.indicators import Collector
from lebongbisa.io import write_json, write_parquet
from lebongbisa.targeting.households import load_stage_inputs
from lebongbisa.villages.definitions import DesaBinaanSettings
from lebongbisa.villages.priority import not_rankable, priority
from lebongbisa.villages.table import FEATURES, village_table
from lebongbisa.villages.typology import not_clusterable, typology
from lebongbisa.workpoor.persons import employment_persons

CHANGE_COLUMNS = ["share_desil1", "share_desil12", "working_poverty_rate", "coverage_desil1"]
TYPOLOGY_COLUMNS = ["village_code", "cluster", "cluster_name", "cluster_name_en", "pc1", "pc2"]
PRIORITY_COLUMNS = [
    "village_code",
    "village_name",
    "district_name",
    "priority_index",
    "rank",
    "rank_p05",
    "rank_p95",
    "reasons",
    "reasons_en",
]


def villages_period(
    folder: PeriodFolder, desa_binaan: DesaBinaanSettings | None = None, top_n: int = 10
) -> dict:
    """Stage 5 on a period folder, with the run configuration's Desa Binaan weights and the
    typology's bootstrap draws."""
    desa_binaan = desa_binaan or DesaBinaanSettings()
    weights, period = desa_binaan.weights or None, folder.period
    records, clean, h, acc = load_stage_inputs(folder)
    persons = employment_persons(acc, h)
    fe_file = folder.path("village_effects")
    effects = (
        pd.read_parquet(fe_file).set_index("village_code").village_effect
        if fe_file.exists()
        else None
    )
    t = village_table(h, persons, records, clean, effects)
    prev = folder.previous("village_indicators")
    if prev:
        old = pd.read_parquet(prev).set_index("village_code")
        for c in CHANGE_COLUMNS:
            t[f"change_{c}"] = (t.set_index("village_code")[c] - old[c]).to_numpy()
    has_data = t[t.households > 0]  # villages without records are listed, never ranked
    typ_reason, prio_reason = not_clusterable(has_data), not_rankable(has_data, weights)
    if typ_reason:
        typ, choice = pd.DataFrame(columns=TYPOLOGY_COLUMNS), pd.DataFrame()
        info = {"skipped": typ_reason[1], "skipped_id": typ_reason[0]}
    else:
        typ, choice, info = typology(has_data, draws=desa_binaan.stability_draws)
    if prio_reason:
        prio, used = pd.DataFrame(columns=PRIORITY_COLUMNS), {}
    else:
        prio, used = priority(has_data, weights)
    write_parquet(t, folder.path("village_indicators"))
    write_parquet(typ, folder.path("village_typology"))
    write_parquet(choice, folder.path("village_model_choice"))
    write_parquet(prio, folder.path("desa_binaan"))

    c = Collector(period)
    for r in t.itertuples(index=False):
        for col in [*FEATURES, *[f"change_{x}" for x in CHANGE_COLUMNS if prev]]:
            v = getattr(r, col)
            if pd.notna(v):
                c.value(col, "desa", r.village_code, v)
    for r in prio.itertuples(index=False):
        c.value("priority_index", "desa", r.village_code, r.priority_index)
        c.value("priority_rank", "desa", r.village_code, r.rank)
        c.value("priority_rank_p05", "desa", r.village_code, r.rank_p05)
        c.value("priority_rank_p95", "desa", r.village_code, r.rank_p95)
    for col in [c for c in prio.columns if c.startswith("contribution_")]:
        for code, v in zip(prio.village_code, prio[col], strict=True):
            c.value(f"priority_{col}", "desa", code, v)
    for r in typ.itertuples(index=False):
        c.value("village_cluster", "desa", r.village_code, r.cluster)
    indicators.write_part(c.frame(), folder, "village_indicators_part")
    summary = {
        "period": period,
        "villages": len(t),
        "villages_with_records": len(has_data),
        "typology": info,
        "priority_skipped": prio_reason[1] if prio_reason else None,
        "priority_skipped_id": prio_reason[0] if prio_reason else None,
        "weights": used,
        "previous_period": prev.parent.name if prev else None,
        "top": prio.head(top_n)[[c for c in PRIORITY_COLUMNS if c != "priority_index"]].to_dict(
            "records"
        ),
    }
    write_json(summary, folder.path("villages_summary"))
    return summary
