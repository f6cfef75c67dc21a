"""Stage 6: `indicators.csv` assembled from the stages' parts, and the policymaker summary
(Bahasa Indonesia by default) built from it."""

from lebongbisa.stagespec import StageSpec

SPEC = StageSpec(
    "06_ringkasan",
    "Ringkasan untuk pimpinan",
    "Summary for policymakers",
    "lebongbisa.indicators:assemble",
    reads=("indicator_parts",),  # whichever stages completed
    writes=("indicators",),
    notebook_options=("min_cell",),
    missing_id="ringkasan lengkap (grafik, tabel program, Desa Binaan dan rekomendasi)",
    missing_en="the full summary (charts, the program table, Desa Binaan and recommendations)",
    last=True,
)
