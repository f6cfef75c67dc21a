"""What a stage is, as data: each stage package exports one `SPEC` and `stages.SPECS` lists them
in order. The cache, the runner, the CLI, the notebooks' one set-up call and the index are
driven by these specs; adding a stage is one package, one notebook and one line in that list
(or `stages.register` from outside the package)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class StageSpec:
    """One stage.

    - `run`: its computation, `"module:function"` (imported when the stage runs) or a
      callable, called as `run(folder, **settings_sections, **options)`.
    - `reads`, `reads_previous`, `reads_earlier`, `writes`: artefact keys (folder.ARTEFACTS),
      group names or `delivery`. The cache fingerprints the files read: this quarter's, the
      immediately preceding quarter's (`reads_previous`, for changes) and the latest earlier
      quarter's that has one (`reads_earlier`, e.g. a model to reuse). The files written are
      its outputs, discarded when it fails so that no stale table passes for this run's. No
      artefact is written by two stages.
    - `section`: the run configuration section it declares (a dataclass of `sections.py`'s
      kind, next to its code); `settings`: the sections it reads (its own, a registered one,
      or another stage's); `params`: the run options that change its outputs. The sections
      read and the params are its cache fingerprint's parameters.
    - `options`: run options it takes that do not change its outputs (progress bars, engine).
    - `notebook_options`: run options its notebook receives besides the standard parameters.
    - `needs`: stages that must complete first; `last`: rendered after every other page and
      linked first (the summary).
    - `early_page`: its page shows only its own and earlier stages' tables, so the runner
      renders it while the later stages still compute; any other page waits for every table
      (it may show later stages' indicators).
    """

    name: str
    title_id: str
    title_en: str
    run: str | Callable[..., object]
    needs: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    reads_previous: tuple[str, ...] = ()
    reads_earlier: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    section: type | None = None
    settings: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    notebook_options: tuple[str, ...] = ()
    missing_id: str = ""
    missing_en: str = ""
    last: bool = False
    early_page: bool = False

    @property
    def notebook(self) -> str:
        return f"{self.name}.ipynb"

    def function(self) -> Callable[..., object]:
        if callable(self.run):
            return self.run
        module, _, name = self.run.partition(":")
        return getattr(importlib.import_module(module), name)
