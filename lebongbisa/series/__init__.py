"""Stage 7: the quarters as a series. Its computation rebuilds the analysts' DuckDB store
(`lebongbisa.store`) over every processed quarter and publishes the households' moves into and
out of desil 1; its notebook explores the series from the store."""

from lebongbisa.stagespec import StageSpec

SPEC = StageSpec(
    "07_series",
    "Rangkaian triwulan: tren dan perpindahan keluarga",
    "The series: trends and household moves",
    "lebongbisa.series.stage:series_period",
    needs=("03_targeting",),
    reads=("indicator_parts", "records", "clean", "household_base"),
    reads_previous=("targeting_indicators", "household_base", "manifest", "records"),
    writes=("series_indicators",),
    notebook_options=("min_cell",),  # its page hides small cells (report.disclosure)
    missing_id="tren antar-triwulan untuk analis",
    missing_en="the quarter-to-quarter series for analysts",
)
