"""Stage 2's run.yml section (`link`): which model scores the pairs, where a pair is a link,
where it goes to review, and how many pairs the officers are asked to review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lebongbisa.sections import setting


@dataclass(frozen=True)
class LinkSettings:
    NAME: ClassVar[str] = "link"
    model: str = setting(
        "train",
        "train (each quarter trains, or reuses an earlier quarter's) or packaged (the "
        "packaged model, no training: a pilot, or one fixed model for every quarter)",
        choices=("train", "packaged"),
    )
    threshold: float = setting(0.95, "link pairs at or above this match probability", 0.5, 1.0)
    review_lower: float = setting(
        0.50, "pairs from here up to the threshold go to clerical review", 0.0, 1.0
    )
    attach_lower: float = setting(
        0.80, "a list record with a single plausible candidate is attached from here", 0.0, 1.0
    )
    target_precision: float | None = setting(
        None, "e.g. 0.995: choose the threshold for this estimated precision", 0.5, 1.0, cast=float
    )
    u_pairs: int = setting(
        3_000_000,
        "random pairs sampled to estimate the u-probabilities when a model is trained (fewer "
        "train faster; 3,000,000 is plenty at kabupaten scale)",
        10_000,
        100_000_000,
        cast=int,
    )
    review_budget: int = setting(
        200, "pairs offered for clerical review per quarter, most decisive first", 0, 100_000
    )

    def check(self) -> list[str]:
        if self.review_lower <= self.attach_lower <= self.threshold:
            return []
        return ["link settings must satisfy review_lower <= attach_lower <= threshold"]


DEFAULT = LinkSettings()
