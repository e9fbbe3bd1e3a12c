"""Promises about the project itself: dependencies in sync, notebooks fit to commit."""

import json
import re
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _normalise(requirement):
    req = Requirement(requirement)
    name = re.sub(r"[-_.]+", "-", req.name).lower()
    return name, str(req.specifier), str(req.marker or "")


def test_environment_yml_installs_what_pyproject_declares():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section, "environment.yml must install the vaelearn package itself"
    mirrored = [r for r in pip_section if r != "-e ."]
    assert sorted(map(_normalise, mirrored)) == sorted(map(_normalise, declared))
    assert "python=3.11" in env["dependencies"]


def test_there_is_a_notebook_per_section():
    stems = [nb.stem for nb in NOTEBOOKS]
    assert stems and stems[0] == "00_welcome"
    assert [s[:2] for s in stems] == [f"{i:02d}" for i in range(len(stems))], stems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_clean_with_goals_asserts_and_its_quiz(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    markdown = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    sources = ["".join(c["source"]) for c in code]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code), \
        f"{path.name} has outputs: clear them before committing"
    assert any(re.search(r"^\s*assert ", s, re.M) for s in sources), f"{path.name} checks no claim"
    assert "vl.exercises.check(" in "".join(sources) or "exercises.check(" in "".join(sources), \
        f"{path.name} has no auto-checked exercise"
    quizzes = re.findall(r"quiz\.load\(\"([\w-]+)\"\)", sources[-1]) + re.findall(
        r"quiz\.load\(\"([\w-]+)\"\)", "".join(sources))
    assert quizzes, f"{path.name} does not show a quiz"
    for name in quizzes:
        assert (ROOT / "quizzes" / f"{name}.yaml").is_file(), f"{path.name}: no quizzes/{name}.yaml"
    assert re.search(r"you will|learning goals", markdown, re.I), f"{path.name} states no goals"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_random_choice_in_a_notebook_follows_vaelearn_seed(path):
    code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                     if c["cell_type"] == "code")
    assert "SEED = vl.seed()" in code, f"{path.name} does not read VAELEARN_SEED"
    fixed = re.findall(r"(?:seed|random_state)\s*=\s*\d+|default_rng\(\s*\d+\s*\)", code)
    assert not fixed, f"{path.name} fixes a random choice instead of deriving it from SEED: {fixed}"

def test_every_public_module_declares_all_and_its_names_exist():
    import importlib
    import pkgutil

    import vaelearn

    for info in pkgutil.walk_packages(vaelearn.__path__, "vaelearn."):
        # Exercise modules only register reference solutions; bundled/ holds course files.
        if info.name.startswith(("vaelearn.exercises.", "vaelearn.bundled")) or \
                info.name == "vaelearn.classroom":
            continue
        module = importlib.import_module(info.name)
        assert hasattr(module, "__all__"), f"{info.name} has no __all__"
        missing = [name for name in module.__all__ if not hasattr(module, name)]
        assert not missing, f"{info.name}.__all__ names missing {missing}"
