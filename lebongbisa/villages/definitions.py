"""Stage 5's run.yml section (`desa_binaan`): the weights of the priority index and the
typology's bootstrap draws, as the stage receives them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lebongbisa.sections import setting
from lebongbisa.villages.table import FEATURES

#: the priority index's weights of the villages' percentile ranks (docs/assumptions.md)
DEFAULT_WEIGHTS = {
    "share_desil1": 0.25,
    "working_poverty_rate": 0.20,
    "exclusion_desil1": 0.20,
    "housing_deprivation": 0.15,
    "underemployment_rate": 0.10,
    "village_effect": 0.10,
}


@dataclass(frozen=True)
class DesaBinaanSettings:
    NAME: ClassVar[str] = "desa_binaan"
    weights: dict[str, float] = setting(
        DEFAULT_WEIGHTS, "priority index: weights of the villages' percentile ranks"
    )
    stability_draws: int = setting(
        20, "bootstrap resamples per method and k when choosing the village typology", 2, 1000
    )

    def check(self) -> list[str]:
        if not isinstance(self.weights, dict) or not self.weights:
            return ["`desa_binaan.weights` must map indicators to weights"]
        problems = []
        for k, v in self.weights.items():
            if k not in FEATURES:
                problems.append(
                    f"`desa_binaan.weights` names an unknown indicator `{k}` "
                    f"(use some of: {', '.join(FEATURES)})"
                )
            elif not isinstance(v, int | float) or v < 0:
                problems.append(f"weight of `{k}` must be a number >= 0")
        return problems
