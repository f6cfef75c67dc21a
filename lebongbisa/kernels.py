"""Kernels for rendering a run's pages: one per rendering thread, reused from page to page.

Starting a kernel and importing pandas, matplotlib and the package costs a few seconds; a
page's own work usually under one. So each rendering thread keeps its kernel for the whole run
and, before every page, wipes it back to a fresh namespace (`%reset -f`: every variable and
import of the previous page gone; matplotlib figures closed; pandas options back to their
defaults). Modules stay imported, which is the point. A kernel that died is replaced.

The pages stay ordinary parameterized papermill notebooks: an analyst opens and reruns them
in JupyterLab as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
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


def quiet_kernel_manager(log_file: Path) -> type:
    """A kernel manager whose kernels write their stderr (ipykernel's transport warnings,
    "KeyboardInterrupt caught in kernel" at shutdown) to `log_file` instead of the console,
    where a user reads them as errors. Cell errors are in the executed notebook anyway."""
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        async def _async_start_kernel(self, **kw):  # type: ignore[override]
            with open(log_file, "ab") as fh:
                kw.setdefault("stderr", fh)
                return await super()._async_start_kernel(**kw)

        start_kernel = _async_start_kernel

    return QuietKernelManager


async def _reset(km) -> None:
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        reply = await kc.execute_interactive(
            RESET, timeout=60, store_history=False, output_hook=lambda msg: None
        )
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"could not reset the kernel: {reply['content'].get('evalue')}")
    finally:
        kc.stop_channels()


class KernelPool:
    """One live kernel per thread (started in `cwd`), reset before each use; `close` stops
    them all. Use as a context manager around a run's rendering."""

    def __init__(self, log_file: Path, cwd: Path, kernel_name: str = "python3"):
        self.log_file, self.cwd, self.kernel_name = log_file, cwd, kernel_name
        self._local = threading.local()
        self._started: list = []
        self._lock = threading.Lock()

    def kernel(self):
        """This thread's kernel, fresh for the next page."""
        km = getattr(self._local, "km", None)
        if km is not None and asyncio.run(km.is_alive()):
            asyncio.run(_reset(km))
            return km
        km = quiet_kernel_manager(self.log_file)(kernel_name=self.kernel_name)
        asyncio.run(km.start_kernel(cwd=str(self.cwd)))
        self._local.km = km
        with self._lock:
            self._started.append(km)
        return km

    def close(self) -> None:
        for km in self._started:
            with contextlib.suppress(Exception):  # a kernel that is already gone
                asyncio.run(km.shutdown_kernel(now=True))
        self._started.clear()

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
