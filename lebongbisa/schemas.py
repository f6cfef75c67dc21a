"""pandera schemas for the canonical tables, checked where a stage hands them on.

They encode the output contract (docs/outputs.md) and the project's own invariants: statuses and
match types from fixed sets, NIKs of 16 digits, village codes of 10 digits, desil in range,
rates between 0 and 1.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.pandas import Check, Column

from lebongbisa import gazetteer, kinds

_OPT = {"nullable": True, "required": True}

RECORDS = pa.DataFrameSchema(
    {
        "source_file": Column(None),
        "source_row": Column(int, Check.ge(1)),
        "kind": Column(None, Check.isin(list(kinds.NAMES))),
        "program": Column(None, **_OPT),
        "status": Column(None, Check.isin(["accepted", "quarantined"])),
        "reason": Column(None, **_OPT),
        "person_key": Column(None, **_OPT),
        "household_key": Column(None, **_OPT),
        "match_type": Column(None, Check.isin(["nik", "probabilistic", "registry", "none"])),
        "match_probability": Column(float, Check.in_range(0, 1), nullable=True),
        "identity_key": Column(None, nullable=True, required=False),  # extension
    },
    unique=["source_file", "source_row"],
    strict=False,
)

#: indicators.csv (contract: docs/outputs.md): its columns and the scope types, the contract's
#: own and this project's extensions (agency: a dinas's data-quality scorecard; model_term:
#: the working-poor model's marginal effects)
INDICATOR_COLUMNS = [
    "period",
    "indicator",
    "scope_type",
    "scope_code",
    "value",
    "numerator",
    "denominator",
]
SCOPES = (
    "kabupaten",
    "kecamatan",
    "desa",
    "program",
    "program_pair",
    "program_kecamatan",
    "program_desa",
    "program_pair_kecamatan",
    "program_pair_desa",
    "agency",
    "agency_pair",
    "agency_pair_kecamatan",
    "agency_pair_desa",
    "agency_desa",
    "model_term",
)


def _in_gazetteer(column: str) -> Check:
    """Codes are the gazetteer's, whatever the kabupaten (read when a table is validated, not
    when this module is imported)."""
    return Check(
        lambda s: s.isin(set(gazetteer.villages()[column])), error=f"{column} in the gazetteer"
    )


CLEAN = pa.DataFrameSchema(
    {
        "source_file": Column(None),
        "source_row": Column(int, Check.ge(1)),
        "nik_key": Column(None, Check.str_length(16, 16), nullable=True),
        "sex": Column(None, Check.isin(["L", "P"]), nullable=True),
        "village_code": Column(None, _in_gazetteer("village_code"), nullable=True),
        "district_code": Column(None, _in_gazetteer("district_code"), nullable=True),
        "desil": Column("Int64", Check.in_range(1, 10), nullable=True),
        "age": Column("Int64", Check.in_range(0, 115), nullable=True),
    },
    strict=False,
)

IDENTITY = pa.DataFrameSchema(
    {
        "nik": Column(None, Check.str_matches(r"^\d{16}$"), nullable=True),
        "kk_number": Column(None, Check.str_matches(r"^\d{16}$"), nullable=True),
        "birth_date": Column("datetime64[ns]", nullable=True, coerce=True),
    },
    strict=False,
)

INDICATORS = pa.DataFrameSchema(
    {
        "period": Column(None, Check.str_matches(r"^\d{4}Q[1-4]$")),
        "indicator": Column(None),
        "scope_type": Column(None, Check.isin(list(SCOPES))),
        "scope_code": Column(None),
        "value": Column(float, nullable=True),
        "numerator": Column(float, nullable=True),
        "denominator": Column(float, nullable=True),
    },
    strict=True,
)
