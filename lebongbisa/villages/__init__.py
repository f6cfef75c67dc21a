"""Stage 5: village indicators, a typology by clustering, and a priority ranking for Desa Binaan."""

from lebongbisa.stagespec import StageSpec
from lebongbisa.villages.definitions import DesaBinaanSettings

SPEC = StageSpec(
    "05_villages",
    "Tipologi desa dan prioritas Desa Binaan",
    "Village typology and Desa Binaan priority",
    "lebongbisa.villages.stage:villages_period",
    needs=("03_targeting",),
    reads=("records", "clean", "household_base", "village_effects"),
    reads_previous=("village_indicators",),
    writes=(
        "village_indicators",
        "village_typology",
        "village_model_choice",
        "desa_binaan",
        "villages_summary",
        "village_indicators_part",
    ),
    section=DesaBinaanSettings,
    notebook_options=("min_cell",),  # its page hides small cells (report.disclosure)
    settings=("desa_binaan",),
    missing_id="tipologi desa dan usulan Desa Binaan",
    missing_en="the village typology and proposed Desa Binaan",
)
