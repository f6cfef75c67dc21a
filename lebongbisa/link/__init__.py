"""Stage 2: resolve persons and households across registries, program lists and UMKM.

`link_records` is the reusable API (any table of person records in, plain or canonical
columns; clusters out);
`stage.link_period` runs it on a period's stage-1 outputs and writes the keys.
"""

from lebongbisa.link.definitions import LinkSettings
from lebongbisa.stagespec import StageSpec

__all__ = ["SPEC", "link_records"]

SPEC = StageSpec(
    "02_link",
    "Pencocokan orang dan keluarga antar-data",
    "Link persons and households",
    "lebongbisa.link.stage:link_period",
    needs=("01_ingest_clean",),
    reads=("rows", "clean", "identity", "decisions"),
    reads_earlier=("link_model", "decisions_log"),  # the model is reused unless `retrain`
    writes=(
        "records",
        "link_pairs",
        "link_model",
        "link_summary",
        "link_failures",
        "review",
        "decisions_log",
    ),
    section=LinkSettings,
    settings=("link",),
    params=("retrain",),
    options=("engine",),  # where the work runs, not the result
    missing_id="jumlah orang dan keluarga, sasaran program, pekerja miskin, dan Desa Binaan",
    missing_en="persons and households, targeting, working poor and Desa Binaan",
    early_page=True,  # its page reads no later stage's table
)


def __getattr__(name: str) -> object:
    """`link_records` is imported on first use: listing the stages must not load the linker."""
    if name == "link_records":
        from lebongbisa.link.linker import link_records

        return link_records
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
