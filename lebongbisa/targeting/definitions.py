"""Stage 3's run.yml section (`targeting`): how many resamplings of the uncertain links give
the `_low` / `_high` intervals of the headline, and how long an officer's field result holds
(targeting/verification.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lebongbisa.sections import setting


@dataclass(frozen=True)
class TargetingSettings:
    NAME: ClassVar[str] = "targeting"
    #: keys that lived in another section, still read there (with a warning naming the new one)
    MOVED: ClassVar[dict[str, str]] = {"link.uncertainty_draws": "uncertainty_draws"}
    uncertainty_draws: int = setting(
        200, "resamplings of uncertain links behind the _low/_high intervals", 0, 10_000
    )
    hold_moved: int = setting(
        4, "quarters a person verified as moved (pindah) stays off the old desa's lists", 0, 40
    )
    hold_enrolled: int = setting(
        4, "quarters a household verified as already enrolled stays off lists a and f", 0, 40
    )
    not_found_after: int = setting(
        2,
        "quarters after a 'tidak ditemukan' result before the household is to be checked "
        "in the registry",
        0,
        40,
    )
