"""Stage 3 for a period: household base, targeting indicators, overlaps and worklists.

Writes (artefacts of `folder.ARTEFACTS`) `household_base` (pseudonymous), its indicators part
`targeting_indicators`, `program_combinations`, `agency_co_receipt`, `targeting_summary`, and
the worklists `worklist_a`..`worklist_f` in `reports/<period>/restricted/` with the keys of
their rows (`list_keys`), the fix workbooks, and the officers' field results so far
(`verification_log`, `verification_workbook`: targeting/verification.py).
"""

from __future__ import annotations

import pandas as pd

from lebongbisa import indicators
from lebongbisa.folder import PeriodFolder
from lebongbisa.gazetteer import kabupaten_code
from lebongbisa.indicators import Collector
from lebongbisa.ingest.quality import scorecard, scorecard_by_desa, scorecard_indicators
from lebongbisa.ingest.stage import load_manifest, quarter_regime, registry_delivered
from lebongbisa.io import write_json, write_parquet
from lebongbisa.link import decisions
from lebongbisa.link.quality import Calibration
from lebongbisa.restricted import restricted_folder, workbooks_in_parallel
from lebongbisa.targeting import fixes, money, uncertainty, verification, worklists
from lebongbisa.targeting.definitions import TargetingSettings
from lebongbisa.targeting.households import accepted_records, household_base
from lebongbisa.targeting.measures import (
    agency_co_receipt,
    combinations_table,
    delivered_programs,
    excluded_two_quarters,
    measure,
)


def _excluded_twice(folder: PeriodFolder, h: pd.DataFrame, manifest: dict) -> pd.Series | None:
    """Desil-1 households reached by no program here and in the immediately preceding quarter,
    when that quarter was processed in the same desil regime (else None)."""
    prev = folder.previous("household_base")
    regime = quarter_regime(folder)
    if prev is None or regime == "none":
        return None
    if quarter_regime(folder.sibling(folder.previous_period)) != regime:
        return None
    return excluded_two_quarters(h, pd.read_parquet(prev))


def _intervals(
    folder: PeriodFolder,
    records: pd.DataFrame,
    clean: pd.DataFrame,
    h: pd.DataFrame,
    catalog: list[dict],
    delivered: set[str],
    published: pd.DataFrame,
    settings: TargetingSettings,
) -> pd.DataFrame:
    """The `_low` / `_high` rows of the headline indicators (targeting.uncertainty)."""
    c = Collector(folder.period)
    if settings.uncertainty_draws:
        scored = pd.read_parquet(folder.path("link_pairs"))
        links = uncertainty.list_links(records, clean, scored)
        answers = decisions.read_log(folder.path("decisions_log"))
        sample = uncertainty.draws(
            links,
            h,
            catalog,
            delivered,
            settings.uncertainty_draws,
            calibration=Calibration.fit(answers, "unfound"),
        )
        uncertainty.intervals(c, published, sample)
    return c.frame()


def _verify(
    folder: PeriodFolder, returned: pd.DataFrame, acc: pd.DataFrame, settings: TargetingSettings
) -> tuple[pd.DataFrame, pd.DataFrame, verification.Effects, pd.DataFrame]:
    """The verification log so far with this quarter's `returned` list rows (stage 1), their
    effect, and the accepted records without the persons verified dead (and those records)."""
    log = verification.merge_log(
        verification.read_log(folder.latest_earlier("verification_log")), returned, folder.period
    )
    fx = verification.effects(log, folder.period, settings)
    kept, dead = verification.drop_deceased(acc, fx.died)
    return log, kept, fx, dead


def target_period(folder: PeriodFolder, targeting: TargetingSettings | None = None) -> dict:
    """Stage 3 on a period folder; `targeting` gives the number of draws of the intervals and
    how long the officers' field results hold. The by-name workbooks are queued first: other
    processes write them while the indicators are computed here."""
    targeting = targeting or TargetingSettings()
    period = folder.period
    manifest = load_manifest(folder)
    catalog = manifest["programs"]
    records = pd.read_parquet(folder.path("records"))
    clean = pd.read_parquet(folder.path("clean"))
    returned = pd.read_parquet(folder.path("verification"))
    log, acc, fx, dead = _verify(folder, returned, accepted_records(records, clean), targeting)
    h = household_base(acc, catalog)
    write_parquet(h, folder.path("household_base"))

    ident = pd.read_parquet(folder.path("identity"))
    lists = worklists.build(acc, ident, h, catalog)
    lists["f"] = worklists.left_out_twice(lists["a"], _excluded_twice(folder, h, manifest))
    lists, off = verification.apply_to_lists(
        lists, fx, verification.households_of(acc, fx.enrolled.person)
    )
    gone = verification.taken_off(dead, off, fx.died)
    restricted_folder(folder.path("worklist_a").parent)  # owner-only, with the handling note
    with workbooks_in_parallel():
        counts = worklists.write(lists, folder, catalog, fx.last)
        verified = verification.write(folder, log, fx, gone)
        fixed = fixes.write(folder, records, acc, ident, h, manifest)  # records: stage 2's too
        delivered = delivered_programs(manifest)
        ind = measure(h, catalog, period, acc, delivered, registry_delivered(manifest))
        ind = pd.concat(
            [ind, _intervals(folder, records, clean, h, catalog, delivered, ind, targeting)]
        )
        previous = indicators.previous_part(folder, "targeting_indicators")
        more = Collector(period)  # field results, then the data quality of each dinas
        if fx.any:
            verification.indicators(more, returned, fx, gone, kabupaten_code())
        scorecard_indicators(scorecard(records, clean, catalog), more)
        scorecard_indicators(scorecard_by_desa(clean, catalog), more)
        ind = pd.concat(
            [
                ind,
                money.ranges(ind, money.unit_costs(acc, catalog), period),
                money.year_to_date(ind, previous, kabupaten_code()),
                more.frame(),
            ],
            ignore_index=True,
        )
        ind = indicators.with_changes(ind, previous, indicators.headline())
        indicators.write_part(ind, folder, "targeting_indicators")
        programs = [p for p in catalog if p["code"] in delivered]
        write_parquet(combinations_table(h, programs), folder.path("program_combinations"))
        write_parquet(
            agency_co_receipt(h, programs).reset_index(names="dinas"),
            folder.path("agency_co_receipt"),
        )
    write_parquet(worklists.sent_keys(lists), folder.path("list_keys"), mode=0o600)
    summary = {
        "period": period,
        "households": int(len(h)),
        "worklists": {worklists.FILES[k]: n for k, n in counts.items()},
        "fixes": fixed,
        "verification": verified,
    }
    write_json(summary, folder.path("targeting_summary"))
    return summary
