"""The project installs and runs the same way for pip and conda users and for CI."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(req: str) -> str:
    return req.strip()[len(_name(req)) :].replace(" ", "")


def test_environment_yml_pins_the_same_dependencies_as_pyproject():
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_reqs = py["dependencies"] + py["optional-dependencies"]["test"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [
        d
        for d in env["dependencies"]
        if isinstance(d, str) and _name(d) not in ("python", "pip", "openjdk")
    ]
    assert {_name(r): _spec(r) for r in pip_reqs} == {_name(r): _spec(r) for r in conda}
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme and "make report" in readme
    assert readme.index("make report") < 1500, "the README starts with the two commands"
    assert re.search(r"^make test$", ci, re.M)


def test_village_list_ships_with_its_credit():
    data = ROOT / "lebongbisa" / "data"
    rows = (data / "lebong_villages.csv").read_text().strip().splitlines()
    assert len(rows) == 105  # header + 104 villages
    credits = (data / "CREDITS.md").read_text()
    assert "cahyadsn/wilayah" in credits and "wilayah_boundaries" in credits and "MIT" in credits


def test_generated_folders_are_ignored_by_git():
    ignore = (ROOT / ".gitignore").read_text()
    for folder in ("data/raw/*", "data/processed/*", "data/truth/*", "reports/*", ".venv/"):
        assert folder in ignore


def test_benchmark_results_record_no_machine_path():
    """The recorded figures travel with the project: no home, scratch or checkout folder of
    the machine that measured them."""
    machine_path = re.compile(r"(?<![\w.])/(tmp|home|root|work|Users|var/folders)/")
    found = [
        f"{f.name}:{i}"
        for f in sorted((ROOT / "benchmarks" / "results").glob("*.md"))
        for i, line in enumerate(f.read_text(encoding="utf-8").splitlines(), start=1)
        if machine_path.search(line)
    ]
    assert not found, found
