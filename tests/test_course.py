"""vaelearn.course finds the notebooks and quizzes: the bundled copies in an installed
package, the repository's folders in a checkout (the installed case runs in test_wheel.py)."""

from pathlib import Path

import vaelearn
from vaelearn import course

ROOT = Path(vaelearn.__file__).resolve().parents[1]


def test_a_checkout_reads_its_own_folders():
    assert course.notebook_dir() == ROOT / "notebooks"
    assert course.quiz_dir() == ROOT / "quizzes"
    assert course.notebooks() == sorted((ROOT / "notebooks").glob("*.ipynb"))


def fake_package(tmp_path, bundled=(), checkout=()):
    package = tmp_path / "root" / "vaelearn"
    for part in bundled:
        (package / "bundled" / part).mkdir(parents=True)
    for part in checkout:
        (package.parent / part).mkdir(parents=True)
    if checkout:
        (package.parent / "pyproject.toml").write_text("")
    package.mkdir(parents=True, exist_ok=True)
    return package


def test_an_installed_package_reads_its_bundled_copies_first(tmp_path, monkeypatch):
    package = fake_package(tmp_path, bundled=("notebooks", "quizzes"),
                           checkout=("notebooks", "quizzes"))
    monkeypatch.setattr(course, "_PACKAGE", package)
    assert course.notebook_dir() == package / "bundled" / "notebooks"
    assert course.quiz_dir() == package / "bundled" / "quizzes"


def test_folders_beside_an_installed_package_are_not_the_course(tmp_path, monkeypatch):
    # site-packages/quizzes may belong to anything: without a pyproject.toml it is not ours.
    package = fake_package(tmp_path, checkout=("quizzes",))
    (package.parent / "pyproject.toml").unlink()
    monkeypatch.setattr(course, "_PACKAGE", package)
    assert course.quiz_dir() == package / "bundled" / "quizzes"
    assert course.notebooks() == []


def test_the_quiz_folder_can_be_overridden(tmp_path, monkeypatch):
    monkeypatch.setenv("VAELEARN_QUIZ_DIR", str(tmp_path / "elsewhere"))
    assert course.quiz_dir() == tmp_path / "elsewhere"
