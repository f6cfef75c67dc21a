"""Officers' field results on the synthetic Lebong: by-name lists returned with what the true
population says about each sampled row, and some officer errors.

`return_lists` reads a processed quarter's worklists (as officers receive them), visits a
sample of their rows in the true population of the next quarter and writes each list back,
results filled in, as a delivery of that quarter (kind `verification`, added to its
sources.yml). A row's true person is found by the row it lists (FILE, BARIS) where it names
one, else by the NIK on the list:

- dead in the next quarter: `meninggal`; living in another desa: `pindah`;
- a household on list a or f that truly receives a program next quarter: `sudah menerima
  program`, with the program; otherwise `ditemukan`;
- a NIK that no true person carries (damaged, invented): `tidak ditemukan`.

Officers err: with probability `not_found` a person at home is not met (`tidak ditemukan`),
with probability `wrong_pick` any result is picked from the drop-down by mistake; with
probability `damaged_key` the person key is mistyped (its row is quarantined on reading).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from lebongbisa import gazetteer
from lebongbisa import verification as verify
from lebongbisa.folder import PeriodFolder

#: the list column that holds the NIK of the row's person
NIK_COLUMNS = ("NIK KEPALA KELUARGA", "NIK", "NIK TERTULIS")


def _read_list(path: Path) -> dict[str, pd.DataFrame]:
    """The sheets of a worklist that hold rows (not PETUNJUK or KOSONG), as text."""
    sheets = pd.read_excel(path, sheet_name=None, dtype=str, engine="calamine")
    return {k: df for k, df in sheets.items() if verify.PERSON_KEY in df.columns}


def _who(df: pd.DataFrame, truth: pd.DataFrame, rows: pd.Series) -> pd.DataFrame:
    """The true person of each list row next quarter: by the delivered row (FILE, BARIS) where
    the list names it, else by the NIK on the list (NaN where none is found)."""
    nik = df[next(c for c in NIK_COLUMNS if c in df.columns)]
    person = nik.map(truth.dropna(subset=["nik"]).drop_duplicates("nik").set_index("nik").person_id)
    if {"FILE", "BARIS"} <= set(df.columns):
        at = pd.MultiIndex.from_arrays([df.FILE, pd.to_numeric(df.BARIS, errors="coerce")])
        person = pd.Series(rows.reindex(at).to_numpy(), index=df.index).fillna(person)
    return truth.set_index("person_id").reindex(person.to_numpy())


def _results(df: pd.DataFrame, key: str, who: pd.DataFrame, receipt: pd.Series, vname) -> pd.Series:
    """The true result of each row (before officer errors)."""
    who = who.assign(person_id=who.index)
    out = np.where(who.person_id.isna(), "tidak ditemukan", "ditemukan").astype(object)
    dead = (who.alive == False).to_numpy()  # noqa: E712 (NaN stays False)
    moved = who.person_id.notna().to_numpy() & (
        who.village_code.map(vname).to_numpy() != df["DESA"].to_numpy()
    )
    out[moved] = "pindah"
    out[dead] = "meninggal"
    if key in ("a", "f"):
        got = who.household_id.map(receipt).notna().to_numpy()
        out[got & (out == "ditemukan")] = "sudah menerima program"
    return pd.Series(out, index=df.index)


def return_lists(
    processed: PeriodFolder,
    next_raw: Path,
    next_truth: Path,
    seed: int = 7,
    share: float = 0.5,
    not_found: float = 0.03,
    wrong_pick: float = 0.01,
    damaged_key: float = 0.02,
    lists: str = "abcdef",
) -> pd.DataFrame:
    """Write each worklist of `processed`'s quarter, a `share` of its rows verified, into
    `next_raw/verifikasi/` and its sources.yml; returns the results written with their truth
    (`list`, `person` key, `true_result`, `result`, `program`, `key_damaged`)."""
    rng = np.random.default_rng(seed)
    persons = pd.read_parquet(next_truth / "persons.parquet")
    rec = pd.read_parquet(next_truth / "program_receipt.parquet")
    hid = (
        rec.household_id
        if "household_id" in rec
        else rec.person_id.map(persons.set_index("person_id").household_id)
    )
    receipt = rec.assign(household_id=hid).drop_duplicates("household_id")
    receipt = receipt.set_index("household_id").program
    sent = pd.read_parquet(processed.path("truth_rows"))  # delivered row -> true person
    rows = sent.set_index(["source_file", "source_row"]).person_id
    vname = gazetteer.village_names()
    choices = list(verify.RESULTS)
    start = pd.Timestamp(f"{next_raw.name[:4]}-{3 * int(next_raw.name[-1]) - 2:02d}-01")
    out_dir = next_raw / "verifikasi"
    out_dir.mkdir(parents=True, exist_ok=True)
    written, entries = [], []
    for key in lists:
        path = processed.path(f"worklist_{key}")
        sheets = _read_list(path) if path.exists() else {}
        filled = {}
        for name, df in sheets.items():
            df = df.copy()
            visit = rng.random(len(df)) < share
            who = _who(df, persons, rows)
            true = _results(df, key, who, receipt, vname)
            draw = rng.random(len(df))
            missed = visit & (draw < not_found)
            wrong = visit & (draw >= not_found) & (draw < not_found + wrong_pick)
            result = true.where(~missed, "tidak ditemukan")
            result = result.where(~wrong, pd.Series(rng.choice(choices, len(df)), index=df.index))
            program = pd.Series(who.household_id.map(receipt).to_numpy(), index=df.index)
            df[verify.RESULT] = result.where(visit, "")
            df[verify.DATE] = np.where(
                visit, (start + pd.Timedelta(days=20)).strftime("%d/%m/%Y"), ""
            )
            df[verify.PROGRAM] = program.where(visit & (result == "sudah menerima program"), "")
            df[verify.OFFICER] = np.where(visit, f"Petugas {name}", "")
            damaged = visit & (rng.random(len(df)) < damaged_key)
            person = df[verify.PERSON_KEY]
            df[verify.PERSON_KEY] = person.where(~damaged, person.str[:-3] + "xyz")
            filled[name] = df
            written.append(
                pd.DataFrame(
                    {
                        "list": key,
                        "person": person[visit].to_numpy(),
                        "true_result": true[visit].to_numpy(),
                        "result": result[visit].to_numpy(),
                        "program": df[verify.PROGRAM][visit].to_numpy(),
                        "key_damaged": damaged[visit],
                    }
                )
            )
        if filled:
            file = f"HASIL_VERIFIKASI_{path.name}"
            with pd.ExcelWriter(out_dir / file) as xw:
                for name, df in filled.items():
                    df.fillna("").to_excel(xw, sheet_name=name, index=False)
            entries.append({"file": f"verifikasi/{file}", "kind": "verification"})
    doc_path = next_raw / "sources.yml"
    doc = yaml.safe_load(doc_path.read_text(encoding="utf-8"))
    doc["sources"] = [s for s in doc["sources"] if s.get("kind") != "verification"] + entries
    doc_path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    return pd.concat(written, ignore_index=True) if written else pd.DataFrame()
