"""Stage 4: the working poor — measure and model why people who work are still poor."""

from lebongbisa.stagespec import StageSpec
from lebongbisa.workpoor.definitions import Definitions

SPEC = StageSpec(
    "04_working_poor",
    "Bekerja tetapi miskin",
    "The working poor",
    "lebongbisa.workpoor.stage:working_poor_period",
    needs=("03_targeting",),
    reads=("records", "clean", "household_base"),
    reads_previous=("working_poor_indicators",),
    writes=(
        "working_poor_rates",
        "working_poor_heads",
        "working_poor_model",
        "village_effects",
        "working_poor_indicators",
    ),
    section=Definitions,
    notebook_options=("min_cell",),  # its page hides small cells (report.disclosure)
    settings=("working_poor",),
    missing_id="angka pekerja miskin dan model penyebabnya",
    missing_en="working-poverty rates and their model",
)
