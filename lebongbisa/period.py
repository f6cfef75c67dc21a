"""A quarter as a value: parsed once, ordered, with its neighbours. Every place that handles a
quarter (folders, the series, the store, the synthetic Lebong) does its arithmetic here."""

from __future__ import annotations

from dataclasses import dataclass

from lebongbisa.config import PERIOD_RE


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str | Period) -> Period:
        """`2025Q1` -> Period(2025, 1); anything else is a ValueError that shows the form."""
        if isinstance(text, Period):
            return text
        m = PERIOD_RE.match(str(text))
        if not m:
            raise ValueError(f"{text!r} is not a quarter like 2025Q1")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def span(cls, spec: str) -> list[Period]:
        """`2024Q1:2025Q2` -> every quarter from the first to the last; one quarter alone too."""
        first, _, last = spec.partition(":")
        a, b = cls.parse(first), cls.parse(last or first)
        if b < a:
            raise ValueError(f"period range {spec!r} ends before it starts")
        return [a + i for i in range(b.index - a.index + 1)]

    @property
    def index(self) -> int:
        """Quarters since year 0 (consecutive quarters differ by one)."""
        return self.year * 4 + self.quarter - 1

    def __add__(self, quarters: int) -> Period:
        year, q = divmod(self.index + quarters, 4)
        return Period(year, q + 1)

    @property
    def previous(self) -> Period:
        return self + -1

    @property
    def next(self) -> Period:
        return self + 1

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"


def previous(period: str) -> str:
    """The name of the quarter before `period` (2025Q1 -> 2024Q4)."""
    return str(Period.parse(period).previous)
