"""A record's identity key: the one mechanism that recognises a person across quarters when
the record has no trusted NIK.

The key is a keyed hash (privacy.pseudonymize, namespace "identity") of the record's
normalized identity fields: name key (old spelling modernized), birth date and village code.
Files and rows change every quarter; these fields do not, so clerical decisions (link/decisions)
and quarter-to-quarter moves (series) are keyed by it. A record without a name has none.
"""

from __future__ import annotations

import pandas as pd

from lebongbisa.privacy import pseudonymize


def identity_keys(frame: pd.DataFrame) -> pd.Series:
    """One key per row of a linkage frame (`name_key`, `birth_date`, `village_code`)."""
    name = frame.name_key.astype(object)
    fields = (
        name.fillna("")
        + "|"
        + frame.birth_date.astype(object).fillna("")
        + "|"
        + frame.village_code.astype(object).fillna("")
    )
    return pseudonymize(fields.where(name.notna() & (name != ""), None), "identity")
