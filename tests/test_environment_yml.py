"""environment.yml (conda, Binder) installs the same kit as pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.fixture(scope="module")
def files() -> tuple[dict, dict, list[str], list[str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return env, project, conda, pip


def _spec(line: str) -> tuple[str, str]:
    line = line.split("#")[0].strip()
    name = re.split(r"[=<>!~ \[;]", line)[0]
    rest = line[len(name) :].strip()
    # conda writes a single "=" for an exact pin; pip "=="
    if re.fullmatch(r"=[^=].*", rest):
        rest = "=" + rest
    return _norm(name), rest


def test_conda_forge_is_the_only_channel(files):
    env, _, _, _ = files
    assert env["channels"] == ["conda-forge"]


def test_the_kit_itself_is_installed_editable_by_pip(files):
    _, _, conda, pip = files
    assert "-e ." in pip
    assert "pip" in {_spec(d)[0] for d in conda}


def test_python_pin_satisfies_requires_python(files):
    _, project, conda, _ = files
    pins = [m.group(1) for d in conda if (m := re.fullmatch(r"python=([\d.]+)", d.split("#")[0].strip()))]
    assert pins, "write python=X.Y: repo2docker reads only that form"
    assert pins[0] in SpecifierSet(project["requires-python"])


def test_every_runtime_dependency_is_listed_with_the_same_version_range(files):
    _, project, conda, pip = files
    listed = dict(_spec(d) for d in conda + pip if not d.startswith("-"))
    for requirement in map(Requirement, project["dependencies"]):
        name = _norm(requirement.name)
        assert name in listed, f"{requirement.name} is in pyproject.toml but not in environment.yml"
        assert SpecifierSet(listed[name]) == requirement.specifier, (
            f"{requirement.name}: environment.yml says {listed[name]!r}, "
            f"pyproject.toml {str(requirement.specifier)!r}"
        )


def test_nothing_in_environment_yml_is_missing_from_pyproject(files):
    _, project, conda, pip = files
    declared = {_norm(Requirement(r).name) for r in project["dependencies"]} | {"python", "pip"}
    extra = [d for d in conda + pip if not d.startswith("-") and _spec(d)[0] not in declared]
    assert not extra, f"in environment.yml but not a runtime dependency in pyproject.toml: {extra}"
