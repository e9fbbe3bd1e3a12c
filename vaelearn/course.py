"""Where the course's notebooks and quizzes are.

The repository's ``notebooks/`` and ``quizzes/`` folders are their single source. A wheel or
a ``pip install`` of vaelearn carries copies of them as package data,
``vaelearn/bundled/notebooks`` and ``vaelearn/bundled/quizzes``; an editable install (``pip
install -e .``, ``make lab``) reads the repository's own folders.
"""

import os
from pathlib import Path

__all__ = ["notebook_dir", "notebooks", "quiz_dir"]

_PACKAGE = Path(__file__).resolve().parent


def _folder(part):
    installed = _PACKAGE / "bundled" / part
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / part).is_dir():
        return checkout / part
    return installed  # missing: the caller's error message names where it should be


def notebook_dir():
    """The folder holding the course's notebooks (it may be missing from a broken install).

    Returns
    -------
    pathlib.Path
    """
    return _folder("notebooks")


def notebooks():
    """The course's notebooks in their order, ``00_welcome.ipynb`` first.

    Returns
    -------
    list of pathlib.Path
        Empty when :func:`notebook_dir` holds none.
    """
    return sorted(notebook_dir().glob("*.ipynb"))


def quiz_dir():
    """The folder holding the quiz files: ``$VAELEARN_QUIZ_DIR`` when set, else the course's.

    Returns
    -------
    pathlib.Path
    """
    override = os.environ.get("VAELEARN_QUIZ_DIR")
    if override:
        return Path(override)
    return _folder("quizzes")
