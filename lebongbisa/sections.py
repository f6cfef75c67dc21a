"""A run.yml section as a typed value, declared next to the code that reads it.

A section is a frozen dataclass with a `NAME`; each field is declared with `setting(default,
...)`, so its default, its range and its one-line help are written once, there. The stage
packages declare theirs (`link/definitions.py`, `targeting/definitions.py`, ...) and name them
in their spec; `settings.load` receives the declared sections and imports no stage package.
The report section, read by the runner and the pages, is declared here.
"""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any, ClassVar

from lebongbisa.errors import Problem


def setting(
    default: Any,
    help: str,
    low: float | None = None,
    high: float | None = None,
    choices: tuple[str, ...] = (),
    cast: type | None = None,
) -> Any:
    """A field of a section: its default, a one-line help for run.yml, and its checks (a
    number between `low` and `high`, or one of `choices`). `cast` is the value's type when
    the default does not show it (an optional number: `None` by default)."""
    meta = {"help": help, "low": low, "high": high, "choices": choices}
    meta["cast"] = cast or (type(default) if default is not None else None)
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class ReportSettings:
    """How pages are published (read by the runner, every page and the summary)."""

    NAME: ClassVar[str] = "report"
    lang: str = setting("id", "id (Bahasa Indonesia) or en", choices=("id", "en"))
    min_cell: int = setting(5, "publish no count below this many households", 1, 1000)


def defaults(section: type) -> dict:
    """The section's defaults as run.yml holds them."""
    return {f.name: _default(f) for f in fields(section)}


def _default(f) -> Any:
    return f.default_factory() if f.default is MISSING else f.default


def parse(section: type, doc: dict, where: str, problems: list[Problem]) -> Any:
    """The section from its merged run.yml values, each checked; what is wrong is added to
    `problems` (naming `where`, the key and the fix) and the default is used meanwhile."""
    values = {}
    for f in fields(section):
        key, meta = f"{section.NAME}.{f.name}", f.metadata
        value = doc.get(f.name, _default(f))
        if value is None or meta["cast"] in (None, dict):
            values[f.name] = value
            continue
        if meta["choices"]:
            if value not in meta["choices"]:
                problems.append(
                    Problem(where, f"`{key}` is {value!r}", f"use {' or '.join(meta['choices'])}")
                )
                value = _default(f)
            values[f.name] = value
            continue
        try:
            v = meta["cast"](value)
        except (TypeError, ValueError):
            problems.append(Problem(where, f"`{key}` is {value!r}, not a number"))
            v = _default(f)
        low, high = meta["low"], meta["high"]
        if low is not None and not low <= v <= high:
            problems.append(Problem(where, f"`{key}` = {v} is outside {low}–{high}"))
        values[f.name] = v
    value = section(**values)
    check = getattr(value, "check", None)
    problems += [Problem(where, text) for text in (check() if check else [])]
    return value


def as_dict(value: Any) -> dict:
    """A section as plain data (a stage's cache parameters); a registered one is a dict."""
    return value if isinstance(value, dict) else asdict(value)


def run_yml(sections: list[type], header: str) -> str:
    """The packaged run.yml, written from the sections: every key, its default and its help."""
    lines = [header.rstrip(), ""] if header else []
    for section in sections:
        lines.append(f"{section.NAME}:")
        for f in fields(section):
            value = _default(f)
            if isinstance(value, dict):
                lines.append(f"  {f.name}:  # {f.metadata['help']}")
                lines += [f"    {k}: {_yaml(v)}" for k, v in value.items()]
            else:
                lines.append(f"  {f.name}: {_yaml(value)}  # {f.metadata['help']}")
    return "\n".join(lines) + "\n"


def _yaml(value: Any) -> str:
    return "null" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
