"""Stage 1: read every delivered source of a period, validate, normalize, quarantine, reconcile."""

from lebongbisa.stagespec import StageSpec

SPEC = StageSpec(
    "01_ingest_clean",
    "Pembersihan dan rekonsiliasi data",
    "Ingest, clean and reconcile",
    "lebongbisa.ingest.stage:ingest_folder",
    reads=("delivery",),
    # a returned list (kind verification) is matched with the lists sent before
    reads_earlier=("list_keys",),
    writes=("rows", "clean", "manifest", "identity", "quarantine", "verification"),
    params=("allow_partial",),
    options=("progress",),
    missing_id="semua angka (tidak ada data yang terbaca)",
    missing_en="every number (no data could be read)",
    early_page=True,  # its page reads no later stage's table
)
