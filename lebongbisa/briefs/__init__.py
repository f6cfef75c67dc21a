"""Stage 8: a brief for every kecamatan and desa with data — the numbers of the area in plain
words, its programs and their errors, its working poor, its trend, its Desa Binaan rank and its
data problems by dinas — read from the quarter's indicators, with the area on its map."""

from lebongbisa.stagespec import StageSpec

SPEC = StageSpec(
    "08_wilayah",
    "Ringkasan per kecamatan dan desa",
    "Briefs for each kecamatan and desa",
    "lebongbisa.briefs.stage:areas_period",
    needs=("03_targeting", "04_working_poor", "05_villages", "07_series"),
    reads=("indicator_parts",),
    writes=("brief_areas",),
    notebook_options=("min_cell",),
    missing_id="ringkasan per kecamatan dan desa",
    missing_en="the kecamatan and desa briefs",
)
