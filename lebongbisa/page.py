"""The set-up every report page shares, in one call: the period (the latest delivered when the
parameter is empty), its stage brought up to date, its folder, and the run's language.

    page = open_page("03_targeting", period, data_dir, reports_dir, lang, run_config)
    say, period, folder = page.say, page.period, page.folder
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lebongbisa import config, stages
from lebongbisa.folder import DataRoot, PeriodFolder
from lebongbisa.i18n import Translator


@dataclass(frozen=True)
class Page:
    """A stage page's period, folder, stage statuses (`stages.ensure`) and language."""

    stage: str
    period: str
    folder: PeriodFolder
    status: dict[str, dict]
    say: Translator

    @property
    def recomputed(self) -> bool:
        """The page's own stage was computed now (not reused from the cache)."""
        return bool(self.status[self.stage].get("recomputed"))

    @property
    def done(self) -> set[str]:
        """The stages that completed."""
        return {name for name, s in self.status.items() if s["status"] == "ok"}

    @property
    def data_dir(self) -> Path:
        return self.folder.root.data


def open_page(
    stage: str,
    period: str = "",
    data_dir: str | Path = "",
    reports_dir: str | Path = "",
    lang: str = "id",
    run_config: str | Path = "",
    **options: object,
) -> Page:
    """Bring `stage` of `period` up to date (`stages.ensure`; `options` such as `tolerate`,
    `known`, `retrain` pass through) and return the page's set-up. Empty parameters, as a
    notebook's defaults are, mean the configured folders and the latest delivered quarter."""
    pd.set_option("styler.format.na_rep", "–")  # a rate that is not computable
    data = Path(data_dir) if data_dir else config.DATA_DIR
    reports = Path(reports_dir) if reports_dir else config.REPORTS_DIR
    period = period or stages.latest_period(DataRoot.of(data).raw)
    if not period:
        raise FileNotFoundError(
            f"{DataRoot.of(data).raw} holds no quarter: deliver one (data/raw/2025Q2/...) or "
            "run `lebongbisa report`, which generates the synthetic Lebong"
        )
    status = stages.ensure(
        period, stage, data, reports, config=run_config, progress=False, **options
    )
    return Page(stage, period, stages.folder(period, data, reports), status, Translator(lang))
