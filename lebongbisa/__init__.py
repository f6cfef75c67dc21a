"""lebongbisa: one honest picture of Kabupaten Lebong's poverty programs.

Stages (see README): synthetic data (`lebongbisa.synth`), ingest & clean, link, targeting,
working poor, villages and report. Logic lives here; notebooks only call it.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lebongbisa")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"
