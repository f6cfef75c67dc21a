"""Stage 2: resolve persons and households across registries, program lists and UMKM.

`link_records` is the reusable API (any table of canonical person records in, clusters out);
`stage.link_period` runs it on a period's stage-1 outputs and writes the keys.
"""

from lebongbisa.link.linker import link_records

__all__ = ["link_records"]
