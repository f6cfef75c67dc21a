"""The package's import layers: a module imports only from its own layer or the layers below
(foundations, cleaning, the stages in run order, orchestration, entry points), and no import
circle exists. Function-local imports count too: hiding an import in a function does not make
it run down."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "lebongbisa"

#: lowest first; a unit is a top-level module or a subpackage of `lebongbisa`, or one module
#: of a subpackage named in full
LAYERS: list[tuple[str, set[str]]] = [
    (
        "foundations",
        {
            "__init__",
            "config",
            "errors",
            "period",
            "sections",
            "io",
            "flags",
            "gazetteer",
            "boundaries",
            "kinds",
            "schemas",
            "i18n",
            "folder",
            "privacy",
            "restricted",
            "runlock",
            "audit",
            "stagespec",
            "targeting_rules",
            "verification",
            "indicators",
            "store",
        },
    ),
    ("cleaning", {"clean", "ingest"}),
    ("linkage", {"link"}),
    ("targeting", {"targeting"}),
    ("working poor", {"workpoor"}),
    ("villages", {"villages"}),
    ("series", {"series"}),
    ("report", {"report"}),
    ("briefs", {"briefs"}),
    ("orchestration", {"settings", "stages", "page", "kernels", "runner"}),
    ("entry points and tools", {"cli", "__main__", "synth", "contracts", "templates"}),
]
LEVEL = {unit: i for i, (_, units) in enumerate(LAYERS) for unit in units}


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(rel.parts).removesuffix(".__init__")


def import_edges() -> dict[str, set[str]]:
    """module -> the lebongbisa modules it imports (anywhere in the file)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        here = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module == "lebongbisa":
                    edges[here] |= {f"lebongbisa.{a.name}" for a in node.names}
                elif node.module.startswith("lebongbisa."):
                    edges[here].add(node.module)
            elif isinstance(node, ast.Import):
                edges[here] |= {a.name for a in node.names if a.name.startswith("lebongbisa.")}
    return edges


def _unit_of(module: str) -> str:
    """The layer unit of a module: `lebongbisa.link.stage` -> `link`; a name imported from
    the package itself (`from lebongbisa import __version__`) -> `__init__`."""
    part = module.split(".")[1] if "." in module else "__init__"
    exists = (PACKAGE / f"{part}.py").exists() or (PACKAGE / part).is_dir()
    return part if exists else "__init__"


def upward_imports() -> list[str]:
    """Every import of a unit from a higher layer, as `module -> imported (layer -> layer)`."""
    found = []
    for here, targets in sorted(import_edges().items()):
        for target in sorted(targets):
            a, b = _unit_of(here), _unit_of(target)
            if LEVEL[b] > LEVEL[a]:
                found.append(f"{here} -> {target} ({LAYERS[LEVEL[a]][0]} -> {LAYERS[LEVEL[b]][0]})")
    return found


def unit_cycles() -> list[list[str]]:
    """Circles between units (a package importing another that imports it back)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for here, targets in import_edges().items():
        graph[_unit_of(here)] |= {_unit_of(t) for t in targets} - {_unit_of(here)}
    cycles, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return cycles


def test_every_unit_of_the_package_has_a_layer():
    units = {_unit_of(m) for m in import_edges()} | {
        p.stem if p.is_file() else p.name
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" or (p / "__init__.py").exists())
    }
    assert units - set(LEVEL) == set()


def test_no_import_runs_back_up_a_layer():
    assert upward_imports() == []


def test_no_import_circle_between_packages():
    assert unit_cycles() == []


def test_the_layer_check_sees_an_upward_import(monkeypatch):
    """The check itself can fail: a foundation module importing a stage is found."""
    real = import_edges()
    fake = {**real, "lebongbisa.io": {"lebongbisa.link.stage"}}
    monkeypatch.setitem(globals(), "import_edges", lambda: fake)
    assert upward_imports() == ["lebongbisa.io -> lebongbisa.link.stage (foundations -> linkage)"]
    assert any("io" in c and "link" in c for c in unit_cycles())
