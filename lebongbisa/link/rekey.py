"""Officers' decisions carried across a key rotation (`lebongbisa run --rotate-key`).

Decisions are remembered by identity keys: keyed hashes of a record's name, birth date and
village. A new key gives every identity a new key, so before the quarters are reprocessed each
retained quarter's records (their identity key under the old key, written by stage 2) are
matched with their identities in the restricted tables and hashed again with the new key.
The decisions logs and the officers' answer workbooks are rewritten with the new keys, and
the translation is kept (artefact `key_translation`) for the lists returned from the field
after the rotation, which carry the old keys in files that are never modified; a
decision whose people appear in no retained quarter cannot be carried over and is listed in
`keputusan_linkage_tidak_dibawa.csv` beside the log, never silently dropped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lebongbisa.folder import PeriodFolder
from lebongbisa.io import write_csv, write_parquet
from lebongbisa.link import decisions
from lebongbisa.link.features import linkage_frame
from lebongbisa.link.identity import identity_keys
from lebongbisa.link.stage import CLEAN_USED, IDENT_USED
from lebongbisa.restricted import restricted_folder

NOT_CARRIED = "keputusan_linkage_tidak_dibawa.csv"
KEY_COLUMNS = ("KUNCI 1", "KUNCI 2")


def _quarter_map(f: PeriodFolder) -> pd.Series:
    """Old identity key -> new identity key for one processed quarter (empty when its tables
    are gone)."""
    paths = [f.path(k) for k in ("records", "clean", "identity")]
    if not all(p.exists() for p in paths):
        return pd.Series(dtype=object)
    old = pd.read_parquet(paths[0], columns=["identity_key"]).identity_key
    clean = pd.read_parquet(paths[1], columns=CLEAN_USED)  # what stage 2 reads for the
    ident = pd.read_parquet(paths[2], columns=IDENT_USED)  # same linkage frame
    frame = linkage_frame(ident, clean)
    new = identity_keys(frame).to_numpy()
    pairs = pd.Series(new, index=old.iloc[frame.unique_id].to_numpy()).dropna()
    return pairs[pairs.index.notna()]


def identity_map(folders: list[PeriodFolder]) -> pd.Series:
    """Old identity key -> new identity key over every retained quarter."""
    maps = [m for m in (_quarter_map(f) for f in folders) if len(m)]
    if not maps:
        return pd.Series(dtype=object)
    both = pd.concat(maps)
    return both[~both.index.duplicated(keep="last")]


def _rekey_log(path: Path, mapping: pd.Series) -> tuple[set, set]:
    """Rewrite one decisions log with new keys; returns the pairs carried over (new keys)
    and those not carried over (old keys)."""
    log = decisions.read_log(path)
    k1, k2 = log.key_1.map(mapping), log.key_2.map(mapping)
    known = k1.notna() & k2.notna()
    lost = log[~known]
    if len(lost):
        write_csv(lost, path.with_name(NOT_CARRIED), mode=0o600)
    carried = decisions.ordered(log[known].assign(key_1=k1[known], key_2=k2[known]))
    write_csv(carried, path, mode=0o600)
    return set(zip(carried.key_1, carried.key_2, strict=True)), set(
        zip(lost.key_1, lost.key_2, strict=True)
    )


def _rekey_workbook(path: Path, mapping: pd.Series) -> int:
    """Replace the identity keys (KUNCI 1/2) in an officer's answer workbook; returns how
    many keys had no new key (left as they were: the run reports them as absent)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb["TINJAUAN"] if "TINJAUAN" in wb.sheetnames else None
    missing = 0
    if ws is not None:
        header = {cell.value: cell.column for cell in next(ws.iter_rows(max_row=1))}
        for col in (header[c] for c in KEY_COLUMNS if c in header):
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                if cell.value:
                    new = mapping.get(str(cell.value).strip())
                    if new is None:
                        missing += 1
                    else:
                        cell.value = new
    wb.save(path)
    return missing


def keep_translation(path: Path, mapping: pd.Series) -> None:
    """Add this rotation's old -> new identity keys to the kept translation (restricted):
    keys of earlier rotations now lead to the new key too."""
    new = pd.DataFrame({"old": mapping.index, "new": mapping.to_numpy()})
    if path.exists():
        kept = pd.read_parquet(path)
        kept = kept.assign(new=kept.new.map(mapping)).dropna()
        new = pd.concat([kept, new], ignore_index=True).drop_duplicates("old", keep="last")
    restricted_folder(path.parent)
    write_parquet(new.astype(str), path, mode=0o600)


def rekey_decisions(folders: list[PeriodFolder]) -> dict[str, int]:
    """Rewrite every quarter's decisions log and answer workbook with the current key, from
    the identities of `folders` (computed with the old key). Call before the quarters are
    reprocessed. Returns counts: distinct decisions carried over and not carried over, and
    workbook keys without a new key."""
    mapping = identity_map(folders)
    if folders:
        keep_translation(folders[0].root.path("key_translation"), mapping)
    carried, lost, missing = set(), set(), 0
    for f in folders:  # each quarter's log repeats the earlier ones: count distinct pairs
        log = f.path("decisions_log")
        if log.exists():
            kept, dropped = _rekey_log(log, mapping)
            carried |= kept
            lost |= dropped
        answers = f.path("decisions")
        if answers.exists():
            missing += _rekey_workbook(answers, mapping)
    return {"carried": len(carried), "not_carried": len(lost), "workbook_keys_missing": missing}
