"""Small-cell suppression for published tables (README, "Privacy"): a count of fewer than
`min_cell` households is shown as "<min_cell", and a rate whose denominator is that small is
not shown at all, so no published number points at a handful of identifiable households."""

from __future__ import annotations

import math

from lebongbisa.i18n import Translator
from lebongbisa.sections import ReportSettings

DEFAULT_MIN_CELL = ReportSettings.min_cell


def count(n: float, min_cell: int = DEFAULT_MIN_CELL, lang: str = "id") -> str:
    """A published count, in the language's number format."""
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return "–"
    if 0 < n < min_cell:
        return f"<{min_cell}"
    return Translator(lang).number(n)


def rate(
    value: float,
    denominator: float | None,
    min_cell: int = DEFAULT_MIN_CELL,
    digits: int = 1,
    lang: str = "id",
) -> str:
    """A published rate as a percentage, in the language's number format."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if denominator is not None and not math.isnan(denominator) and denominator < min_cell:
        return "–"
    return Translator(lang).number(value * 100, digits) + "%"


def percent(value: float | None, digits: int = 1) -> str:
    """A rate as a percentage for analysts' notebooks; a dash when it is not computable."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * 100:.{digits}f}%"
