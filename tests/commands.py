"""`lebongbisa` commands for the tests: in a new process as a user types them (`cli`), or in
this process (`here`), which costs no interpreter start and, given running kernels, no kernel
start either. Both return a `subprocess.CompletedProcess`: exit code, stdout, stderr."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

#: the warnings Python's default filters do not print
DEFAULT_IGNORED = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`lebongbisa ARGS` in a new process (with `env`, else this process's environment)."""
    cmd = [sys.executable, "-m", "lebongbisa.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env)


def here(*args: str, env: dict | None = None, kernels=None) -> subprocess.CompletedProcess:
    """`lebongbisa ARGS` in this process, with `env` set meanwhile and the warning filters a
    new process starts with; what it printed, and each warning it raised printed as Python
    would, as a finished process would give them. `kernels`: a `KernelPool` to render with."""
    from lebongbisa import quiet_known_warnings
    from lebongbisa.cli import main

    out, err = io.StringIO(), io.StringIO()
    with (
        pytest.MonkeyPatch.context() as mp,
        warnings.catch_warnings(record=True) as caught,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        for name, value in (env or {}).items():
            mp.setenv(name, value)
        warnings.resetwarnings()  # restored on leaving
        warnings.simplefilter("default")
        for category in DEFAULT_IGNORED:
            warnings.simplefilter("ignore", category)
        quiet_known_warnings()
        code = main(list(args), kernels=kernels)
    shown = [warnings.formatwarning(w.message, w.category, w.filename, w.lineno) for w in caught]
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue() + "".join(shown))


def run_args(data: Path, period: str, pages: str | None = None) -> list[str]:
    """`run PERIOD` on `data`, its reports beside it (data/../reports), only `pages` if given."""
    args = ["run", period, "--data", str(data), "--reports", str(data.parent / "reports")]
    return args + (["--pages", pages] if pages else [])


def run_here(
    data: Path, period: str, env: dict | None = None, pages: str | None = None, kernels=None
) -> subprocess.CompletedProcess:
    """`lebongbisa run PERIOD` on `data` in this process (see `here`)."""
    return here(*run_args(data, period, pages), env=env, kernels=kernels)


def checked(*args: str, kernels=None) -> subprocess.CompletedProcess:
    """`here`, asserting that the command succeeded."""
    done = here(*args, kernels=kernels)
    assert done.returncode == 0, (args, done.stderr[-2000:])
    return done
