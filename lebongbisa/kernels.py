"""Kernels for rendering pages, reused from page to page and from quarter to quarter.

Starting a kernel and importing pandas, matplotlib and the package costs a few seconds; a
page's own work usually under one. So a kernel, once started, renders page after page and,
before every page, wipes it back to a fresh namespace (`%reset -f`: every variable and
import of the previous page gone; matplotlib figures closed; pandas options back to their
defaults). Modules stay imported, which is the point. A kernel that died is replaced.
A run starts its kernels as soon as a stage computes (`KernelPool.warm`): they import what
the notebooks import while the stages run, so no page waits for a kernel to start.

The pages stay ordinary parameterized papermill notebooks: an analyst opens and reruns them
in JupyterLab as before.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import json
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


def page_modules(notebooks: Path) -> list[str]:
    """The modules the notebooks in `notebooks` import (`from a.b import c` names `a.b.c`,
    which may be a module or a name in `a.b`), sorted: what a warm kernel imports ahead."""
    found: set[str] = set()
    for path in sorted(Path(notebooks).glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            try:
                tree = ast.parse("".join(cell.get("source", "")))
            except SyntaxError:  # IPython magics: not Python
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found |= {a.name for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found |= {f"{node.module}.{a.name}" for a in node.names}
    return sorted(found)


def _warm_up(modules: list[str]) -> str:
    """Code that imports `modules` in a new kernel (a name that is no module: its parent; a
    module that fails to import is left to fail in its page, as it would have), draws one
    figure, and moves everything then alive out of the garbage collector's reach
    (`gc.freeze`): the imports and the first figure happen while the kernel waits for its
    first page, and each later full collection (one at every reset, more as a page runs)
    skips the libraries' own objects."""
    return f"""\
def _warm(names):
    import gc, importlib, io
    for name in names:
        for module in (name, name.rpartition(".")[0]):
            try:
                importlib.import_module(module)
                break
            except Exception:
                continue
    import matplotlib.pyplot as plt
    fig = plt.figure()
    fig.savefig(io.BytesIO(), format="png")
    plt.close("all")
    gc.collect()
    gc.freeze()
_warm({modules!r})
del _warm
"""


def _environment(env: dict) -> str:
    """Code that gives the kernel `env` as its environment."""
    return f"import os as _os\n_os.environ.clear()\n_os.environ.update({env!r})\ndel _os\n"


async def _execute(km, code: str, what: str, timeout: float = 60) -> None:
    """Run `code` in the kernel of `km`, its output discarded; raises if it fails."""
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        reply = await kc.execute_interactive(
            code, timeout=timeout, store_history=False, output_hook=lambda m: None
        )
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"could not {what} the kernel: {reply['content'].get('evalue')}")
    finally:
        kc.stop_channels()


async def _reset(km, env: dict) -> None:
    await _execute(km, RESET + _environment(env), "reset")


class KernelPool:
    """Live kernels started in `cwd`, each lent to one page at a time and reset before each
    use; `close` stops them all. Not tied to a thread or a run: `lebongbisa run --all` lends
    the same kernels to every quarter, so a series starts two kernels, not two per quarter.
    Use as a context manager around the rendering. A lent kernel has this process's
    environment as it is when lent, as a kernel started then would.

    `warm` starts kernels ahead, while the stages compute, with the notebooks' imports done."""

    def __init__(self, cwd: Path, kernel_name: str = "python3"):
        self.cwd, self.kernel_name = cwd, kernel_name
        self._idle: list = []
        self._started: list = []
        self._warming = 0  # kernels being started by `warm`, to be idle when warm
        self._starting = 0  # kernels being started for a page that found none idle
        self._closed = False
        self._changed = threading.Condition()

    def warm(self, kernels: int, log_file: Path) -> None:
        """Start kernels, in a thread of their own, until the pool has `kernels`, each with the
        modules of `cwd`'s notebooks imported (`_warm_up`); a page asking for a kernel
        meanwhile waits for one of them. A kernel that fails to warm is stopped: the page
        that needed it starts one as before."""
        with self._changed:
            todo = kernels - len(self._started) - self._warming - self._starting
            if self._closed or todo <= 0:
                return
            self._warming += todo
        code = _warm_up(page_modules(self.cwd))
        threading.Thread(target=self._warm, args=(todo, code, log_file), daemon=True).start()

    def _warm(self, todo: int, code: str, log_file: Path) -> None:
        for _ in range(todo):
            km = None
            try:
                km = self._start(log_file)
                asyncio.run(_execute(km, code, "warm up", timeout=300))
            except Exception:  # stopped by `close`, or the warm-up failed: stopped, not lent
                if km is not None:
                    self._stop(km)
                km = None
            with self._changed:
                self._warming -= 1
                if km is not None and not self._closed:
                    self._idle.append(km)
                self._changed.notify_all()

    def _stop(self, km) -> None:
        with self._changed:
            if km in self._started:
                self._started.remove(km)
        with contextlib.suppress(Exception):  # a kernel that is already gone
            asyncio.run(km.shutdown_kernel(now=True))

    def _start(self, log_file: Path):
        """A new kernel, counted as started (`close` stops it), unless the pool is closed."""
        km = quiet_kernel_manager(log_file)(kernel_name=self.kernel_name)
        asyncio.run(km.start_kernel(cwd=str(self.cwd)))
        with self._changed:
            closed = self._closed
            if not closed:
                self._started.append(km)
        if closed:
            asyncio.run(km.shutdown_kernel(now=True))
            raise RuntimeError("the kernel pool is closed")
        return km

    @contextlib.contextmanager
    def kernel(self, log_file: Path):
        """Lend an idle kernel, fresh for the next page (waiting for one `warm` is starting),
        else start one (its stderr goes to `log_file`, the log of the run that started it);
        it is idle again afterwards."""
        with self._changed:
            self._changed.wait_for(lambda: self._idle or not self._warming)
            km = self._idle.pop() if self._idle else None
            self._starting += km is None
        if km is not None and not asyncio.run(km.is_alive()):  # the idle one died: forgotten
            with self._changed:
                self._starting += 1
            self._stop(km)
            km = None
        if km is None:  # a new one
            try:
                km = self._start(log_file)
            finally:
                with self._changed:
                    self._starting -= 1
        else:
            asyncio.run(_reset(km, dict(os.environ)))
        try:
            yield km
        finally:
            with self._changed:
                self._idle.append(km)
                self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            started, self._idle = list(self._started), []
            self._changed.notify_all()
        for km in started:
            self._stop(km)

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
