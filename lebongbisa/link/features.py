"""Comparison columns for linkage, derived from canonical records (identity + clean tables)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa.clean._vector import on_unique


def linkage_frame(ident: pd.DataFrame, clean: pd.DataFrame) -> pd.DataFrame:
    """One row per accepted record with the columns the linker compares.

    `unique_id` is the record's position in the period's records table.
    NIK parts: `nik` (valid, trusted), `nik15` (first 15 digits: survives Excel truncation),
    `nik12` (region + birth-date digits). Names: `name_key` (normalized, old spelling
    modernized), `name_sorted` (tokens sorted: robust to reordering), `first_token`.
    """
    acc = (clean.status == "accepted").to_numpy()
    f = pd.DataFrame({"unique_id": np.flatnonzero(acc)})
    i = ident[acc].reset_index(drop=True)
    c = clean[acc].reset_index(drop=True)
    f["source_file"] = c.source_file.to_numpy()
    f["kind"] = c.kind.to_numpy()
    f["nik"] = i.nik.to_numpy()
    prefix = i.nik_prefix.fillna("")
    f["nik15"] = np.where(prefix.str.len() >= 15, prefix.str[:15], None)
    f["nik12"] = np.where(prefix.str.len() >= 12, prefix.str[:12], None)
    key = i.name_key.fillna("").str.strip()
    f["name_key"] = key.where(key != "", None).to_numpy()
    forms = on_unique(key, _token_forms)  # per distinct name: most names repeat
    f["name_sorted"] = forms.name_sorted.to_numpy()
    f["first_token"] = forms.first_token.to_numpy()
    f["sex"] = c.sex.to_numpy()
    f["birth_date"] = pd.to_datetime(i.birth_date).dt.strftime("%Y-%m-%d").to_numpy()
    f["kk_number"] = i.kk_number.to_numpy()
    f["village_code"] = c.village_code.to_numpy()
    f["district_code"] = c.district_code.to_numpy()
    f["source_household"] = c.source_household_key.to_numpy()
    f["relationship"] = c.relationship.to_numpy()
    # text as Arrow strings (missing = null): a fifth of the memory of Python objects
    text = [c for c in f.columns if c != "unique_id"]
    return f.astype(dict.fromkeys(text, "str"))


def _token_forms(names: pd.Series) -> pd.DataFrame:
    """Per name: its tokens sorted (robust to reordering) and its first token."""
    tokens = [name.split() for name in names]
    return pd.DataFrame(
        {
            "name_sorted": [" ".join(sorted(t)) if t else None for t in tokens],
            "first_token": [t[0] if t else None for t in tokens],
        }
    )


#: plain columns `plain_frame` understands, by what they are (first match wins)
PLAIN = {
    "full_name": ("name", "full_name", "nama"),
    "given_name": ("given_name", "first_name"),
    "surname": ("surname", "last_name", "family_name"),
    "birth_date": ("birth_date", "date_of_birth", "dob", "tanggal_lahir"),
    "sex": ("sex", "gender", "jenis_kelamin"),
    "id_number": ("nik", "id_number", "national_id", "soc_sec_id", "ssn"),
    "kk_number": ("kk_number", "household_id", "no_kk"),
    "house_number": ("house_number", "street_number"),
    "address": ("address", "street", "address_1", "address_2", "alamat"),
    "locality": ("locality", "suburb", "town", "city"),
    "village_code": ("village_code", "postcode", "zip", "kode_desa"),
    "district_code": ("district_code", "state", "region", "kode_kecamatan"),
}
#: the optional comparisons of `model.comparisons` (used only when the frame has them)
ADDRESS_COLUMNS = ["house_number", "address", "locality"]
DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")


def _text(s: pd.Series) -> pd.Series:
    """Upper case, letters and digits only, single spaces; empty -> missing."""
    t = s.astype(object).where(s.notna(), "").astype(str).str.upper()
    t = t.str.replace(r"[^0-9A-Z ]+", " ", regex=True).str.split().str.join(" ")
    return t.where(t != "", None)


def parse_dates(s: pd.Series) -> pd.Series:
    """Birth dates in any common format (day before month when ambiguous) as YYYY-MM-DD text;
    unreadable or impossible ones missing."""
    raw = (
        s.astype(object)
        .where(s.notna(), "")
        .astype(str)
        .str.strip()
        .str.replace(r"\.0$", "", regex=True)
    )
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    for fmt in DATE_FORMATS:
        todo = out.isna() & (raw != "")
        if not todo.any():
            break
        out[todo] = pd.to_datetime(raw[todo], format=fmt, errors="coerce")
    return out.dt.strftime("%Y-%m-%d").where(out.notna(), None)


def plain_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The linker's comparison columns derived from plain columns (names of `PLAIN`): a full
    name or given and family names, a birth date in any common format, sex, an ID number
    (used as the NIK: exact, with its first 15 and 12 characters as blocking keys), a
    household number, address parts and place codes. Columns that are absent stay unknown."""
    from lebongbisa.clean.names import clean_names, name_key

    cols = {c.lower().strip(): c for c in df.columns}

    def pick(what: str) -> list[str]:
        return [cols[a] for a in PLAIN[what] if a in cols]

    f = pd.DataFrame(index=df.index)
    f["unique_id"] = df[cols["unique_id"]] if "unique_id" in cols else np.arange(len(df))
    parts = pick("full_name") or pick("given_name")[:1] + pick("surname")[:1]
    if parts:
        name = _text(df[parts].astype(object).fillna("").astype(str).agg(" ".join, axis=1))
        key = name_key(clean_names(name).name_clean).str.strip()
        f["name_key"] = key.where(key != "", None)
        tokens = f.name_key.fillna("").str.split()
        f["name_sorted"] = tokens.map(lambda t: " ".join(sorted(t)) if t else None)
        f["first_token"] = tokens.map(lambda t: t[0] if t else None)
    if pick("birth_date"):
        f["birth_date"] = parse_dates(df[pick("birth_date")[0]])
    if pick("sex"):
        f["sex"] = _text(df[pick("sex")[0]]).str[0]
    if pick("id_number"):
        ident = _text(df[pick("id_number")[0]]).str.replace(" ", "", regex=False)
        f["nik"] = ident
        f["nik15"] = ident.str[:15]
        f["nik12"] = ident.where(ident.str.len() >= 12).str[:12]
    for what in ("kk_number", "house_number", "locality", "village_code", "district_code"):
        if pick(what):
            f[what] = _text(df[pick(what)[0]])
    if pick("address"):
        address = df[pick("address")].astype(object).fillna("").astype(str).agg(" ".join, axis=1)
        f["address"] = _text(address)
    return f
