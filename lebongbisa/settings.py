"""The run configuration (RAP style): the packaged `data/run.yml`, overridden key by key by the
period's own `data/raw/<period>/run.yml` and by a `--config` file, parsed into typed settings
and validated with errors that name the file, the key and the fix. Each stage's cache includes
only its own section, so changing a setting recomputes exactly the stages that use it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from lebongbisa.config import PACKAGE_DATA_DIR
from lebongbisa.folder import RUN_FILE
from lebongbisa.ingest.errors import InputError, Problem
from lebongbisa.villages.definitions import DesaBinaanSettings
from lebongbisa.workpoor.definitions import Definitions

#: sections added by `register_section` (a new stage's own settings): name -> defaults
EXTRA_SECTIONS: dict[str, dict] = {}


def register_section(name: str, defaults: dict) -> None:
    """Add a section to the run configuration, with its defaults: a period's run.yml or a
    --config file may then set it (unknown keys in it are still errors), and it reaches the
    stages as `settings.extra[name]`."""
    if name in ("report", "link", "working_poor", "desa_binaan"):
        raise ValueError(f"`{name}` is a built-in section")
    EXTRA_SECTIONS[name] = dict(defaults)


@dataclass(frozen=True)
class ReportSettings:
    lang: str = "id"
    min_cell: int = 5


@dataclass(frozen=True)
class LinkSettings:
    threshold: float = 0.95
    review_lower: float = 0.50
    attach_lower: float = 0.80
    review_budget: int = 200  # pairs offered to the officers per quarter
    target_precision: float | None = None  # when set, the threshold is chosen to reach it
    uncertainty_draws: int = 200  # resamplings of the uncertain links for the intervals


@dataclass(frozen=True)
class Settings:
    report: ReportSettings = field(default_factory=ReportSettings)
    link: LinkSettings = field(default_factory=LinkSettings)
    working_poor: Definitions = field(default_factory=Definitions)
    desa_binaan: DesaBinaanSettings = field(default_factory=DesaBinaanSettings)
    sources: tuple[str, ...] = ()  # the files merged, for the manifest and the run log
    extra: dict[str, dict] = field(default_factory=dict)  # registered sections

    @property
    def desa_binaan_weights(self) -> dict[str, float]:
        return self.desa_binaan.weights

    def as_dict(self) -> dict:
        return asdict(self)

    def section(self, name: str) -> object:
        """A run.yml section by name, as the stages receive it (a registered section as its
        dict)."""
        built_in = {
            "report": self.report,
            "link": self.link,
            "working_poor": self.working_poor,
            "desa_binaan": self.desa_binaan,
        }
        if name in built_in:
            return built_in[name]
        if name in self.extra:
            return self.extra[name]
        raise KeyError(f"no run.yml section {name!r}; known: {', '.join([*built_in, *self.extra])}")

    def section_dict(self, name: str) -> dict:
        """A section as plain data (a stage's cache parameters)."""
        s = self.section(name)
        return s if isinstance(s, dict) else asdict(s)


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


def _typed(doc: dict, problems: list[Problem], where: str) -> Settings:
    from lebongbisa.villages.table import FEATURES

    def number(section: str, key: str, cast: type, low: float, high: float):
        value = doc[section][key]
        try:
            v = cast(value)
        except (TypeError, ValueError):
            problems.append(Problem(where, f"`{section}.{key}` is {value!r}, not a number"))
            return cast(0)
        if not low <= v <= high:
            problems.append(Problem(where, f"`{section}.{key}` = {v} is outside {low}–{high}"))
        return v

    report = ReportSettings(
        lang=str(doc["report"]["lang"]), min_cell=number("report", "min_cell", int, 1, 1000)
    )
    if report.lang not in ("id", "en"):
        problems.append(Problem(where, f"`report.lang` is {report.lang!r}", "use id or en"))
    link = LinkSettings(
        threshold=number("link", "threshold", float, 0.5, 1.0),
        review_lower=number("link", "review_lower", float, 0.0, 1.0),
        attach_lower=number("link", "attach_lower", float, 0.0, 1.0),
        review_budget=number("link", "review_budget", int, 0, 100_000),
        target_precision=(
            None
            if doc["link"].get("target_precision") is None
            else number("link", "target_precision", float, 0.5, 1.0)
        ),
        uncertainty_draws=number("link", "uncertainty_draws", int, 0, 10_000),
    )
    if not link.review_lower <= link.attach_lower <= link.threshold:
        problems.append(
            Problem(where, "link settings must satisfy review_lower <= attach_lower <= threshold")
        )
    wp = Definitions(
        poor_max_desil=number("working_poor", "poor_max_desil", int, 1, 10),
        underemployed_hours=number("working_poor", "underemployed_hours", float, 1, 98),
        min_age=number("working_poor", "min_age", int, 10, 20),
    )
    weights = doc["desa_binaan"]["weights"]
    if not isinstance(weights, dict) or not weights:
        problems.append(Problem(where, "`desa_binaan.weights` must map indicators to weights"))
        weights = {}
    for k, v in weights.items():
        if k not in FEATURES:
            problems.append(
                Problem(
                    where,
                    f"`desa_binaan.weights` names an unknown indicator `{k}`",
                    f"use some of: {', '.join(FEATURES)}",
                )
            )
        elif not isinstance(v, int | float) or v < 0:
            problems.append(Problem(where, f"weight of `{k}` must be a number >= 0"))
    desa_binaan = DesaBinaanSettings(
        {k: float(v) for k, v in weights.items()},
        number("desa_binaan", "stability_draws", int, 2, 1000),
    )
    return Settings(report, link, wp, desa_binaan)


def load(
    period_folder: Path | None = None,
    config_file: Path | None = None,
    lang: str | None = None,
    min_cell: int | None = None,
) -> Settings:
    """The packaged defaults, then the period's run.yml, then `config_file`, then the command
    line's `lang` and `min_cell`. Raises InputError listing every problem."""
    default = PACKAGE_DATA_DIR / RUN_FILE
    doc, problems, used = _read(default), [], [str(default)]
    doc |= {name: dict(d) for name, d in EXTRA_SECTIONS.items()}
    layers = [Path(period_folder) / RUN_FILE] if period_folder else []
    layers += [Path(config_file)] if config_file else []
    for path in layers:
        if path.exists() or path == Path(config_file or ""):
            doc = _merge(doc, _read(path), str(path), problems)
            used.append(str(path))
    cli = {k: v for k, v in (("lang", lang), ("min_cell", min_cell)) if v is not None}
    doc["report"] = {**doc["report"], **cli}
    settings = _typed(doc, problems, " + ".join(Path(u).name for u in used))
    if problems:
        raise InputError(problems)
    return Settings(
        settings.report,
        settings.link,
        settings.working_poor,
        settings.desa_binaan,
        tuple(used),
        {name: doc[name] for name in EXTRA_SECTIONS},
    )
