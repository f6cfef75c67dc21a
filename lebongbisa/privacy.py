"""Pseudonymous keys (DESIGN.md §5): a keyed hash (HMAC-SHA256) of identifiers.

The key comes from the environment variable `LEBONGBISA_KEY`, else from a key file outside the
repository (`LEBONGBISA_KEY_FILE`, default `~/.config/lebongbisa/key`), created on first use
with owner-only permissions. The same key gives the same pseudonyms every quarter, which
period-over-period tracking depends on; rotating the key breaks that continuity (README).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
from functools import lru_cache
from pathlib import Path

import pandas as pd

KEY_ENV = "LEBONGBISA_KEY"
KEY_FILE_ENV = "LEBONGBISA_KEY_FILE"
DEFAULT_KEY_FILE = Path("~/.config/lebongbisa/key")


class KeyError_(RuntimeError):
    """The pseudonymisation key is missing or unreadable."""


def key_file() -> Path:
    return Path(os.environ.get(KEY_FILE_ENV, DEFAULT_KEY_FILE)).expanduser()


@lru_cache(maxsize=4)
def _load_key(env_value: str | None, path: str) -> bytes:
    if env_value:
        return env_value.encode()
    p = Path(path)
    if not p.exists():
        p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        print(
            f"lebongbisa: created a new pseudonymisation key at {p} (readable only by you). "
            "Keep it: the same key gives the same pseudonyms every quarter.",
            file=sys.stderr,
        )
    try:
        text = p.read_text().strip()
    except OSError as exc:
        raise KeyError_(
            f"cannot read the pseudonymisation key file {p}: {exc.strerror}. "
            f"Fix its permissions or set {KEY_ENV}."
        ) from exc
    if len(text) < 16:
        raise KeyError_(
            f"the key file {p} is too short (at least 16 characters); "
            f"restore it from backup or set {KEY_ENV}."
        )
    return text.encode()


def current_key() -> bytes:
    return _load_key(os.environ.get(KEY_ENV), str(key_file()))


def pseudonymize(values: pd.Series, namespace: str = "nik") -> pd.Series:
    """Keyed hash (16 hex characters) per non-empty value; None stays None."""
    key = current_key() + b"|" + namespace.encode()
    uniq = pd.unique(values.dropna())
    table = {
        v: hmac.new(key, str(v).encode(), hashlib.sha256).hexdigest()[:16] for v in uniq if str(v)
    }
    return values.map(table).astype(object).where(values.notna() & (values.astype(str) != ""), None)
