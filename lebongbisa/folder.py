"""Every artefact a period's run reads or writes, named once, and the folder object that owns
their paths and finds the same artefact in earlier quarters.

Code and notebooks ask a `PeriodFolder` for an artefact by its key (`folder.path("records")`);
no other module writes a file name. Each stage's spec (stages.py) declares the keys it reads,
reads from the previous quarter, and writes: the cache fingerprints exactly those files, so
reprocessing an earlier quarter makes the later quarters' changes stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lebongbisa import config
from lebongbisa.period import previous

RUN_FILE = "run.yml"  # a period's own run configuration (not a delivery)


@dataclass(frozen=True)
class Artefact:
    """A file of a period: its name below its root (`processed`: data/processed/<period>/,
    `reports`: reports/<period>/, `truth`: data/truth/<period>/; `quarters`: data/processed/
    itself, for a file that spans every quarter), and the group it belongs to, if any (a
    stage may read a whole group, e.g. every stage's indicators part)."""

    file: str
    root: str = "processed"
    group: str | None = None

    @property
    def restricted(self) -> bool:
        """Owner-only personal data (never linked from a report)."""
        return self.file.startswith("restricted/")


ARTEFACTS: dict[str, Artefact] = {
    # stage 1: ingest & clean
    "rows": Artefact("rows.parquet"),  # one row per raw data row, status and reason
    "clean": Artefact("clean.parquet"),
    "manifest": Artefact("manifest.json"),
    "identity": Artefact("restricted/identity.parquet"),
    "quarantine": Artefact("restricted/quarantine.parquet"),
    # the returned lists' rows (kind verification), matched with the lists sent
    "verification": Artefact("restricted/verification.parquet"),
    # stage 2: link
    "records": Artefact("records.parquet"),  # contract: rows with person and household keys
    "link_pairs": Artefact("link_pairs.parquet"),
    "link_model": Artefact("link_model.json"),
    "link_summary": Artefact("link_summary.json"),
    "link_failures": Artefact("link_failures.parquet"),  # who fails to link, by group
    "review": Artefact("restricted/review_linkage.xlsx", "reports"),
    "decisions": Artefact("restricted/review_linkage_keputusan.xlsx", "reports"),
    # every clerical decision so far, by identity keys (grows quarter by quarter)
    "decisions_log": Artefact("restricted/keputusan_linkage_log.csv", "reports"),
    # stage 3: targeting
    "household_base": Artefact("household_base.parquet"),
    "targeting_indicators": Artefact("indicators_03_targeting.csv", group="indicator_parts"),
    "program_combinations": Artefact("program_combinations.parquet"),
    "agency_co_receipt": Artefact("agency_co_receipt.parquet"),
    "targeting_summary": Artefact("targeting_summary.json"),
    "worklist_a": Artefact("restricted/daftar_a_desil1-2_tanpa_program.xlsx", "reports"),
    "worklist_b": Artefact("restricted/daftar_b_penerima_di_luar_sasaran.xlsx", "reports"),
    "worklist_c": Artefact("restricted/daftar_c_penerimaan_ganda.xlsx", "reports"),
    "worklist_d": Artefact("restricted/daftar_d_nik_bermasalah.xlsx", "reports"),
    "worklist_e": Artefact("restricted/daftar_e_graduasi_usaha_dan_tani.xlsx", "reports"),
    # the per-dinas fix workbooks sit beside it (PeriodFolder.fix_workbook)
    "fix_overview": Artefact("restricted/perbaikan/ringkasan_perbaikan.xlsx", "reports"),
    "worklist_f": Artefact("restricted/daftar_f_desil1_dua_triwulan_tanpa_program.xlsx", "reports"),
    # the keys of every list row sent, which a returned list is matched with next quarter
    "list_keys": Artefact("restricted/list_keys.parquet"),
    # every field result so far (grows quarter by quarter), and what they changed this quarter
    "verification_log": Artefact("restricted/hasil_verifikasi_log.csv", "reports"),
    "verification_workbook": Artefact("restricted/hasil_verifikasi.xlsx", "reports"),
    # stage 4: working poor
    "working_poor_rates": Artefact("working_poor_rates.parquet"),
    "working_poor_heads": Artefact("working_poor_heads.parquet"),
    "working_poor_model": Artefact("working_poor_model.json"),
    "village_effects": Artefact("village_effects.parquet"),
    "working_poor_indicators": Artefact("indicators_04_working_poor.csv", group="indicator_parts"),
    # stage 5: villages
    "village_indicators": Artefact("village_indicators.parquet"),
    "village_typology": Artefact("village_typology.parquet"),
    "village_model_choice": Artefact("village_model_choice.parquet"),
    "desa_binaan": Artefact("desa_binaan.parquet"),
    "villages_summary": Artefact("villages_summary.json"),
    "village_indicators_part": Artefact("indicators_05_villages.csv", group="indicator_parts"),
    # stage 7: the series (the store itself spans every quarter: lebongbisa.store)
    "series_indicators": Artefact("indicators_07_series.csv", group="indicator_parts"),
    # stage 8: the areas that get a brief (their pages: reports/<period>/kecamatan|desa/)
    "brief_areas": Artefact("brief_areas.parquet"),
    # stage 6: the assembled indicators (contract), then the summary page
    "indicators": Artefact("indicators.csv"),
    # the synthetic world's ground truth (synth/), where there is one
    "truth_rows": Artefact("rows.parquet", "truth"),
    # the run itself
    "run_log": Artefact("run_log.jsonl"),
    "index": Artefact("index.html", "reports"),
    "stage_status": Artefact(".stages.json", "reports"),  # what the index shows, to relink it
    "kernel_log": Artefact(".kernels.log", "reports"),
    "run_lock": Artefact(".run.lock"),  # one run per period at a time (runlock)
    # what spans the quarters
    "store": Artefact("lebongbisa.duckdb", "quarters"),  # DuckDB views over every quarter
    "key_rotation": Artefact(".key_rotation.json", "quarters"),  # a key rotation under way
    # identity keys under an earlier key -> the current key (kept by every rotation), so a
    # list sent before a rotation and returned after it is still matched
    "key_translation": Artefact("restricted/identity_key_translation.parquet", "quarters"),
}

#: the delivery (every file under data/raw/<period>/ except the run configuration): a stage
#: may read it as a whole, like a group
DELIVERY = "delivery"


def register(key: str, artefact: Artefact) -> None:
    """Declare a new artefact (a new stage's output) so that specs and code can name it."""
    if key in ARTEFACTS or key == DELIVERY:
        raise ValueError(f"an artefact named {key!r} already exists")
    ARTEFACTS[key] = artefact


def unregister(key: str) -> None:
    ARTEFACTS.pop(key)


def artefact(key: str) -> Artefact:
    try:
        return ARTEFACTS[key]
    except KeyError:
        raise KeyError(f"unknown artefact {key!r}; known: {', '.join(ARTEFACTS)}") from None


def group(name: str) -> list[str]:
    """The artefact keys of a group, in declaration order."""
    return [k for k, a in ARTEFACTS.items() if a.group == name]


@dataclass(frozen=True)
class DataRoot:
    """The data folder: every quarter's delivery (`raw/`), computed tables (`processed/`),
    ground truth where there is one (`truth/`), and the files that span the quarters."""

    data: Path

    @classmethod
    def of(cls, data_dir: Path | None = None) -> DataRoot:
        return cls((Path(data_dir) if data_dir else config.DATA_DIR).absolute())

    @property
    def raw(self) -> Path:
        return self.data / "raw"

    @property
    def processed(self) -> Path:
        return self.data / "processed"

    @property
    def truth(self) -> Path:
        return self.data / "truth"

    def path(self, key: str) -> Path:
        """Where artefact `key` that spans the quarters (root `quarters`) lives."""
        a = artefact(key)
        if a.root != "quarters":
            raise KeyError(f"{key!r} belongs to a period: ask its PeriodFolder")
        return self.processed / a.file


def as_folder(where: Path | PeriodFolder) -> PeriodFolder:
    """A `PeriodFolder` as is, or one around a processed folder's path."""
    return where if isinstance(where, PeriodFolder) else PeriodFolder.at(where)


@dataclass(frozen=True)
class PeriodFolder:
    """A period's three folders: its delivery (`raw`), its computed tables (`processed`) and
    its reports (`reports`, with owner-only worklists below `restricted/`)."""

    raw: Path
    processed: Path
    reports: Path

    @classmethod
    def of(
        cls, period: str, data_dir: Path | None = None, reports_dir: Path | None = None
    ) -> PeriodFolder:
        """The folders of `period` under the data and reports folders (default: config's),
        as absolute paths: notebooks run in the notebooks folder, and the DuckDB store keeps
        the paths it was built with."""
        root = DataRoot.of(data_dir)
        reports = (Path(reports_dir) if reports_dir else config.REPORTS_DIR).absolute()
        return cls(root.raw / period, root.processed / period, reports / period)

    @classmethod
    def at(cls, processed: Path, reports: Path | None = None) -> PeriodFolder:
        """A folder object around an existing processed folder (its raw folder is the
        sibling `raw/<name>`; its reports folder `reports`, default the configured one)."""
        processed = Path(processed)
        raw = DataRoot(processed.parent.parent).raw / processed.name
        return cls(
            raw, processed, Path(reports) if reports else config.REPORTS_DIR / processed.name
        )

    @property
    def period(self) -> str:
        return self.processed.name

    @property
    def root(self) -> DataRoot:
        """The data folder this period belongs to."""
        return DataRoot(self.processed.parent.parent)

    @property
    def truth(self) -> Path:
        """The synthetic world's ground truth, next to raw/ and processed/ (real data has none)."""
        return self.root.truth / self.period

    def _root(self, a: Artefact) -> Path:
        roots = {"reports": self.reports, "truth": self.truth, "quarters": self.root.processed}
        return roots.get(a.root, self.processed)

    def path(self, key: str) -> Path:
        """Where artefact `key` of this period lives (whether or not it exists yet)."""
        a = artefact(key)
        return self._root(a) / a.file

    def fix_workbook(self, dinas: str) -> Path:
        """A dinas's workbook of rows to fix (`dinas` in file-name form), beside the overview."""
        return self.path("fix_overview").parent / f"perbaikan_{dinas}.xlsx"

    def files(self, key: str) -> list[Path]:
        """The files behind a key, a group name or `delivery`: for an artefact its one path;
        for a group or the delivery, those of its files that exist."""
        if key == DELIVERY:
            return self.delivered_files()
        members = group(key)
        if members:
            return [p for p in map(self.path, members) if p.exists()]
        return [self.path(key)]

    def delivered_files(self) -> list[Path]:
        """Every delivered file (sources.yml and its files, in subfolders too), not the run
        configuration: the stages read their own part of that."""
        if not self.raw.exists():
            return []
        return sorted(
            p
            for p in self.raw.rglob("*")
            if p.is_file() and p.relative_to(self.raw) != Path(RUN_FILE)
        )

    def earlier(self, key: str) -> list[Path]:
        """Artefact `key` in every processed quarter before this one, oldest first."""
        a = artefact(key)
        root = self._root(a)
        return sorted(
            p
            for p in root.parent.glob(f"*/{a.file}")
            if config.PERIOD_RE.match(p.relative_to(root.parent).parts[0])
            and p.relative_to(root.parent).parts[0] < root.name
        )

    @property
    def previous_period(self) -> str:
        """The immediately preceding quarter's name (2025Q1 -> 2024Q4)."""
        return previous(self.period)

    def sibling(self, period: str) -> PeriodFolder:
        """Another period's folders, next to this one's."""
        return PeriodFolder(
            self.raw.parent / period, self.processed.parent / period, self.reports.parent / period
        )

    def previous(self, key: str) -> Path | None:
        """Artefact `key` of the immediately preceding quarter, if that quarter has it. A
        quarter's changes compare with that quarter only, never with an older one."""
        path = self.sibling(self.previous_period).path(key)
        return path if path.exists() else None

    def previous_missing(self, key: str) -> str | None:
        """The preceding quarter's name when it lacks `key` although an older quarter has it
        (the reports then say which quarter is missing instead of comparing)."""
        if self.previous(key) is None and self.earlier(key):
            return self.previous_period
        return None

    def latest_earlier(self, key: str) -> Path | None:
        """Artefact `key` of the latest processed quarter before this one, however far back
        (the linkage model to reuse, the key fingerprint to check)."""
        earlier = self.earlier(key)
        return earlier[-1] if earlier else None

    # --- the run's own files, per stage -----------------------------------------------------

    def stage_marker(self, stage: str) -> Path:
        """Written after all of a stage's outputs: its cache fingerprint."""
        return self.processed / "_stages" / f"{stage}.json"

    def stage_notebook(self, stage: str) -> Path:
        return self.reports / f"{stage}.ipynb"

    def stage_page(self, stage: str) -> Path:
        return self.reports / f"{stage}.html"

    def stage_parameters(self, stage: str) -> Path:
        """The parameters a stage notebook was last rendered with."""
        return self.reports / f".{stage}.params.json"
