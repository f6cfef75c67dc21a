"""Pseudonymous keys (README, "Privacy"): a keyed hash (HMAC-SHA256) of identifiers.

The key comes from the environment variable `LEBONGBISA_KEY`, else from a key file outside the
repository (`LEBONGBISA_KEY_FILE`, default `~/.config/lebongbisa/key`), created on first use
with owner-only permissions. The same key gives the same pseudonyms every quarter, which
period-over-period tracking depends on; rotating the key breaks that continuity (README).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from lebongbisa.folder import DataRoot, artefact

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


def fingerprint(key: bytes | None = None) -> str:
    """A short public fingerprint of the key (a keyed hash of a fixed text, never the key):
    recorded in each period's manifest so a run can tell that its key changed."""
    key = current_key() if key is None else key
    return hmac.new(key, b"lebongbisa key fingerprint", hashlib.sha256).hexdigest()[:16]


def key_source() -> str:
    """Where the current key comes from, in words."""
    return f"the environment variable {KEY_ENV}" if os.environ.get(KEY_ENV) else str(key_file())


def export_key(dest: Path) -> Path:
    """Write the current key to `dest` (owner-only; never over an existing file)."""
    dest = Path(dest).expanduser()
    key = current_key()
    if dest.exists():
        raise KeyError_(f"{dest} already exists; choose another file name (nothing was written)")
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key + b"\n")
    return dest


def import_key(src: Path, replace: bool = False) -> tuple[Path, str, Path | None]:
    """Install the key in `src` as this machine's key file; returns (key file, fingerprint,
    backup of a replaced different key). A different existing key is kept as a backup and
    replaced only with `replace`."""
    src = Path(src).expanduser()
    try:
        text = src.read_text().strip()
    except OSError as exc:
        raise KeyError_(f"cannot read {src}: {exc.strerror}") from exc
    if len(text) < 16:
        raise KeyError_(f"{src} does not hold a key (at least 16 characters)")
    target = key_file()
    backup = None
    if target.exists():
        old = target.read_text().strip()
        if old == text:
            return target, fingerprint(text.encode()), None
        if not replace:
            raise KeyError_(
                f"{target} already holds a different key (fingerprint "
                f"{fingerprint(old.encode())}); add --replace to replace it (it is kept as a "
                "backup beside it)"
            )
        backup = target.with_name(f"{target.name}.replaced-{int(os.path.getmtime(target))}")
        os.replace(target, backup)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text + "\n")
    _load_key.cache_clear()
    return target, fingerprint(text.encode()), backup


class KeyChanged(KeyError_):
    """The key differs from the one that processed a quarter of the data folder."""


class KeyMissing(KeyError_):
    """No key on this machine, but the data folder holds quarters processed with one."""


_FIX = (
    "Import the key used before — `lebongbisa key export FILE` on the machine that has it, "
    "then `lebongbisa key import FILE` here — or, to change keys on purpose, run "
    "`lebongbisa run {period} --rotate-key`, which reprocesses every quarter with this key."
)


def recorded_fingerprints(root: DataRoot) -> dict[str, str]:
    """The key fingerprint each processed quarter's manifest records, by quarter."""
    out = {}
    manifest = artefact("manifest").file
    for m in sorted(root.processed.glob(f"*/{manifest}")):
        try:
            fp = json.loads(m.read_text(encoding="utf-8")).get("key_fingerprint")
        except (OSError, ValueError):
            continue
        if fp:
            out[m.parent.name] = fp
    return out


def has_key() -> bool:
    """A key is set in the environment or this machine has a key file."""
    return bool(os.environ.get(KEY_ENV)) or key_file().exists()


def start_rotation(root: DataRoot) -> None:
    """Record (artefact `key_rotation`) that the quarters are being reprocessed with the
    current key on purpose: those not yet reprocessed keep the old key's fingerprint until
    their turn."""
    path = root.path("key_rotation")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"key_fingerprint": fingerprint()}))


def rotating(root: DataRoot) -> bool:
    """A key rotation was started in this data folder and not finished."""
    return root.path("key_rotation").exists()


def finish_rotation(root: DataRoot) -> None:
    root.path("key_rotation").unlink(missing_ok=True)


def _rotating_to(root: DataRoot) -> str | None:
    try:
        text = root.path("key_rotation").read_text()
        return json.loads(text).get("key_fingerprint")
    except (OSError, ValueError):
        return None


def check_key_continuity(root: DataRoot, period: str) -> None:
    """Stop before anything is written (and before a key is created) when this machine's key
    is not the key that processed the quarters in the data folder (`data/processed`), the
    quarter's own included: new pseudonyms would silently break every series.

    A machine without any key may create one only for a data folder with nothing processed.
    While `--rotate-key` runs (`start_rotation`), quarters still under the old key pass."""
    recorded = recorded_fingerprints(root)
    fix = _FIX.format(period=period)
    if not has_key():
        if recorded:
            raise KeyMissing(
                f"this machine has no pseudonymisation key ({key_source()} does not exist), "
                f"but the quarters processed in this data folder ({', '.join(recorded)}) used "
                f"one (fingerprint {next(iter(recorded.values()))}). A new key would give "
                "every person and "
                f"household new pseudonyms and break the series. {fix}"
            )
        return
    now = fingerprint()
    if _rotating_to(root) == now:
        return
    other = {q: fp for q, fp in recorded.items() if fp != now}
    if other:
        q, fp = next(iter(other.items()))
        raise KeyChanged(
            f"the pseudonymisation key here (fingerprint {now}, from {key_source()}) is not "
            f"the key that processed {q} (fingerprint {fp})"
            + (f" and {len(other) - 1} other quarter(s)" if len(other) > 1 else "")
            + ". With another key every person and household gets new pseudonyms and "
            f"comparisons between quarters break. {fix}"
        )


def pseudonymize(values: pd.Series, namespace: str = "nik") -> pd.Series:
    """Keyed hash (16 hex characters) per non-empty value; None stays None."""
    key = current_key() + b"|" + namespace.encode()
    codes, uniq = pd.factorize(values, sort=False)  # missing values get code -1
    keyed = np.array(  # uniq as a list: walking pandas' Arrow strings one by one is slow
        [
            hmac.digest(key, text.encode(), "sha256").hex()[:16] if (text := str(v)) else None
            for v in uniq.tolist()
        ]
        + [None],
        dtype=object,
    )
    return pd.Series(keyed[codes], index=values.index, dtype=object)
