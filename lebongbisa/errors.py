"""Problems a user can cause, each naming the file, what is wrong and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        return f"{self.file}: {self.message}" + (f"\n    fix: {self.fix}" if self.fix else "")


class InputError(Exception):
    """One or more problems with a period's inputs; all are reported together."""

    def __init__(self, problems: list[Problem], period: str = ""):
        self.problems = problems
        self.period = period
        head = f"{len(problems)} problem(s) with the inputs of {period or 'the period'}:"
        super().__init__("\n".join([head] + [f"  - {p}" for p in problems]))
