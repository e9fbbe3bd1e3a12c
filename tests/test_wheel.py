"""The wheel carries the whole course: built like a library, installed non-editable into a
fresh environment, and used from a folder outside the checkout with the README's commands.

Offline: the wheel is built with the test environment's setuptools (``built_dist``), and the
fresh venv sees this environment's installed dependencies through a path file, but not its
editable vaelearn (that needs the ``__editable__`` path file, which a plain path line does not
run). Every command runs from a temporary folder, so the checkout is not on ``sys.path``.
"""

import re
import shlex
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from isolated_venv import venv_seeing_this_environment

import vaelearn

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
# The shortest notebook (BENCHMARKS.md, "Notebook run times"), run to its end from the copy.
SHORT_NOTEBOOK = "17_eli5_recap.ipynb"


def course_files():
    """Every file the wheel must carry, as paths inside it."""
    package = ROOT / "vaelearn"
    files = {p.relative_to(ROOT).as_posix() for p in package.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts}
    files |= {f"vaelearn/bundled/quizzes/{p.name}" for p in (ROOT / "quizzes").glob("*.yaml")}
    files |= {f"vaelearn/bundled/notebooks/{p.name}"
              for p in (ROOT / "notebooks").glob("*.ipynb")}
    return files


def test_wheel_and_sdist_carry_the_course_and_pass_twine_check(built_dist):
    wheel, sdist = built_dist
    assert wheel.name == f"vaelearn-{vaelearn.__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = course_files() - names
    assert not missing, f"not in the wheel: {sorted(missing)}"
    assert len([n for n in names if n.startswith("vaelearn/bundled/notebooks/")]) >= 9
    with tarfile.open(sdist) as tar:
        members = {m.split("/", 1)[1] for m in tar.getnames() if "/" in m}
    for folder in ("quizzes", "notebooks"):  # the sources the wheel's copies are built from
        assert {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).iterdir()} <= members
    metadata = Parser().parsestr(zipfile.ZipFile(wheel).read(
        f"vaelearn-{vaelearn.__version__}.dist-info/METADATA").decode())
    assert metadata["License-Expression"] == "MIT" and metadata["License-File"] == "LICENSE"
    assert "License" not in metadata  # the deprecated free-text field
    check = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(wheel),
                            str(sdist)], capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("PASSED") == 2, check.stdout


@pytest.fixture(scope="module")
def installed(built_dist, tmp_path_factory):
    """A fresh venv holding the built wheel; returns (its bin folder, environment, learner's
    folder outside the checkout)."""
    wheel, _ = built_dist
    base = tmp_path_factory.mktemp("installed")
    venv, env = venv_seeing_this_environment(base)
    learner = base / "learner"
    learner.mkdir()
    assert ROOT not in learner.parents
    return venv / "bin", env, learner, wheel


def run(command, installed, timeout=300):
    bin_dir, env, learner, _ = installed
    result = subprocess.run(command, cwd=learner, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result.stdout


def readme_commands():
    """The commands of the README's "Install with pip" section, in order, without comments
    or the notebook's ``!``."""
    text = (ROOT / "README.md").read_text()
    section = re.search(r"^## Install with pip.*?(?=^## )", text, re.M | re.S).group(0)
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    lines = [line.split("  #")[0].strip().lstrip("!") for block in blocks
             for line in block.splitlines()]
    return [shlex.split(line) for line in lines if line]


def test_the_readme_commands_work_from_the_installed_wheel(installed):
    bin_dir, env, learner, wheel = installed
    commands = readme_commands()
    assert len(commands) >= 8, commands
    for command in commands:
        if command[0] == "pip":
            assert command[1] == "install" and command[-1] == wheel.name, command
            # The same install, offline: this wheel, no index, dependencies already present.
            options = [arg for arg in command[2:-1] if arg not in ("-q", "--user")]
            run([sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install",
                 "--no-deps", "--no-index", "--force-reinstall", "-q", *options, str(wheel)],
                installed)
        elif command[0] == "vaelearn":
            args = [env["HOME"] + a[1:] if a.startswith("~") else a for a in command[1:]]
            out = run([str(bin_dir / "vaelearn"), *args], installed)
            if args[0] == "doctor":
                assert out.splitlines()[-1].startswith("PASS"), out
                for files in ("quizzes", "notebooks"):
                    inside = re.escape(f"{bin_dir.parent}/lib/")
                    assert re.search(rf"^ok +{files} +\d+ in {inside}", out, re.M), out
        elif command[:2] == ["jupyter", "lab"]:  # a server: check what it would open
            assert (learner / command[2] / "00_welcome.ipynb").is_file()
        else:
            pytest.fail(f"the test does not know how to run {command}")
    assert (Path(env["HOME"]) / "vaelearn-course" / "00_welcome.ipynb").is_file()


def test_the_installed_package_finds_its_own_course_files(installed):
    bin_dir, _, _, _ = installed
    out = run([str(bin_dir / "python"), "-c",
               "import vaelearn, vaelearn.course as c; print(vaelearn.__file__); "
               "print(c.quiz_dir()); print(c.notebook_dir())"], installed)
    package, quizzes, notebooks = (Path(line) for line in out.splitlines())
    site = bin_dir.parent / "lib"
    assert site in package.parents, f"vaelearn imported from {package}, not the venv"
    assert quizzes == package.parent / "bundled" / "quizzes"
    assert notebooks == package.parent / "bundled" / "notebooks"


def test_quiz_answers_and_a_copied_notebook_run_from_outside_the_checkout(installed):
    bin_dir, _, learner, _ = installed
    key = run([str(bin_dir / "vaelearn"), "quiz", "eli5", "--answers"], installed)
    assert key.count("**Answer:**") >= 3, key
    run([str(bin_dir / "vaelearn"), "notebooks"], installed)
    copied = learner / "vaelearn-course" / SHORT_NOTEBOOK
    assert copied.is_file()
    out = run([str(bin_dir / "vaelearn"), "run", str(copied), "--out", "executed"], installed,
              timeout=600)
    assert re.search(rf"^{SHORT_NOTEBOOK} +passed ", out, re.M), out
    assert (learner / "executed" / SHORT_NOTEBOOK).is_file()
