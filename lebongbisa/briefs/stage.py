"""Stage 8 for a period: the list of areas that get a brief (`brief_areas`). The briefs
themselves are pages: notebook 08 renders them (render.py) when the run renders pages."""

from __future__ import annotations

from lebongbisa import indicators
from lebongbisa.briefs.content import areas
from lebongbisa.folder import PeriodFolder
from lebongbisa.io import write_parquet


def areas_period(folder: PeriodFolder) -> dict:
    """Write the kecamatan and desa with households this quarter."""
    a = areas(indicators.read(folder))
    write_parquet(a, folder.path("brief_areas"))
    return {"period": folder.period, **a.level.value_counts().to_dict()}
