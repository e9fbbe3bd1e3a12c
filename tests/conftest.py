from pathlib import Path

import pytest

import vaelearn.data

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def digits():
    """The bundled 8x8 digits, loaded once."""
    return vaelearn.data.load("digits")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """Every test gets a fresh learner home and dataset cache, never the real ones."""
    monkeypatch.setenv("VAELEARN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VAELEARN_DATA_DIR", str(tmp_path / "datasets"))
    return tmp_path / "home"


@pytest.fixture
def quiz_folder(tmp_path, monkeypatch):
    """Serve quizzes from a temporary folder; returns ``write(name, yaml_text) -> path``."""
    folder = tmp_path / "quizzes"
    folder.mkdir()
    monkeypatch.setenv("VAELEARN_QUIZ_DIR", str(folder))

    def write(name, text):
        path = folder / f"{name}.yaml"
        path.write_text(text)
        return path

    return write


@pytest.fixture(scope="session")
def built_dist(tmp_path_factory):
    """The sdist and the wheel, built offline as ``python -m build`` builds them (the wheel
    from the sdist), from a copy of the checkout so nothing is written into it.

    Returns ``(wheel, sdist)`` paths. Needs setuptools>=77 and build (the test extra).
    """
    import shutil
    import subprocess
    import sys

    work = tmp_path_factory.mktemp("dist")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
        "test-artifacts", ".ipynb_checkpoints", "vaelearn-course"))
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(work / "out"),
         str(source)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (wheel,) = (work / "out").glob("*.whl")
    (sdist,) = (work / "out").glob("*.tar.gz")
    return wheel, sdist



@pytest.fixture(scope="session")
def graded_wheel(tmp_path_factory):
    """The wheel of a graded class, without the exercises' answers, built offline by
    ``tools/graded_wheel.py`` (what ``make graded-wheel`` runs)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("graded_wheel", ROOT / "tools" / "graded_wheel.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool.build(tmp_path_factory.mktemp("graded"))
