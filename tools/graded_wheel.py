"""Build the wheel of a graded class: the course without the exercises' answers.

``make graded-wheel`` (or ``python tools/graded_wheel.py OUTDIR``) builds it into
``dist/graded/``, from a copy of the checkout, with the test environment's setuptools and build
(offline). It leaves out ``vaelearn/exercises/solutions`` (the reference solutions and classic
mistakes) and the bundled quizzes (their answers are graded in the assignments), and its
version carries the local label ``+graded``, so that ``pip list`` tells the two installs
apart. Every check still works: compared exercises grade against the answer key, which holds
outputs on test cases, not code.
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEFT_OUT = ("vaelearn/exercises/solutions", "quizzes")
IGNORED = (".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
           "test-artifacts", ".ipynb_checkpoints", "vaelearn-course")


def graded_pyproject(text):
    """``pyproject.toml``'s text for the graded wheel: no answers package, no quizzes."""
    text = re.sub(r'\n *# The exercises\' answers[^\n]*\n *"vaelearn\.exercises\.solutions",', "",
                  text)
    text = re.sub(r'\n *"vaelearn\.bundled\.quizzes",', "", text)
    text = re.sub(r'\n"vaelearn\.bundled\.quizzes" = [^\n]*', "", text)
    text, versions = re.subn(r'\nversion = "([^"+]+)"', r'\nversion = "\1+graded"', text)
    if versions != 1 or "solutions" in text or "bundled.quizzes" in text:
        raise SystemExit("pyproject.toml has changed: update tools/graded_wheel.py to match")
    return text


def build(outdir):
    """Build the graded wheel into ``outdir``; returns its path."""
    outdir = Path(outdir).resolve()
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "source"
        shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*IGNORED))
        for path in LEFT_OUT:
            shutil.rmtree(source / path)
        (source / "quizzes").mkdir()  # pyproject's package-dir still names the folder
        pyproject = source / "pyproject.toml"
        pyproject.write_text(graded_pyproject(pyproject.read_text()))
        for old in outdir.glob("vaelearn-*.whl"):
            old.unlink()
        subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                        str(outdir), str(source)], check=True, capture_output=True, text=True)
    (wheel,) = outdir.glob("vaelearn-*.whl")
    return wheel


if __name__ == "__main__":
    print(build(sys.argv[1] if len(sys.argv) > 1 else ROOT / "dist" / "graded"))
