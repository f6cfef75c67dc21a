"""One store for analysts: a DuckDB database whose views span every processed quarter.

The `store` artefact (`data/processed/lebongbisa.duckdb`) holds views, not copies, over the
quarters' pseudonymous artefacts (each row with its `period`); it is rebuilt after every run,
so it always shows what the parquet and CSV files hold. Restricted artefacts (names, NIK,
worklists) are never in it.

    from lebongbisa import store
    con = store.connect()
    con.sql("SELECT period, value FROM indicators WHERE indicator = 'households_desil1' "
            "AND scope_type = 'kabupaten' ORDER BY period").df()
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from lebongbisa.config import PERIOD_RE
from lebongbisa.folder import DataRoot, artefact, group
from lebongbisa.period import previous

#: view -> the artefact (or group) it spans, pseudonymous ones only; indicators come from the
#: stages' parts, which indicators.csv assembles row for row
TABLES = {
    "records": "records",
    "households": "household_base",
    "indicators": "indicator_parts",
    "villages": "village_indicators",
    "working_poor_rates": "working_poor_rates",
    "desa_binaan": "desa_binaan",
}

_PERIOD = r"regexp_extract(filename, '(\d{4}Q[1-4])[/\\][^/\\]+$', 1)"

#: views built on the tables: persons (records' keys with the analytic fields), and each
#: household's recorded desil and programs next to its own in the immediately preceding quarter
#: (the `quarters` view pairs each processed quarter with its predecessor, from `Period`)
DERIVED = {
    "persons": """
        SELECT r.period, r.person_key, r.household_key, r.match_type, c.* EXCLUDE (period)
        FROM records r JOIN clean c USING (period, source_file, source_row)
        WHERE r.status = 'accepted'""",
    "trajectories": """
        SELECT h.period, h.household_key, h.village_code, h.desil, h.in_registry,
               h.programs, h.receives_bansos, h.receives_pemberdayaan,
               p.period AS previous_period, p.desil AS previous_desil,
               p.programs AS previous_programs, p.receives_bansos AS previous_bansos,
               p.receives_pemberdayaan AS previous_pemberdayaan
        FROM households h
        JOIN quarters q ON q.period = h.period
        LEFT JOIN households p
          ON p.household_key = h.household_key AND p.period = q.previous_period""",
}


def default_path(data_dir: Path | None = None) -> Path:
    """The store of the data folder (default: config's)."""
    return DataRoot.of(data_dir).path("store")


def _source(processed_root: Path, key: str) -> str | None:
    """A DuckDB table function reading artefact (or group) `key` of every quarter, or None if
    no quarter has it yet."""
    files = []
    for k in group(key) or [key]:
        a = artefact(k)
        if a.restricted:
            raise ValueError(f"{k} is restricted: it never goes into the store")
        files += [p for p in processed_root.glob(f"*/{a.file}") if PERIOD_RE.match(p.parent.name)]
    if not files:
        return None
    paths = "[" + ", ".join(f"'{p.as_posix()}'" for p in sorted(files)) + "]"
    if files[0].suffix == ".csv":
        return (
            f"read_csv({paths}, filename = true, union_by_name = true, header = true, "
            "types = {'scope_code': 'VARCHAR', 'period': 'VARCHAR'})"
        )
    return f"read_parquet({paths}, filename = true, union_by_name = true)"


def _quarters(con: duckdb.DuckDBPyConnection, processed_root: Path) -> None:
    """A `quarters` table: each processed quarter and the one before it."""
    names = sorted(p.name for p in processed_root.iterdir() if PERIOD_RE.match(p.name))
    con.execute("CREATE TABLE quarters (period VARCHAR, previous_period VARCHAR)")
    if names:
        con.executemany("INSERT INTO quarters VALUES (?, ?)", [(n, previous(n)) for n in names])


def _remove_dead_temporaries(path: Path) -> None:
    """Half-built stores of runs that were killed (their process is gone); a build running now
    for another quarter keeps its own."""
    for tmp in path.parent.glob(f".{path.name}.*.tmp*"):
        try:
            pid = int(tmp.name.split(".")[-2 if tmp.suffix == ".tmp" else -3])
            os.kill(pid, 0)
        except ProcessLookupError:
            tmp.unlink(missing_ok=True)
        except (ValueError, IndexError, PermissionError):
            continue


def build(data_dir: Path | None = None, path: Path | None = None) -> Path:
    """(Re)write the store's views over every processed quarter; returns its path."""
    processed_root = DataRoot.of(data_dir).processed
    path = Path(path) if path else default_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_dead_temporaries(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        made = set()
        for view, key in {**TABLES, "clean": "clean"}.items():
            src = _source(processed_root, key)
            if src is None:
                continue
            con.execute(
                f"CREATE VIEW {view} AS SELECT {_PERIOD} AS period, * EXCLUDE (filename"
                + (", period" if view == "indicators" else "")
                + f") FROM {src}"
            )
            made.add(view)
        if {"records", "clean"} <= made:
            con.execute(f"CREATE VIEW persons AS {DERIVED['persons']}")
        if "households" in made:
            _quarters(con, processed_root)
            con.execute(f"CREATE VIEW trajectories AS {DERIVED['trajectories']}")
    finally:
        con.close()
    os.replace(tmp, path)
    return path


def connect(data_dir: Path | None = None, path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the store (built first when it does not exist yet)."""
    path = Path(path) if path else default_path(data_dir)
    if not path.exists():
        build(data_dir, path)
    return duckdb.connect(str(path), read_only=True)
