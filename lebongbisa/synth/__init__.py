"""Synthetic Lebong: a population that looks and misbehaves like the real registries.

`generate()` builds the true population of Kabupaten Lebong (the 104 real villages sized by the
2024 kecamatan populations), its work and welfare (a documented consumption model in which
employment matters), the registries (P3KE, DTKS; DTSEN from 2025, as Inpres 4/2025 did),
dinas program lists and the Lebong Bisa UMKM registry, quarter by quarter with births, deaths,
moves, KK splits and registry lags. It writes `data/raw/<period>/` exactly per the input
contract and the ground truth to a separate folder that the pipeline never reads.

Every assumption lives in `calibration.py` and `docs/assumptions.md`.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from lebongbisa import period as quarter
from lebongbisa.audit import describe
from lebongbisa.synth import calibration as cal
from lebongbisa.synth.deliveries import (
    Period,
    dtks_file,
    dtsen_file,
    p3ke_file,
    program_files,
    umkm_file,
    write_sources_yml,
)
from lebongbisa.synth.dynamics import advance_quarter
from lebongbisa.synth.population import build_population, calibrate_welfare, housing_from_welfare
from lebongbisa.synth.programs import household_view, program_recipients
from lebongbisa.synth.registries import DtksState, dtsen_snapshot, p3ke_snapshot
from lebongbisa.synth.scenarios import SCENARIOS, Scenario, catalog_entries, program_code
from lebongbisa.synth.scenarios import get as get_scenario

__all__ = ["generate", "expand_periods", "period_start", "SCENARIOS"]


def expand_periods(spec: str) -> list[str]:
    """'2024Q1:2025Q2' -> ['2024Q1', ..., '2025Q2']; a single period is allowed."""
    return [str(p) for p in quarter.Period.span(spec)]


def period_start(period: str) -> pd.Timestamp:
    return pd.Period(period, "Q").start_time.normalize()


def poverty_target(period: str) -> tuple[float, float]:
    """(P0, GK) for a quarter: BPS March figures interpolated linearly between years."""
    per = pd.Period(period, "Q")
    y, frac = per.year, (per.quarter - 1) / 4
    nxt = min(y + 1, max(cal.POVERTY_RATE))
    p0 = cal.POVERTY_RATE[y] + frac * (cal.POVERTY_RATE[nxt] - cal.POVERTY_RATE[y])
    gk = cal.POVERTY_LINE[y] + frac * (cal.POVERTY_LINE[nxt] - cal.POVERTY_LINE[y])
    return p0, gk


def _umkm_owners(rng: np.random.Generator, hh: pd.DataFrame, p: pd.DataFrame) -> pd.DataFrame:
    """Lebong Bisa registry: ~65% of household businesses, listed under the head."""
    biz = hh[hh.owns_business & (rng.random(len(hh)) < 0.65)]
    heads = p[p.alive & (p.relationship == "KEPALA KELUARGA")].drop_duplicates("household_id")
    own = heads[heads.household_id.isin(biz.household_id)].copy()
    k = len(own)
    own["business_sector"] = rng.choice(
        ["PERDAGANGAN", "MAKANAN DAN MINUMAN", "KERAJINAN", "PERTANIAN OLAHAN (KOPI)", "JASA"],
        k,
        p=[0.4, 0.25, 0.08, 0.15, 0.12],
    )
    own["monthly_revenue"] = (rng.lognormal(np.log(4_000_000), 0.8, k)).round(-4).astype(int)
    own["workers"] = rng.choice([0, 1, 2, 3, 5], k, p=[0.45, 0.3, 0.15, 0.07, 0.03])
    return own


def generate(
    periods: str | list[str] = "2024Q1:2025Q2",
    seed: int = 58,
    out: str | Path = "data/raw",
    truth_out: str | Path | None = None,
    persons: int = cal.DEFAULT_PERSONS,
    progress: bool = True,
    scenario: str | Scenario = "default",
    on_quarter: Callable[[str], object] | None = None,
) -> list[str]:
    """Write raw deliveries for each period under `out` and the truth under `truth_out`.

    `truth_out` defaults to a `truth` folder beside `out` (data/raw -> data/truth).
    `scenario` names a world of another shape (`synth/scenarios.py`); its size, when it sets
    one, replaces `persons`. `on_quarter(period)` is called once a quarter's deliveries and
    truth are all written. Returns the periods written. Deterministic for a seed.
    """
    sc = get_scenario(scenario) if isinstance(scenario, str) else scenario
    persons = sc.persons or persons
    plist = expand_periods(periods) if isinstance(periods, str) else list(periods)
    out = Path(out)
    truth_out = Path(truth_out) if truth_out else out.parent / "truth"
    rng = np.random.default_rng(seed)
    scale = persons / cal.DEFAULT_PERSONS
    start0 = period_start(plist[0])
    hh, p, vil = build_population(rng, persons, start0, sc.kecamatan)
    hh["split_from"] = np.nan
    p0, gk = poverty_target(plist[0])
    hh = calibrate_welfare(hh, p, vil, start0, p0, gk)
    hh = housing_from_welfare(rng, hh)
    p3ke = p3ke_snapshot(rng, hh, p, start0)
    dtks = DtksState(rng, hh, p, start0)
    dtsen_noise = pd.Series(rng.normal(0, 0.22, len(hh) * 2), index=np.arange(1, len(hh) * 2 + 1))
    missing_dtsen = set(hh.household_id[rng.random(len(hh)) < 0.03])
    state: dict[str, set] = {}
    bar = tqdm(plist, desc="synthetic Lebong", unit="quarter", disable=not progress)
    for i, period in enumerate(bar):
        start = period_start(period)
        if i:
            hh, p = advance_quarter(rng, hh, p, vil, start, period)
            dtks.update(p, hh, start)
            p0, gk = poverty_target(period)
            hh = calibrate_welfare(hh, p, vil, start, p0, gk)
        if len(dtsen_noise) < hh.household_id.max():
            extra = pd.Series(
                rng.normal(0, 0.22, len(hh)),
                index=np.arange(dtsen_noise.index.max() + 1, dtsen_noise.index.max() + 1 + len(hh)),
            )
            dtsen_noise = pd.concat([dtsen_noise, extra])
        per = Period(period, start, hh, p, vil, rng, scale)
        raw = out / period
        raw.mkdir(parents=True, exist_ok=True)
        files = []  # (spec, truth) of each delivered file
        if start.year < 2025:
            desil = p3ke.drop_duplicates("household_id").set_index("household_id").desil
            in_dtks = set(dtks.members.household_id)
            if sc.registries:
                dtks_ids = dtks.households.set_index("household_id").dtks_id
                files.append(dtks_file(per, dtks.members, dtks_ids, raw))
                files.append(p3ke_file(per, p3ke, raw, sc.employment))
        else:
            dead = p[~p.alive & (p.death_period.isin(plist[max(i - 1, 0) : i + 1]))].person_id
            snap = dtsen_snapshot(rng, hh, p, start, missing_dtsen, dtsen_noise, dead)
            desil = snap.drop_duplicates("household_id").set_index("household_id").desil
            in_dtks = set(snap.household_id[snap.desil <= 4])
            if sc.registries:
                files.append(dtsen_file(per, snap, raw, sc.employment))
        view = household_view(hh, p, start, desil, in_dtks)
        rec = program_recipients(rng, hh, p, start, view, scale, state)
        codes = {c: program_code(sc, c) for c in rec.program.unique()}
        codes = {c: k for c, k in codes.items() if k and c not in sc.undelivered}
        if sc.programs:
            specs, truths = program_files(per, rec, raw, codes, sc.empty_programs, sc.formats)
            files += list(zip(specs, truths, strict=True))
        else:
            codes = {}
        rec = rec[rec.program.isin(set(codes) - set(sc.empty_programs))]
        rec = rec.assign(program=rec.program.map(codes))  # as delivered (truth)
        if sc.umkm:
            files.append(umkm_file(per, _umkm_owners(rng, hh, p), raw))
        write_sources_yml(raw, period, [f[0] for f in files], catalog_entries(sc))
        truths = [f[1] for f in files]
        _write_truth(truth_out / period, hh, p, vil, rec, truths, desil, period)
        if on_quarter is not None:
            on_quarter(period)
    return plist


class Generation:
    """The synthetic Lebong generated in a process of its own, so that `lebongbisa report`
    from nothing processes each quarter as soon as it is written, while the later ones are
    generated on the other core. `ready(period)` waits for a quarter; an error of the
    generation is raised there. A context manager: leaving it waits for the generation to
    end, or stops it when the block raised."""

    def __init__(
        self, periods: str, seed: int, out: Path, persons: int = cal.DEFAULT_PERSONS
    ) -> None:
        ctx = multiprocessing.get_context("spawn")  # no fork of a process that has threads
        self.periods = expand_periods(periods)
        self._written: set[str] = set()
        self._queue = ctx.SimpleQueue()
        self._process = ctx.Process(
            target=_generate_into,
            args=(self.periods, seed, str(out), persons, self._queue),
            name="synthetic Lebong",
            daemon=True,
        )
        self._process.start()

    def ready(self, period: str) -> None:
        """Wait until `period` is written (at once for a period the generation does not make)."""
        while period in self.periods and period not in self._written:
            if self._queue.empty():
                if not self._process.is_alive() and self._queue.empty():
                    raise RuntimeError(
                        f"the synthetic Lebong's generation ended before {period} was written "
                        f"(exit code {self._process.exitcode})"
                    )
                time.sleep(0.05)
                continue
            done = self._queue.get()
            if done.startswith(_FAILED):
                raise RuntimeError(
                    f"generating the synthetic Lebong failed: {done[len(_FAILED) :]}"
                )
            self._written.add(done)

    def __enter__(self) -> Generation:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process.is_alive() and exc[0] is not None:
            self._process.terminate()
        self._process.join()


_FAILED = "failed: "


def _generate_into(periods: list[str], seed: int, out: str, persons: int, done) -> None:
    """The generation's process: each quarter's name on `done` once written."""
    try:
        generate(periods, seed=seed, out=out, persons=persons, progress=False, on_quarter=done.put)
    except Exception as exc:  # reported by `ready`, in the command's own words
        done.put(_FAILED + describe(exc))


def _write_truth(folder: Path, hh, p, vil, rec, truths, desil, period) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rows = (
        pd.concat(truths, ignore_index=True)
        if truths
        else pd.DataFrame(
            {
                "source_file": [],
                "source_row": [],
                "person_id": [],
                "household_id": [],
                "defects": [],
            }
        )
    )
    rows.to_parquet(folder / "rows.parquet", index=False)
    cols = [
        "person_id",
        "household_id",
        "village_code",
        "nik",
        "name",
        "sex",
        "birth_date",
        "relationship",
        "alive",
        "death_period",
        "education",
        "in_school",
        "works",
        "unemployed",
        "sector",
        "emp_status",
        "hours",
    ]
    pp = p[cols].copy()
    pp["death_period"] = pp.death_period.astype("string")
    pp.to_parquet(folder / "persons.parquet", index=False)
    h = hh.drop(columns=["persistent", "shock"]).copy()
    h["registry_desil"] = h.household_id.map(desil).astype("Int64")
    h["village_type"] = h.village_code.map(vil.set_index("village_code").village_type)
    h.to_parquet(folder / "households.parquet", index=False)
    rec.to_parquet(folder / "program_receipt.parquet", index=False)
    vil.to_parquet(folder / "villages.parquet", index=False)
    model = {
        "period": period,
        "consumption_effects": cal.CONSUMPTION_EFFECTS,
        "sector_effects": {s[0]: s[4] for s in cal.SECTORS},
        "status_effects": {k: v[2] for k, v in cal.STATUSES.items()},
        "village_type_effects": {k: v["effect"] for k, v in cal.VILLAGE_TYPES.items()},
    }
    (folder / "model.json").write_text(json.dumps(model, indent=2))
