"""Project paths and run-wide settings, in one place (cookiecutter-data-science style).

Paths default to the folders beside the package when it is installed editable from a
checkout; `LEBONGBISA_HOME` points them elsewhere (e.g. a shared analysis folder).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA_DIR = PACKAGE_DIR / "data"
PROJ_ROOT = Path(os.environ.get("LEBONGBISA_HOME", PACKAGE_DIR.parent)).resolve()
DATA_DIR = PROJ_ROOT / "data"
RAW_DATA_DIR = DATA_DIR / "raw"
PROCESSED_DATA_DIR = DATA_DIR / "processed"
TRUTH_DATA_DIR = DATA_DIR / "truth"
REPORTS_DIR = PROJ_ROOT / "reports"
#: Stage notebooks live beside the package in the checkout (not under LEBONGBISA_HOME).
NOTEBOOKS_DIR = PACKAGE_DIR.parent / "notebooks"

VILLAGES_CSV = PACKAGE_DATA_DIR / "lebong_villages.csv"


PERIOD_RE = re.compile(r"^(\d{4})Q([1-4])$")
