"""The DuckDB engine's scratch space: spill files go to a folder of its own, gone afterwards."""

from __future__ import annotations

import gc
import tempfile

import pandas as pd

from lebongbisa.link.engine import DUCKDB_MEMORY_ENV, Engine


def test_a_connection_that_spilled_to_disk_leaves_nothing_in_the_temp_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv(DUCKDB_MEMORY_ENV, "40MB")  # small enough to spill
    engine = Engine("duckdb")
    frame = pd.DataFrame({"i": range(1_500_000)})
    out = engine.sql(
        "SELECT s, count(*) AS n FROM (SELECT md5(i::VARCHAR) AS s FROM frame) "
        "GROUP BY s ORDER BY s LIMIT 1",
        {"frame": frame},
    )
    assert out.n.tolist() == [1]
    spilled = [p for p in tmp_path.iterdir() if any(p.iterdir())]
    assert spilled, "the query did not spill: the test proves nothing"
    del engine
    gc.collect()
    assert list(tmp_path.iterdir()) == []
