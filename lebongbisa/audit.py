"""The run log: one JSON line per event in `data/processed/<period>/run_log.jsonl`, appended
by every run, so that months later one can answer "which data produced this report?".

A run writes a `started` line (version, parameters, the raw files with their checksums) before
any stage and a closing line (`ok`, `failed` or `interrupted`) with each stage's status and
time, what was quarantined per source, and the error if any. A run killed outright leaves only
its `started` line, which is itself the record that it never finished. No personal data:
file names, checksums, counts and messages only.
"""

from __future__ import annotations

import getpass
import json
import os
import platform
import socket
import sys
import threading
import time
import uuid
from pathlib import Path

import pandas as pd

from lebongbisa import __version__
from lebongbisa.folder import PeriodFolder, artefact
from lebongbisa.io import file_checksum

LOG_NAME = artefact("run_log").file


def _append(processed: Path, entry: dict) -> None:
    processed.mkdir(parents=True, exist_ok=True)
    line = json.dumps(entry, ensure_ascii=False, default=str) + "\n"
    with open(processed / LOG_NAME, "a", encoding="utf-8") as fh:
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())


def input_files(raw: Path) -> list[dict]:
    """Every delivered file of the period with its size and SHA-256."""
    if not raw.exists():
        return []
    return [
        {"file": p.name, "bytes": p.stat().st_size, "sha256": file_checksum(p)}
        for p in sorted(raw.iterdir())
        if p.is_file()
    ]


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return str(os.getuid())


class RunLog:
    """Context for one run: `start()` then exactly one of `finish()` / `fail()`."""

    def __init__(self, processed: Path, raw: Path, period: str, parameters: dict):
        self.processed, self.raw, self.period = processed, raw, period
        self.parameters = parameters
        self.run_id = uuid.uuid4().hex[:12]
        self.t0 = time.time()
        self.stages: list[dict] = []
        self._closing = threading.Lock()
        self.closed = False

    def start(self) -> None:
        _append(
            self.processed,
            {
                "run_id": self.run_id,
                "event": "started",
                "time": _now(),
                "period": self.period,
                "version": __version__,
                "python": platform.python_version(),
                "host": socket.gethostname(),
                "user": _who(),
                "command": list(sys.argv),
                "parameters": self.parameters,
                "inputs": input_files(self.raw),
            },
        )

    @property
    def path(self) -> Path:
        return self.processed / LOG_NAME

    def stage(
        self,
        name: str,
        status: str,
        compute: float,
        notebook: float = 0.0,
        error: str | None = None,
    ) -> None:
        """A stage's outcome; `error` (a failed stage's traceback) is kept in the log only."""
        entry = {
            "stage": name,
            "status": status,
            "seconds": round(compute + notebook, 2),
            "compute_seconds": round(compute, 2),
            "notebook_seconds": round(notebook, 2),
        }
        if error:
            entry["error"] = error[-8000:]
        self.stages.append(entry)

    def finish(self) -> None:
        self._close("ok")

    def fail(self, exc: BaseException) -> None:
        status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        self._close(status, error=describe(exc)[:4000])

    def interrupt(self, why: str) -> None:
        """Stopped from outside the run: Ctrl-C, or a series ended by another quarter. A run
        whose thread has just ended it (its thread is still returning) keeps its outcome."""
        self._close("interrupted", error=why[:4000])

    def _close(self, status: str, error: str | None = None) -> None:
        """The run's one outcome: the first of finish, fail and interrupt; later ones are
        ignored (the series' thread and the run's own may end it at the same moment)."""
        with self._closing:
            if self.closed:
                return
            self.closed = True
        entry = {
            "run_id": self.run_id,
            "event": status,
            "time": _now(),
            "seconds": round(time.time() - self.t0, 2),
            "stages": self.stages,
            "quarantined": _quarantined(self.processed),
        }
        if error:
            entry["error"] = error
        _append(self.processed, entry)


def describe(exc: BaseException) -> str:
    """An error as the run log records it: its type and message."""
    return f"{type(exc).__name__}: {exc}".strip()


def _quarantined(processed: Path) -> dict:
    """Rows read / accepted / quarantined per source, from the manifest (if stage 1 ran)."""
    try:
        manifest = json.loads(
            PeriodFolder.at(processed).path("manifest").read_text(encoding="utf-8")
        )
    except (OSError, json.JSONDecodeError):
        return {}
    return {
        s["file"]: {k: s.get(k) for k in ("rows_read", "rows_accepted", "rows_quarantined")}
        for s in manifest.get("sources", [])
    }


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def read_run_log(processed: Path) -> pd.DataFrame:
    """One row per run: when it started, how it ended (`running/killed` if it never closed)."""
    path = Path(processed) / LOG_NAME
    if not path.exists():
        return pd.DataFrame(columns=["run_id", "started", "version", "status", "seconds"])
    runs: dict[str, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            e = json.loads(line)
        except json.JSONDecodeError:  # a line cut by a full disk: keep reading
            continue
        r = runs.setdefault(e["run_id"], {"run_id": e["run_id"], "status": "running/killed"})
        if e["event"] == "started":
            r.update(started=e["time"], version=e["version"], inputs=len(e.get("inputs", [])))
        else:
            r.update(status=e["event"], seconds=e.get("seconds"), error=e.get("error"))
    return pd.DataFrame(list(runs.values()))
