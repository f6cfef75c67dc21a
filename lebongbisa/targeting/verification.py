"""What the officers' field results change, applied by stage 3 the same way to every list and
count (docs/outputs.md "Field verification").

The log (artefact `verification_log`, restricted) holds every result read so far, one row per
returned list row with a result: who (the identity keys of person and household, the officer),
when (the date and the quarter it came back in) and what. Each person's latest result decides:

- `died` (meninggal): the person's records leave the quarter from the quarter of the result
  on: every list and every person count; the household stays while others remain;
- `moved` (pindah): the person leaves the lists of the desa where they were verified (their
  identity key includes the desa) for `hold_moved` quarters; a delivery placing them in
  another desa puts them on that desa's lists under a new key;
- `enrolled` (sudah menerima program): the household leaves lists a and f for
  `hold_enrolled` quarters, and counts as a probable omission of the program named (a dinas
  list that misses a recipient);
- `not_found` (tidak ditemukan): kept on the lists; after `not_found_after` quarters without
  a later result the household is reported to be checked in the registry;
- `found` (ditemukan): only the date of the last visit, shown on the lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lebongbisa import gazetteer
from lebongbisa.folder import PeriodFolder
from lebongbisa.io import write_csv
from lebongbisa.period import Period
from lebongbisa.restricted import write_workbook
from lebongbisa.targeting.definitions import TargetingSettings
from lebongbisa.verification import RESULTS

#: a result code as the officers wrote it
LABELS_ID = {code: text for text, code in RESULTS.items()}

LOG_COLUMNS = [
    "period",
    "list",
    "person",
    "household",
    "village_code",
    "district_code",
    "dinas",
    "result",
    "verified_on",
    "program",
    "officer",
    "note",
    "source_file",
    "source_row",
]


def read_log(path: Path | None) -> pd.DataFrame:
    """A verification log written by an earlier quarter (empty when there is none)."""
    if path is None or not Path(path).exists():
        return pd.DataFrame(columns=LOG_COLUMNS)
    log = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)
    return log.reindex(columns=LOG_COLUMNS)


def merge_log(previous: pd.DataFrame, returned: pd.DataFrame, period: str) -> pd.DataFrame:
    """The earlier log plus this quarter's results (accepted returned rows with a result); a
    quarter reprocessed replaces its own rows."""
    log = previous[previous.period != period]
    if len(returned):
        new = returned[(returned.status == "accepted") & returned.result.notna()]
        new = new.assign(period=period, verified_on=pd.to_datetime(new.verified_on).dt.date)
        log = pd.concat([log, new.reindex(columns=LOG_COLUMNS).astype(object)], ignore_index=True)
    return log.sort_values(["period", "verified_on", "source_file", "source_row"], kind="stable")


@dataclass
class Effects:
    """This quarter's effect of the log: identity keys of persons (`died`, `moved`, `checks`:
    not found long enough) and households (`enrolled`), the programs named per enrolled
    household, and each person's latest result as the lists show it."""

    died: set = field(default_factory=set)
    moved: set = field(default_factory=set)
    enrolled: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LOG_COLUMNS))
    checks: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LOG_COLUMNS))
    last: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))

    @property
    def any(self) -> bool:
        return bool(len(self.last))


def effects(log: pd.DataFrame, period: str, hold: TargetingSettings) -> Effects:
    """What the log's latest result per person changes in `period` (`hold`: how long each
    result holds, run.yml `targeting`)."""
    if log.empty:
        return Effects()
    latest = log.drop_duplicates("person", keep="last")
    age = Period.parse(period).index - latest.period.map(lambda p: Period.parse(p).index)
    r = latest.result
    return Effects(
        died=set(latest.person[r == "died"]),
        moved=set(latest.person[(r == "moved") & (age < hold.hold_moved)]),
        enrolled=latest[(r == "enrolled") & (age < hold.hold_enrolled)],
        checks=latest[(r == "not_found") & (age >= hold.not_found_after)],
        last=pd.Series(
            (r.map(LABELS_ID) + " " + latest.verified_on.astype(str)).to_numpy(),
            index=latest.person.to_numpy(),
        ),
    )


