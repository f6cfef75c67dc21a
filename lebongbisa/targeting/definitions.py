"""Stage 3's run.yml section (`targeting`): how many resamplings of the uncertain links give
the `_low` / `_high` intervals of the headline."""

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
