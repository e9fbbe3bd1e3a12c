"""`vaelearn notebooks [DEST]`: the course's notebooks copied into a learner's folder, never
replacing one the learner changed unless told to, and then keeping theirs."""

import hashlib
import json

import pytest

from vaelearn import course
from vaelearn.classroom.cli import main
from vaelearn.classroom.notebook_copy import MANIFEST

NOTEBOOKS = course.notebooks()


def names(folder):
    return sorted(p.name for p in folder.glob("*.ipynb"))


def test_course_has_a_notebook_per_section():
    assert [p.name for p in NOTEBOOKS][0] == "00_welcome.ipynb" and len(NOTEBOOKS) >= 9


def test_default_destination_is_vaelearn_course_in_the_current_folder(tmp_path, monkeypatch,
                                                                     capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["notebooks"]) == 0
    folder = tmp_path / "vaelearn-course"
    assert names(folder) == [p.name for p in NOTEBOOKS]
    for source in NOTEBOOKS:
        assert (folder / source.name).read_bytes() == source.read_bytes()
    out = capsys.readouterr().out
    assert out.count("copied ") == len(NOTEBOOKS)
    assert "jupyter lab vaelearn-course" in out


def test_a_second_run_changes_nothing(tmp_path, capsys):
    assert main(["notebooks", str(tmp_path / "mine")]) == 0
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "mine").glob("*.ipynb")}
    assert main(["notebooks", str(tmp_path / "mine")]) == 0
    assert capsys.readouterr().out.count("unchanged ") == len(NOTEBOOKS)
    assert before == {p: p.stat().st_mtime_ns for p in (tmp_path / "mine").glob("*.ipynb")}


def test_an_edited_notebook_is_kept_without_force(tmp_path, capsys):
    main(["notebooks", str(tmp_path)])
    edited = tmp_path / NOTEBOOKS[0].name
    edited.write_text("my work")
    assert main(["notebooks", str(tmp_path)]) == 0
    assert edited.read_text() == "my work"
    out = capsys.readouterr().out
    assert f"kept       {edited} (you changed it; --force replaces it" in out
    assert out.count("unchanged ") == len(NOTEBOOKS) - 1


def test_force_replaces_an_edited_notebook_and_keeps_a_backup(tmp_path, capsys):
    main(["notebooks", str(tmp_path)])
    edited = tmp_path / NOTEBOOKS[0].name
    for attempt in ("first edit", "second edit"):
        edited.write_text(attempt)
        assert main(["notebooks", "--force", str(tmp_path)]) == 0
        assert edited.read_bytes() == NOTEBOOKS[0].read_bytes()
    stem = NOTEBOOKS[0].stem
    assert (tmp_path / f"{stem}.backup.ipynb").read_text() == "first edit"
    assert (tmp_path / f"{stem}.backup-2.ipynb").read_text() == "second edit"
    assert f"(yours is kept as {stem}.backup-2.ipynb)" in capsys.readouterr().out


def test_a_notebook_the_learner_did_not_touch_is_updated_to_the_new_course(tmp_path, capsys):
    main(["notebooks", str(tmp_path)])
    older = tmp_path / NOTEBOOKS[1].name
    older.write_text("the previous version of the course")
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    manifest[older.name] = hashlib.sha256(older.read_bytes()).hexdigest()
    (tmp_path / MANIFEST).write_text(json.dumps(manifest))
    assert main(["notebooks", str(tmp_path)]) == 0
    assert older.read_bytes() == NOTEBOOKS[1].read_bytes()
    assert f"updated    {older}" in capsys.readouterr().out


@pytest.mark.parametrize("manifest", ["not json", "[1, 2]", '{"00_welcome.ipynb": 3}'])
def test_a_damaged_manifest_only_makes_notebooks_count_as_edited(tmp_path, manifest):
    main(["notebooks", str(tmp_path)])
    edited = tmp_path / NOTEBOOKS[0].name
    edited.write_text("my work")
    (tmp_path / MANIFEST).write_text(manifest)
    assert main(["notebooks", str(tmp_path)]) == 0
    assert edited.read_text() == "my work"


def test_an_unwritable_destination_is_one_line_naming_it(tmp_path, capsys):
    (tmp_path / "a-file").write_text("")
    assert main(["notebooks", str(tmp_path / "a-file" / "course")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: Cannot write the notebooks to {tmp_path / 'a-file' / 'course'} ")
    assert len(err.splitlines()) == 1 and "choose a writable folder" in err


def test_a_broken_install_without_notebooks_says_how_to_fix_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(course, "_PACKAGE", tmp_path / "site-packages" / "vaelearn")
    assert main(["notebooks", str(tmp_path / "course")]) == 1
    err = capsys.readouterr().err
    assert "No course notebooks in" in err and "pip install --force-reinstall vaelearn" in err
    assert not (tmp_path / "course").exists()
