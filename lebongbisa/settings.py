"""The run configuration (RAP style): the declared sections' defaults, overridden key by key by
the period's own `data/raw/<period>/run.yml` and by a `--config` file, parsed into typed
sections and validated with errors that name the file, the key and the fix.

The sections are declared next to the code that reads them (`sections.py` explains how) and
handed to `load` by the caller (`stages.load_settings` passes every stage's); this module
imports no stage package. Each stage's cache includes only the sections it reads, so changing
a setting recomputes exactly the stages that use it. The packaged `data/run.yml` is written
from the same declarations (`write_run_yml`) and documents every key.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lebongbisa import sections as sec
from lebongbisa.config import PACKAGE_DATA_DIR
from lebongbisa.errors import InputError, Problem
from lebongbisa.folder import RUN_FILE

#: sections added by `register_section` (a new stage's own settings): name -> defaults
EXTRA_SECTIONS: dict[str, dict] = {}

RUN_YML_HEADER = """\
# The run configuration: every setting a user may change without touching code. A period's own
# data/raw/<period>/run.yml, then a file given with `lebongbisa run --config FILE`, override
# these key by key; `--lang` and `--min-cell` override the report section. Each stage is
# recomputed when a section it reads changes (and only then). Written from the sections the
# code declares (lebongbisa/sections.py): change a default there, then run
# `python -m lebongbisa.contracts`."""


def register_section(name: str, defaults: dict) -> None:
    """Add a section to the run configuration, with its defaults: a period's run.yml or a
    --config file may then set it (unknown keys in it are still errors), and it reaches the
    stages as `settings.extra[name]`."""
    if name in (sec.ReportSettings.NAME, "link", "targeting", "working_poor", "desa_binaan"):
        raise ValueError(f"`{name}` is a built-in section")
    EXTRA_SECTIONS[name] = dict(defaults)


@dataclass(frozen=True)
class Settings:
    """The parsed sections by name (`settings.link`, `settings.section("link")`), the files
    merged (for the manifest and the run log) and the registered sections as dicts."""

    sections: dict[str, object] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    extra: dict[str, dict] = field(default_factory=dict)

    def __getattr__(self, name: str) -> object:
        try:
            return self.__dict__["sections"][name]
        except KeyError:
            raise AttributeError(name) from None

    def as_dict(self) -> dict:
        """Every section as plain data, with the files merged (the run log)."""
        out = {name: sec.as_dict(v) for name, v in self.sections.items()}
        return out | {"sources": list(self.sources), "extra": self.extra}

    @property
    def desa_binaan_weights(self) -> dict[str, float]:
        return self.section("desa_binaan").weights

    def section(self, name: str) -> object:
        """A run.yml section by name, as the stages receive it (a registered section as its
        dict)."""
        if name in self.sections:
            return self.sections[name]
        if name in self.extra:
            return self.extra[name]
        known = ", ".join([*self.sections, *self.extra])
        raise KeyError(f"no run.yml section {name!r}; known: {known}")

    def section_dict(self, name: str) -> dict:
        """A section as plain data (a stage's cache parameters)."""
        return sec.as_dict(self.section(name))


def _read(path: Path) -> dict:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise InputError([Problem(str(path), f"cannot be read ({exc.strerror})")]) from exc
    except yaml.YAMLError as exc:
        raise InputError([Problem(str(path), f"not valid YAML ({exc})")]) from exc
    if not isinstance(doc, dict):
        raise InputError([Problem(str(path), "expected sections such as `report:` and `link:`")])
    return doc


def _moved(doc: dict, declared: list[type], where: str) -> dict:
    """Keys that moved to another section, read from where they were, with a warning that
    names the new place (a user's run.yml keeps working)."""
    for section in declared:
        for old, key in getattr(section, "MOVED", {}).items():
            old_section, old_key = old.split(".")
            if isinstance(doc.get(old_section), dict) and old_key in doc[old_section]:
                value = doc[old_section].pop(old_key)
                doc.setdefault(section.NAME, {}).setdefault(key, value)
                warnings.warn(
                    f"{where}: `{old}` has moved to `{section.NAME}.{key}`; "
                    "write it there (the old place is read for now)",
                    FutureWarning,
                    stacklevel=3,
                )
    return doc


def _merge(base: dict, over: dict, where: str, problems: list[Problem]) -> dict:
    """`over` on top of `base`, key by key; unknown keys are problems (a typo must not be
    silently ignored). The Desa Binaan weights are replaced as a whole."""
    out = dict(base)
    for key, value in over.items():
        if key not in base:
            problems.append(
                Problem(where, f"unknown setting `{key}`", f"use one of: {', '.join(base)}")
            )
        elif isinstance(base[key], dict) and key != "weights":
            if not isinstance(value, dict):
                problems.append(Problem(where, f"`{key}` must be a section of settings"))
            else:
                out[key] = _merge(base[key], value, f"{where} ({key})", problems)
        else:
            out[key] = value
    return out


def load(
    period_folder: Path | None = None,
    config_file: Path | None = None,
    lang: str | None = None,
    min_cell: int | None = None,
    declared: list[type] = (),
) -> Settings:
    """The declared sections' defaults (the report section always), then the period's run.yml,
    then `config_file`, then the command line's `lang` and `min_cell`. Raises InputError
    listing every problem."""
    declared = [sec.ReportSettings, *(s for s in declared if s is not sec.ReportSettings)]
    doc = {s.NAME: sec.defaults(s) for s in declared}
    doc |= {name: dict(d) for name, d in EXTRA_SECTIONS.items()}
    problems: list[Problem] = []
    used = ["defaults"]
    layers = [Path(period_folder) / RUN_FILE] if period_folder else []
    layers += [Path(config_file)] if config_file else []
    for path in layers:
        if path.exists() or path == Path(config_file or ""):
            over = _moved(_read(path), declared, str(path))
            doc = _merge(doc, over, str(path), problems)
            used.append(str(path))
    cli = {k: v for k, v in (("lang", lang), ("min_cell", min_cell)) if v is not None}
    doc[sec.ReportSettings.NAME] |= cli
    where = " + ".join(Path(u).name for u in used)
    parsed = {s.NAME: sec.parse(s, doc[s.NAME], where, problems) for s in declared}
    if problems:
        raise InputError(problems)
    return Settings(parsed, tuple(used), {name: doc[name] for name in EXTRA_SECTIONS})


def write_run_yml(declared: list[type], path: Path = PACKAGE_DATA_DIR / RUN_FILE) -> str:
    """Write the packaged run.yml from the declared sections; returns its text."""
    text = sec.run_yml([sec.ReportSettings, *declared], RUN_YML_HEADER)
    path.write_text(text, encoding="utf-8")
    return text
