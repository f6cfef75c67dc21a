"""Stage 5's run.yml section (`desa_binaan`): the priority weights and the typology's
bootstrap draws, as the stage receives them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DesaBinaanSettings:
    weights: dict[str, float] = field(default_factory=dict)  # {} = the packaged weights
    stability_draws: int = 20  # bootstrap resamples per method and k when choosing a typology
