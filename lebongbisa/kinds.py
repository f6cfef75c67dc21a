"""The source kinds (`data/kinds.yml`): what each kind of delivery is and carries, in one place
for every stage — required fields, desil codes, registry or list, employment columns, the order
in which sources describe a person, and who answers for a registry's data."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from lebongbisa.config import PACKAGE_DATA_DIR


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    registry: bool
    required: tuple[str, ...]
    desil: range | None
    employment: bool
    priority: int
    agency: str | None


def _load() -> dict[str, Kind]:
    doc = yaml.safe_load((PACKAGE_DATA_DIR / "kinds.yml").read_text(encoding="utf-8"))["kinds"]
    return {
        name: Kind(
            name=name,
            label=k["label"],
            registry=bool(k["registry"]),
            required=tuple(k["required"]),
            desil=range(k["desil"][0], k["desil"][1] + 1) if k.get("desil") else None,
            employment=bool(k["employment"]),
            priority=int(k["priority"]),
            agency=k.get("agency"),
        )
        for name, k in doc.items()
    }


KINDS: dict[str, Kind] = _load()
NAMES: tuple[str, ...] = tuple(KINDS)
REGISTRIES: tuple[str, ...] = tuple(k for k, v in KINDS.items() if v.registry)
EMPLOYMENT: tuple[str, ...] = tuple(k for k, v in KINDS.items() if v.employment)
REQUIRED: dict[str, tuple[str, ...]] = {k: v.required for k, v in KINDS.items()}
DESIL_RANGE: dict[str, range] = {k: v.desil for k, v in KINDS.items() if v.desil}
PRIORITY: dict[str, int] = {k: v.priority for k, v in KINDS.items()}
#: the kinds that record desil, the most authoritative first (DTSEN, then P3KE)
DESIL_SOURCES: tuple[str, ...] = tuple(sorted(DESIL_RANGE, key=PRIORITY.get))
AGENCY: dict[str, str] = {k: v.agency for k, v in KINDS.items() if v.agency}


def desil_regime(delivered: set[str] | list[str]) -> str:
    """The desil scale in force for a quarter: the upper-case name of the most authoritative
    delivered kind with desil (`DTSEN`: 1-10, `P3KE`: 1-4), or `none`. Numbers by desil are
    comparable between quarters of the same regime only."""
    found = [k for k in DESIL_SOURCES if k in set(delivered)]
    return found[0].upper() if found else "none"
