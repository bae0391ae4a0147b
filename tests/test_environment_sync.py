"""environment.yml (conda users) and pyproject.toml (pip) must list the same dependencies."""

import re
import tomllib

import yaml

from finsam_analysis.data import paths


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _spec(requirement: str) -> str:
    return requirement.replace(" ", "").lower()


def test_environment_yml_matches_pyproject():
    pyproject = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pip_deps = {_name(d): _spec(d) for d in pyproject["project"]["dependencies"]}
    env = yaml.safe_load((paths.PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda_deps = {
        _name(d): _spec(d) for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip"))
    }
    assert conda_deps == pip_deps


def test_environment_yml_python_matches_requires_python():
    pyproject = tomllib.loads((paths.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    env = yaml.safe_load((paths.PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert python.replace("python", "") == pyproject["project"]["requires-python"]
