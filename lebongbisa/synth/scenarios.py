"""Scenario worlds: valid deliveries of other shapes than the default synthetic Lebong.

Real quarters will not look like the default world (every village, every program, one
catalog). Each scenario here is a set of delivery options that `generate()` honours, with the
ground truth kept consistent, so every stage can be tried, and measured, on a world of that
shape: a pilot of a few villages, a tiny kabupaten, registries only, lists only, a header-only
list, a catalog program without a list, a period's own catalog, a registry without employment
columns, both registry regimes in one series, and files in every accepted format.

`lebongbisa synth --scenario NAME` writes one; `SCENARIOS` lists them with a sentence each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: a period's own catalog (scenario `own_catalog`): codes, names and rules unlike the default.
#: Maps the simulated program (default code) to the entry the period ships; programs absent
#: here are not delivered at all, and BANTUAN-LANSIA is in the catalog without a list.
OWN_CATALOG = {
    "PKH": {
        "code": "PKH-REG",
        "name": "PKH Reguler",
        "agency": "Dinsos P3AKB",
        "type": "bansos",
        "unit": "household",
        "target_rule": "desil <= 3 and (children_0_6 > 0 or children_school_age > 0)",
        "benefit": "Rp750.000 per tahap",
    },
    "BPNT": {
        "code": "SEMBAKO",
        "name": "Program Sembako",
        "agency": "Dinsos P3AKB",
        "type": "bansos",
        "unit": "household",
        "target_rule": "desil <= 3",
        "benefit": 2400000,
        "sumber_dana": "APBN",  # other keys are allowed and kept
    },
    "BLT-DD": {
        "code": "BLTDD",
        "name": "BLT Dana Desa",
        "agency": "Dinas PMD",
        "type": "bansos",
        "unit": "household",
        "target_rule": "desil <= 2",
        "benefit": 3600000,
    },
    "RTLH": {
        "code": "BEDAH-RUMAH",
        "name": "Bedah Rumah",
        "agency": "Dinas Perkim",
        "type": "perumahan",
        "unit": "household",
        "target_rule": "desil <= 3 and house_unfit",
        "benefit": 20000000,
    },
    None: {
        "code": "BANTUAN-LANSIA",
        "name": "Bantuan Sosial Lanjut Usia",
        "agency": "Dinsos P3AKB",
        "type": "bansos",
        "unit": "household",
        "target_rule": "desil <= 2 and elderly_70 > 0",
        "benefit": 1200000,
    },
}


@dataclass(frozen=True)
class Scenario:
    """Delivery options of a synthetic world (the defaults give the default Lebong)."""

    name: str
    description: str
    periods: str = "2024Q4:2025Q1"
    persons: int | None = None  # None: the caller's size
    kecamatan: tuple[str, ...] = ()  # only these kecamatan (6-digit codes); () = all
    registries: bool = True  # DTKS/P3KE/DTSEN files
    programs: bool = True  # dinas program lists
    umkm: bool = True  # the Lebong Bisa registry
    employment: bool = True  # employment columns in the registries
    empty_programs: tuple[str, ...] = ()  # lists delivered with a header and no rows
    undelivered: tuple[str, ...] = ()  # catalog programs whose list is not delivered
    own_catalog: bool = False  # the period ships programs.yml = OWN_CATALOG
    formats: bool = False  # lists as .xls (two sheets), tab/semicolon text, header variants
    notes: tuple[str, ...] = field(default=())


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in [
        Scenario("default", "the whole kabupaten, every program, the packaged catalog"),
        Scenario(
            "pilot",
            "a pilot in two kecamatan (about a fifth of the villages): every other desa has "
            "no records",
            periods="2025Q1",
            kecamatan=("170704", "170710"),
        ),
        Scenario(
            "small",
            "a tiny kabupaten: a few hundred households",
            periods="2025Q1",
            persons=1_000,
        ),
        Scenario(
            "registries_only",
            "registries (DTKS and P3KE) and no program list or UMKM registry",
            periods="2024Q4",
            programs=False,
            umkm=False,
        ),
        Scenario(
            "lists_only",
            "program lists and the UMKM registry, no DTKS/P3KE/DTSEN: desil-based rates are "
            "not computable",
            periods="2025Q1",
            registries=False,
        ),
        Scenario(
            "header_only",
            "one dinas (RTLH) delivers a header-only list: delivered, with zero recipients",
            periods="2025Q1",
            empty_programs=("RTLH",),
        ),
        Scenario(
            "undelivered",
            "two catalog programs (PIP, SAPROTAN) have no list this quarter",
            periods="2025Q1",
            undelivered=("PIP", "SAPROTAN"),
        ),
        Scenario(
            "own_catalog",
            "the period ships its own programs.yml: other codes, names and rules, one program "
            "without a list, and none of the default's other programs",
            periods="2025Q1",
            own_catalog=True,
        ),
        Scenario(
            "no_employment",
            "registries without employment columns: the working-poor measures are not computable",
            periods="2025Q1",
            employment=False,
        ),
        Scenario(
            "regime_change",
            "the 2024 regime (DTKS + P3KE) then the 2025 regime (DTSEN) in one series",
            periods="2024Q4:2025Q1",
        ),
        Scenario(
            "formats",
            "lists as old .xls with an instruction sheet first, tab- and semicolon-delimited "
            "text, and header variants",
            periods="2025Q1",
            formats=True,
        ),
    ]
}


def get(name: str) -> Scenario:
    """The scenario called `name`; a clear error lists the known ones."""
    try:
        return SCENARIOS[name]
    except KeyError:
        raise ValueError(
            f"unknown scenario {name!r}; choose one of: {', '.join(SCENARIOS)}"
        ) from None


def catalog_entries(s: Scenario) -> list[dict] | None:
    """The period's own `programs.yml` entries, or None when it ships none."""
    return list(OWN_CATALOG.values()) if s.own_catalog else None


def program_code(s: Scenario, code: str) -> str | None:
    """The code under which a simulated program is delivered (None: not in the catalog)."""
    if not s.own_catalog:
        return code
    entry = OWN_CATALOG.get(code)
    return entry["code"] if entry else None
