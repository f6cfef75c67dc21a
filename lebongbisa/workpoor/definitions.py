"""Definitions of the working-poor stage, in one configurable place.

- employed: worked at least one hour last week or temporarily absent. DTSEN asks it directly
  (`bekerja_seminggu_lalu`); P3KE records an occupation, read as employed unless it is
  TIDAK/BELUM BEKERJA, PENSIUNAN, PELAJAR or MENGURUS RUMAH TANGGA (BPS Sakernas concept,
  domain.md §5). Neither registry records job search, so "not working" joins the unemployed
  and those outside the labour force.
- poor household: recorded desil <= `poor_max_desil` (default 2; 1 = extreme poverty focus).
- working-poverty rate (ILO SDG 1.1.1b, national-line variant): employed persons aged 15+ in
  poor households / employed persons aged 15+, over persons whose employment is recorded.
- underemployed: employed and worked fewer than `underemployed_hours` (35) hours (DTSEN only).
- informal: BPS status groups (own account, helped by temporary/unpaid workers, casual,
  unpaid family workers); formal: employers with permanent workers and employees.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import ClassVar

from lebongbisa.sections import setting


@dataclass(frozen=True)
class Definitions:
    NAME: ClassVar[str] = "working_poor"
    poor_max_desil: int = setting(2, "a household is poor at or below this recorded desil", 1, 10)
    underemployed_hours: float = setting(35.0, "employed and working fewer hours last week", 1, 98)
    min_age: int = setting(15, "persons counted in the labour measures", 10, 20)

    def as_dict(self) -> dict:
        return asdict(self)


DEFAULT = Definitions()
