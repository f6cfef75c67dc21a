"""Small cells as published (README, "Privacy"): a count of fewer than `min_cell` households
is shown as "<min_cell", a rate whose denominator is that small is not shown, and a cell that
report.disclosure hid (`hidden`: `small` or `other`, the latter because it would give a small
one away) shows as "<min_cell" or "x", so no published number points at a handful of
identifiable households."""

from __future__ import annotations

import math

from lebongbisa.i18n import Translator
from lebongbisa.sections import ReportSettings

DEFAULT_MIN_CELL = ReportSettings.min_cell


#: what a cell hidden to protect another shows (the Indonesian statistical "dirahasiakan")
HIDDEN = "x"


def count(n: float, min_cell: int = DEFAULT_MIN_CELL, lang: str = "id", hidden: str = "") -> str:
    """A published count, in the language's number format."""
    if hidden:
        return f"<{min_cell}" if hidden == "small" else HIDDEN
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
    hidden: str = "",
) -> str:
    """A published rate as a percentage, in the language's number format."""
    if hidden:
        return HIDDEN
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
