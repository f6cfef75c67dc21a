"""Stage 3 for a period: household base, targeting indicators, overlaps and worklists.

Writes `household_base.parquet` (pseudonymous), `indicators_03_targeting.csv` (combined into
`indicators.csv`), `program_combinations.parquet`, `agency_co_receipt.parquet`,
`targeting_summary.json`, and the worklists in `reports/<period>/restricted/`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from lebongbisa import indicators
from lebongbisa.indicators import Collector
from lebongbisa.ingest.quality import scorecard, scorecard_indicators
from lebongbisa.io import write_json, write_parquet
from lebongbisa.restricted import restricted_folder
from lebongbisa.targeting import worklists
from lebongbisa.targeting.households import accepted_records, household_base
from lebongbisa.targeting.measures import (
    agency_co_receipt,
    combinations_table,
    delivered_programs,
    measure,
    registry_delivered,
)

CHANGE_INDICATORS = [
    "households",
    "households_desil1",
    "exclusion_error_any_program",
    "coverage_any_program",
    "recipients_households",
    "coverage",
    "exclusion_error",
    "inclusion_error",
]


def target_period(processed: Path, reports: Path) -> dict:
    processed, reports = Path(processed), Path(reports)
    period = processed.name
    manifest = json.loads((processed / "manifest.json").read_text(encoding="utf-8"))
    catalog = manifest["programs"]
    records = pd.read_parquet(processed / "records.parquet")
    clean = pd.read_parquet(processed / "clean.parquet")
    acc = accepted_records(records, clean)
    h = household_base(acc, catalog)
    write_parquet(h, processed / "household_base.parquet")
    delivered = delivered_programs(manifest)
    ind = measure(h, catalog, period, acc, delivered, registry_delivered(manifest))
    quality = Collector(period)
    scorecard_indicators(scorecard(records, clean, catalog), quality)
    ind = pd.concat([ind, quality.frame()], ignore_index=True)
    ind = indicators.with_changes(
        ind, indicators.previous_part(processed, "03_targeting"), CHANGE_INDICATORS
    )
    indicators.write_part(ind, processed, "03_targeting")
    lists = [p for p in catalog if p["code"] in delivered]
    write_parquet(combinations_table(h, lists), processed / "program_combinations.parquet")
    write_parquet(
        agency_co_receipt(h, lists).reset_index(names="dinas"),
        processed / "agency_co_receipt.parquet",
    )
    ident = pd.read_parquet(processed / "restricted" / "identity.parquet")
    lists = worklists.build(acc, ident, h, catalog)
    counts = worklists.write(lists, restricted_folder(reports / "restricted"), period)
    summary = {
        "period": period,
        "households": int(len(h)),
        "worklists": {worklists.FILES[k]: n for k, n in counts.items()},
    }
    write_json(summary, processed / "targeting_summary.json")
    return summary
