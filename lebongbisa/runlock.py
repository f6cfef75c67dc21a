"""One run per period at a time: an exclusive lock on the period's `run_lock` artefact
(`data/processed/<period>/.run.lock`).

The lock is an OS advisory lock (`flock`), so it is released by the kernel when the process
holding it dies, even by SIGKILL: a crashed run never blocks the next one. The file records
who holds the lock, for the message a second run prints.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class PeriodLocked(RuntimeError):
    """Another run of the same period holds the lock."""


@contextmanager
def period_lock(path: Path, period: str, wait: float = 0.0) -> Iterator[Path]:
    """Hold the period's lock (file `path`) for the duration of the block.

    `wait` seconds are spent retrying before giving up with PeriodLocked (0: stop at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise PeriodLocked(_held_message(path, period)) from None
                time.sleep(0.5)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(_holder()).encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing releases the lock


def _holder() -> dict:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def _held_message(path: Path, period: str) -> str:
    try:
        who = json.loads(path.read_text() or "{}")
    except (OSError, json.JSONDecodeError):
        who = {}
    by = (
        f" (process {who.get('pid')} on {who.get('host')}, since {who.get('since')})"
        if who.get("pid")
        else ""
    )
    return (
        f"another run of {period} is in progress{by}. Wait for it to finish, or pass "
        "--wait SECONDS to wait for it; the lock frees itself if that process dies."
    )
