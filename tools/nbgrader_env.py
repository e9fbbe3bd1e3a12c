"""Build ``.venv-nbgrader``: nbgrader beside a graded installation of the course.

``make test`` runs nbgrader's round trip there (tests/test_nbgrader.py): nbgrader's own pins
(JupyterLab, Notebook 7) stay out of ``make lab``'s ``.venv``, and its kernel imports the
course as a graded class has it, without the answers. The course's dependencies are pinned
to the versions ``.venv`` has; the tests reinstall the graded wheel of the current checkout
(without dependencies) before each round trip.

nbgrader needs Python >= 3.11: on an older Python nothing is installed and the reason is
written to ``.venv-nbgrader/why-not``, which the tests give as their reason to skip. Run with
``.venv``'s Python (it builds the graded wheel with the test extra's ``build``).
"""

import shutil
import subprocess
import sys
from pathlib import Path

from graded_wheel import build
from venvs import ROOT, pinned, pip

NBGRADER = "nbgrader>=0.9.6,<0.10"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    venv = Path(argv[0]) if argv else ROOT / ".venv-nbgrader"
    stamp = venv / ".installed-nbgrader"
    if sys.version_info < (3, 11):
        venv.mkdir(exist_ok=True)
        (venv / "why-not").write_text(f"nbgrader needs Python >= 3.11; this is "
                                      f"{sys.version.split()[0]}\n")
        return 0
    if stamp.exists() and stamp.stat().st_mtime >= (ROOT / "pyproject.toml").stat().st_mtime:
        return 0
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    wheel = build(venv / "wheel")
    constraints = pinned(Path(sys.executable))
    pip(python, "install", "-q", "-c", str(constraints), NBGRADER, str(wheel))
    stamp.touch()
    return 0


if __name__ == "__main__":
    sys.exit(main())
