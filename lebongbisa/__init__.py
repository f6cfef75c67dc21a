"""lebongbisa: one honest picture of Kabupaten Lebong's poverty programs.

Stages (see README): synthetic data (`lebongbisa.synth`), ingest & clean, link, targeting,
working poor, villages and report. Logic lives here; notebooks only call it.
"""

import warnings
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lebongbisa")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"


def quiet_known_warnings() -> None:
    """Silence the warnings known to be noise (added to the warning filters on import).

    pandera probes pyspark.pandas when PySpark is installed (the optional Spark engine), and
    PySpark warns that it does not yet support pandas 3: noise in every notebook and report."""
    warnings.filterwarnings(
        "ignore", message="PySpark does not yet fully support", category=FutureWarning
    )


quiet_known_warnings()
