"""Output helpers: every file is written to a temporary name and renamed into place, so a
crash never leaves a half-written table that a later run would trust."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def atomic_write(path: Path, write: Callable[[Path], None], mode: int | None = None) -> Path:
    """Call `write(tmp_path)` then rename onto `path` (same folder, so the rename is atomic)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        if mode is None:  # mkstemp creates 0600; ordinary outputs follow the umask
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def write_parquet(df: pd.DataFrame, path: Path, mode: int | None = None) -> Path:
    return atomic_write(path, lambda p: df.to_parquet(p, index=False), mode)


def write_csv(df: pd.DataFrame, path: Path, mode: int | None = None) -> Path:
    """CSV in UTF-8 with a byte-order mark (Excel then reads it as UTF-8), written atomically."""
    return atomic_write(path, lambda t: df.to_csv(t, index=False, encoding="utf-8-sig"), mode)


def write_json(obj: object, path: Path) -> Path:
    text = json.dumps(obj, indent=2, ensure_ascii=False, default=str)
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_checksum(path: Path) -> str:
    """SHA-256 of a file, or "unreadable (...)" when it cannot be opened: fingerprints and the
    run log must not stop at a file that stage 1 reports as a problem."""
    try:
        return sha256_file(path)
    except OSError as exc:
        return f"unreadable ({exc.strerror or type(exc).__name__})"


def restricted_dir(path: Path) -> Path:
    """A folder readable only by its owner (personal data lives here)."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path
