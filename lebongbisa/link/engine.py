"""Where linkage runs: DuckDB in this process (default), or Apache Spark for national scale.

The linkage SQL (deterministic NIK and KK joins, label pairs) is written once in DuckDB's
dialect and transpiled to Spark SQL with sqlglot; Splink runs on its DuckDB or Spark backend.
A trained model (a Splink settings dict written on DuckDB) is translated the same way, so a
model trained on one engine scores on the other.

Spark: `spark_session()` builds a session with Splink's similarity-function jar. By default it
runs in local mode on this machine; to use a cluster, set LEBONGBISA_SPARK_MASTER (e.g.
`spark://host:7077`, `yarn`, `k8s://...`) or pass an existing SparkSession to `Engine.spark`.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import os
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field

import pandas as pd
import sqlglot

ENGINES = ("duckdb", "spark")
SPARK_MASTER_ENV = "LEBONGBISA_SPARK_MASTER"
#: DuckDB's own memory (it spills to disk beyond it); DuckDB's default, 80% of RAM, would let
#: one linkage take the whole machine.
DUCKDB_MEMORY_ENV = "LEBONGBISA_DUCKDB_MEMORY"
DUCKDB_MEMORY_DEFAULT = "3GB"


def duckdb_connection():
    """An in-memory DuckDB connection with a memory limit and a spill folder."""
    import duckdb

    con = duckdb.connect(
        config={
            "memory_limit": os.environ.get(DUCKDB_MEMORY_ENV, DUCKDB_MEMORY_DEFAULT),
            # a folder of its own, not created: DuckDB makes it when it spills and removes it
            # when the connection closes (a folder made here stayed behind, one per run)
            "temp_directory": os.path.join(
                tempfile.gettempdir(), f"lebongbisa-duckdb-{uuid.uuid4().hex}"
            ),
            "preserve_insertion_order": False,
        }
    )
    # no bars on the console (in Jupyter, DuckDB refuses the setting without ipywidgets)
    with contextlib.suppress(duckdb.Error):
        con.execute("SET enable_progress_bar = false")
    return con


#: DuckDB built-ins and their Spark equivalents from Splink's similarity jar (the pattern
#: also catches sqlglot's spelling of the DuckDB name).
_FUNCTIONS = {
    "spark": (r"\bjaro_?winkler_similarity\(", "jaro_winkler("),
    "duckdb": (r"\bjaro_winkler\(", "jaro_winkler_similarity("),
}


def translate_sql(sql: str, read: str, write: str) -> str:
    """A SQL statement or condition from one dialect (duckdb | spark) to the other."""
    if sql.strip().upper() == "ELSE":  # Splink's catch-all level
        return sql
    out = sqlglot.transpile(sql, read=read, write=write)[0]
    pattern, repl = _FUNCTIONS[write]
    return re.sub(pattern, repl, out, flags=re.I)


def to_spark_sql(sql: str) -> str:
    return translate_sql(sql, "duckdb", "spark")


def translate_model(model: dict, read: str, write: str) -> dict:
    """A Splink settings dict with every SQL condition and blocking rule in `write`'s dialect."""
    m = copy.deepcopy(model)
    m["sql_dialect"] = write
    for comp in m.get("comparisons", []):
        for lvl in comp["comparison_levels"]:
            lvl["sql_condition"] = translate_sql(lvl["sql_condition"], read, write)
    for br in m.get("blocking_rules_to_generate_predictions", []):
        br["blocking_rule"] = translate_sql(br["blocking_rule"], read, write)
        br["sql_dialect"] = write
    return m


def spark_session(master: str | None = None, app: str = "lebongbisa"):
    """A SparkSession ready for Splink (similarity jar, checkpoint folder)."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    master = master or os.environ.get(SPARK_MASTER_ENV) or "local[*]"
    spark = (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "8" if master.startswith("local") else "200")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", os.environ.get("LEBONGBISA_SPARK_DRIVER_MEMORY", "4g"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    checkpoints = tempfile.mkdtemp(prefix="lebongbisa-spark-")
    atexit.register(shutil.rmtree, checkpoints, ignore_errors=True)  # not left in /tmp
    spark.sparkContext.setCheckpointDir(checkpoints)
    return spark


@dataclass
class Engine:
    """Runs the linkage SQL and hands Splink its backend."""

    name: str = "duckdb"
    spark: object | None = None
    _con: object | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.name not in ENGINES:
            raise ValueError(f"unknown engine {self.name!r}; choose one of {ENGINES}")
        if self.name == "duckdb":
            self._con = duckdb_connection()
        else:
            from splink import SparkAPI

            self.spark = self.spark or spark_session()
            SparkAPI(spark_session=self.spark)  # registers the similarity UDFs for our SQL

    def sql(self, query: str, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
        """Run a DuckDB-dialect query over the given tables; returns a pandas frame."""
        if self.name == "duckdb":
            for name, df in tables.items():
                self._con.register(name, df)
            return self._con.execute(query).df()
        for name, df in tables.items():
            self._spark_frame(df).createOrReplaceTempView(name)
        return self.spark.sql(to_spark_sql(query)).toPandas()

    def _spark_frame(self, df: pd.DataFrame):
        return self.spark.createDataFrame(df.astype(object).where(df.notna(), None))

    def splink_api(self):
        if self.name == "duckdb":
            from splink import DuckDBAPI

            return DuckDBAPI(connection=duckdb_connection())
        from splink import SparkAPI

        for table in self.spark.catalog.listTables():  # each linkage starts from a clean slate
            if table.isTemporary:
                self.spark.catalog.dropTempView(table.name)
        return SparkAPI(spark_session=self.spark)

    def register(self, db_api, df: pd.DataFrame, name: str):
        """A pandas frame registered with a Splink backend."""
        table = df if self.name == "duckdb" else self._spark_frame(df)
        return db_api.register(table, dataset_display_name=name)

    def model_in(self, model: dict | None) -> dict | None:
        """A saved model (always kept in DuckDB's dialect) for this engine."""
        if model and self.name == "spark":
            return translate_model(model, "duckdb", "spark")
        return model

    def model_out(self, model: dict) -> dict:
        """A model trained or used on this engine, in DuckDB's dialect for saving."""
        return translate_model(model, "spark", "duckdb") if self.name == "spark" else model