def drop_deceased(acc: pd.DataFrame, died: set) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The accepted records without every record of a person verified dead (found by any of
    their records' identity keys), and the records removed."""
    if not died or "identity_key" not in acc:
        return acc, acc.iloc[:0]
    gone = acc.person_key.isin(acc.person_key[acc.identity_key.isin(died)])
    return acc[~gone], acc[gone]


def households_of(acc: pd.DataFrame, keys: pd.Series) -> pd.Index:
    """This quarter's household keys of the persons with identity keys `keys`."""
    return pd.Index(acc.household_key[acc.identity_key.isin(set(keys))].dropna().unique())


def apply_to_lists(
    lists: dict[str, pd.DataFrame], fx: Effects, enrolled_households: pd.Index
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Lists without the rows the results take off (`moved` persons, `enrolled` households
    off lists a and f), and the rows taken off (with their list)."""
    out, removed = {}, []
    for key, df in lists.items():
        off = df["_person"].isin(fx.moved) if "_person" in df else pd.Series(False, df.index)
        if key in ("a", "f"):
            off |= df["_household"].isin(enrolled_households)
        out[key] = df[~off]
        removed.append(df[off].assign(_list=key))
    return out, pd.concat(removed, ignore_index=True) if removed else pd.DataFrame()


def taken_off(dead: pd.DataFrame, off: pd.DataFrame, died: set) -> pd.DataFrame:
    """One row per person or household a result took off this quarter: `what` (`person`:
    dead or moved; `household`: off list a as enrolled), `key` (the identity key the lists
    show as KUNCI ORANG; a household's key), `village_code`, `list`. `dead`: the records
    removed (drop_deceased), one person by the record whose key carried the result."""
    died = dead[dead.identity_key.isin(died)].drop_duplicates("person_key")
    parts = [
        pd.DataFrame(
            {
                "what": "person",
                "key": died.identity_key.to_numpy(),
                "village_code": died.village_code.to_numpy(),
                "list": "semua",
            }
        )
    ]
    if len(off):
        hh = (
            off["_list"].isin(["a", "f"]) & off["_household"].notna()
            if "_household" in off
            else False
        )
        parts.append(
            pd.DataFrame(
                {
                    "what": pd.Series("person", index=off.index).where(~hh, "household"),
                    "key": off["_person"].where(~hh, off.get("_household")),
                    "village_code": off["_village"],
                    "list": off["_list"],
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    return out.assign(district_code=out.village_code.map(gazetteer.district_of_village()))


def indicators(c, returned: pd.DataFrame, fx: Effects, gone: pd.DataFrame, kabupaten: str) -> None:
    """Counts per kabupaten, kecamatan and desa (and per dinas for the results returned):
    results returned this quarter, persons taken off the lists or out of the counts by a
    result, households off list a as already enrolled, households to check in the registry,
    and probable list omissions per program named."""
    back = returned[(returned.status == "accepted") & returned.result.notna()]

    def areas(name: str, df: pd.DataFrame, key: str = "_row") -> None:
        """Distinct `key` per area; 0 in an area where results came back and none counts."""
        df = df.assign(_row=range(len(df)))
        c.count(name, "kabupaten", kabupaten, df[key].nunique())
        for level, col in (("kecamatan", "district_code"), ("desa", "village_code")):
            n = df.groupby(col)[key].nunique()
            for code in sorted(set(back[col].dropna()) | set(n.index)):
                c.count(name, level, code, int(n.get(code, 0)))

    areas("verification_returned", back)
    for dinas, g in back.groupby("dinas"):
        c.count("verification_returned", "agency", dinas, len(g))
    areas("verification_persons_removed", gone[gone.what == "person"], "key")
    areas("verification_households_enrolled", gone[gone.what == "household"], "key")
    areas(
        "verification_registry_checks",
        fx.checks.assign(district_code=fx.checks.village_code.map(gazetteer.district_of_village())),
        "person",
    )
    named = fx.enrolled[fx.enrolled.program.notna()]
    for program, g in named.groupby("program"):
        c.count("verification_list_omissions", "program", program, g.person.nunique())


def write(
    folder: PeriodFolder, log: pd.DataFrame, fx: Effects, gone: pd.DataFrame
) -> dict[str, int]:
    """The log (restricted, grows quarter by quarter) and a workbook of what the results
    changed this quarter: per desa, who left the lists, households to check in the
    registry (before the first result comes back: an empty log, and a workbook that says so)."""
    write_csv(log, folder.path("verification_log"), mode=0o600)
    if log.empty:
        none = "Belum ada daftar yang kembali dengan hasil verifikasi lapangan."
        write_workbook(
            folder.path("verification_workbook"), {"KOSONG": pd.DataFrame({"KETERANGAN": [none]})}
        )
        return {}
    vname = gazetteer.village_names()
    this = log[log.period == folder.period]
    per_desa = pd.crosstab(this.village_code.map(vname), this.result.map(LABELS_ID))
    checks = fx.checks
    sheets = {
        "RINGKASAN": per_desa.reset_index(names="DESA"),
        "KELUAR DARI DAFTAR": pd.DataFrame(
            {
                "DESA": gone.village_code.map(vname),
                "DAFTAR": gone.list,
                "JENIS": gone.what.map({"person": "orang", "household": "keluarga"}),
                "KUNCI": gone.key,
            }
        ),
        "CEK REGISTRI": pd.DataFrame(
            {
                "DESA": checks.village_code.map(vname),
                "KUNCI ORANG": checks.person,
                "KUNCI KELUARGA": checks.household,
                "DAFTAR": checks.list,
                "TANGGAL TIDAK DITEMUKAN": checks.verified_on,
                "PETUGAS": checks.officer,
                "CATATAN": checks.note,
            }
        ),
    }
    notes = [
        f"Periode {folder.period}. Hasil verifikasi lapangan yang kembali dan apa yang berubah "
        "karenanya: orang meninggal keluar dari semua daftar dan hitungan; orang pindah keluar "
        "dari daftar desa lamanya; keluarga yang sudah menerima program keluar dari daftar a; "
        "keluarga yang tidak ditemukan dua triwulan diperiksa di registri (lembar CEK REGISTRI).",
        "Data pribadi: lihat BACA_SAYA.txt.",
    ]
    write_workbook(folder.path("verification_workbook"), sheets, notes)
    return {
        "results_this_quarter": int(len(this)),
        "results_in_log": int(len(log)),
        "persons_taken_off": int(gone.key[gone.what == "person"].nunique()),
        "households_off_list_a": int(gone.key[gone.what == "household"].nunique()),
        "registry_checks": int(len(checks)),
    }
