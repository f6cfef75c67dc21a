"""A simulated clerical officer for the synthetic Lebong: answers a quarter's review workbook
from the truth, as a careful officer would, and saves it where stage 2 reads decisions.

The synthetic world's stand-in for the dinas officers who answer the real workbook: tests and
benchmarks use it to measure what their answers change (decisions carried across quarters,
calibrated intervals). `error_rate` makes the officer wrong on that share of pairs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa.folder import PeriodFolder


def answer_review(
    folder: PeriodFolder, name: str = "Petugas Simulasi", error_rate: float = 0.0, seed: int = 7
) -> int:
    """Fill KEPUTUSAN and PETUGAS of every pair in the period's review workbook from the
    truth and save it as the decisions workbook; returns the number of answers."""
    review = folder.path("review")
    table = pd.read_excel(review, sheet_name="TINJAUAN", dtype=str, engine="calamine")
    records = pd.read_parquet(folder.path("records"), columns=["source_file", "source_row"])
    truth = pd.read_parquet(
        folder.path("truth_rows"), columns=["source_file", "source_row", "person_id"]
    )
    person = (
        records.astype({"source_row": str})
        .merge(truth.astype({"source_row": str}), on=["source_file", "source_row"], how="left")
        .set_index(["source_file", "source_row"])
        .person_id
    )

    def side(i: int) -> np.ndarray:
        rows = table[f"BARIS {i}"].str.replace(r"\.0$", "", regex=True)
        return person.reindex(list(zip(table[f"FILE {i}"], rows, strict=True))).to_numpy()

    same = side(1) == side(2)
    wrong = np.random.default_rng(seed).random(len(table)) < error_rate
    table["KEPUTUSAN (SAMA/BEDA)"] = np.where(same ^ wrong, "SAMA", "BEDA")
    table["PETUGAS"] = name
    with pd.ExcelWriter(folder.path("decisions")) as xw:
        table.to_excel(xw, sheet_name="TINJAUAN", index=False)
    return len(table)
