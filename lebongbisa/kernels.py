"""Kernels for rendering pages, reused from page to page and from quarter to quarter.

Starting a kernel and importing pandas, matplotlib and the package costs a few seconds; a
page's own work usually under one. So a kernel, once started, renders page after page and,
before every page, wipes it back to a fresh namespace (`%reset -f`: every variable and
import of the previous page gone; matplotlib figures closed; pandas options back to their
defaults). Modules stay imported, which is the point. A kernel that died is replaced.

The pages stay ordinary parameterized papermill notebooks: an analyst opens and reruns them
in JupyterLab as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from functools import lru_cache
from pathlib import Path

#: run before each page in a reused kernel: what a fresh kernel would look like to the page
RESET = """\
get_ipython().run_line_magic("reset", "-f")
import warnings as _w
import matplotlib.pyplot as _plt
import pandas as _pd
_plt.close("all")
with _w.catch_warnings():
    _w.simplefilter("ignore")
    _pd.reset_option("all")
del _w, _plt, _pd
"""


@lru_cache(maxsize=1)
def _ready_client() -> type:
    """An async kernel client that is ready as soon as the kernel has answered: jupyter_client's
    `wait_for_ready` ends by waiting 0.2 s for IOPub to stay silent, and every page waits for
    two clients (the reset's and papermill's). This one waits instead for the IOPub `idle`
    status of its own `kernel_info` request, which proves the subscription is live and leaves
    nothing of the request on it; a request whose status never comes (IOPub not yet connected)
    is sent again, as jupyter_client does."""
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:  # type: ignore[override]
            deadline = time.monotonic() + (60.0 if timeout is None else timeout)
            while time.monotonic() < deadline:
                request = self.kernel_info()
                try:
                    reply = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    if not await self._async_is_alive():
                        raise RuntimeError("Kernel died before replying to kernel_info") from None
                    continue
                if reply["msg_type"] != "kernel_info_reply":
                    continue
                self._handle_kernel_info_reply(reply)
                if await self._idle_after(request, until=time.monotonic() + 1.0):
                    return
            raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

        async def _idle_after(self, request: str, until: float) -> bool:
            while (left := until - time.monotonic()) > 0:
                try:
                    msg = await self.iopub_channel.get_msg(timeout=left)
                except Empty:
                    return False
                mine = msg["parent_header"].get("msg_id") == request
                if (
                    mine
                    and msg["msg_type"] == "status"
                    and msg["content"]["execution_state"] == "idle"
                ):
                    return True
            return False

    return ReadyClient


def quiet_kernel_manager(log_file: Path) -> type:
    """A kernel manager whose kernels write their stderr (ipykernel's transport warnings,
    "KeyboardInterrupt caught in kernel" at shutdown) to `log_file` instead of the console,
    where a user reads them as errors. Cell errors are in the executed notebook anyway. Its
    clients do not wait for nothing (`_ready_client`)."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import Type

    class QuietKernelManager(AsyncKernelManager):
        client_factory = Type(_ready_client())

        async def _async_start_kernel(self, **kw):  # type: ignore[override]
            with open(log_file, "ab") as fh:
                kw.setdefault("stderr", fh)
                return await super()._async_start_kernel(**kw)

        start_kernel = _async_start_kernel

    return QuietKernelManager


def _environment(env: dict) -> str:
    """Code that gives the kernel `env` as its environment."""
    return f"import os as _os\n_os.environ.clear()\n_os.environ.update({env!r})\ndel _os\n"


async def _reset(km, env: dict) -> None:
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        reply = await kc.execute_interactive(
            RESET + _environment(env), timeout=60, store_history=False, output_hook=lambda m: None
        )
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"could not reset the kernel: {reply['content'].get('evalue')}")
    finally:
        kc.stop_channels()


class KernelPool:
    """Live kernels started in `cwd`, each lent to one page at a time and reset before each
    use; `close` stops them all. Not tied to a thread or a run: `lebongbisa run --all` lends
    the same kernels to every quarter, so a series starts two kernels, not two per quarter.
    Use as a context manager around the rendering. A lent kernel has this process's
    environment as it is when lent, as a kernel started then would."""

    def __init__(self, cwd: Path, kernel_name: str = "python3"):
        self.cwd, self.kernel_name = cwd, kernel_name
        self._idle: list = []
        self._started: list = []
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def kernel(self, log_file: Path):
        """Lend an idle kernel, fresh for the next page, else start one (its stderr goes to
        `log_file`, the log of the run that started it); it is idle again afterwards."""
        with self._lock:
            km = self._idle.pop() if self._idle else None
        if km is not None and asyncio.run(km.is_alive()):
            asyncio.run(_reset(km, dict(os.environ)))
        else:  # none idle, or the idle one died: a new one
            km = quiet_kernel_manager(log_file)(kernel_name=self.kernel_name)
            asyncio.run(km.start_kernel(cwd=str(self.cwd)))
            with self._lock:
                self._started.append(km)
        try:
            yield km
        finally:
            with self._lock:
                self._idle.append(km)

    def close(self) -> None:
        with self._lock:
            started, self._started, self._idle = self._started, [], []
        for km in started:
            with contextlib.suppress(Exception):  # a kernel that is already gone
                asyncio.run(km.shutdown_kernel(now=True))

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
