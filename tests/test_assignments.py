"""`vaelearn assignments`: the course as nbgrader's source notebooks, and the points file."""

import json

import pytest
import yaml

from vaelearn.classroom import assignments
from vaelearn.classroom.assignments import (POINTS_FILE, default_points, load_points,
                                            write_assignments)
from vaelearn.classroom.cli import main
from vaelearn.course import EXERCISES_BY_NOTEBOOK
from vaelearn.errors import UsageError
from vaelearn.exercises import engine, get
from vaelearn.quiz import load as load_quiz


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    dest = tmp_path_factory.mktemp("assignments")
    return dest, write_assignments(dest)


def graded_cells(dest, lesson):
    notebook = json.loads((dest / "source" / lesson / f"{lesson}.ipynb").read_text())
    return {c["metadata"]["nbgrader"]["grade_id"]: c for c in notebook["cells"]
            if "nbgrader" in c["metadata"]}


def test_every_lesson_is_an_assignment_with_a_config_and_the_points(course):
    dest, results = course
    assert [r.action for r in results] == ["written"] * (2 + len(EXERCISES_BY_NOTEBOOK))
    assert load_points(dest / POINTS_FILE) == default_points()
    assert "c.Execute.timeout = 600" in (dest / "nbgrader_config.py").read_text()
    for lesson in EXERCISES_BY_NOTEBOOK:
        assert (dest / "source" / lesson / f"{lesson}.ipynb").is_file()


@pytest.mark.parametrize("lesson", sorted(EXERCISES_BY_NOTEBOOK))
def test_each_check_is_a_locked_test_with_points_and_hidden_cases_where_there_are(course, lesson):
    dest, _ = course
    cells = graded_cells(dest, lesson)
    points = default_points()["exercises"]
    for name in EXERCISES_BY_NOTEBOOK[lesson]:
        check = cells[f"{name}-check"]["metadata"]["nbgrader"]
        assert check["grade"] and check["locked"] and check["points"] == points[name]["check"]
        assert f"check({name!r}" in "".join(cells[f"{name}-check"]["source"])
        ex = get(name)
        hidden = cells.get(f"{name}-hidden")
        assert (hidden is not None) == (ex.cases is not None or ex.judge_takes_seed), name
        if hidden:
            source = "".join(hidden["source"])
            assert "### BEGIN HIDDEN TESTS" in source and "hidden=True" in source
    ids = [c["metadata"]["nbgrader"]["grade_id"] for c in json.loads(
        (dest / "source" / lesson / f"{lesson}.ipynb").read_text())["cells"]
        if "nbgrader" in c["metadata"]]
    assert len(ids) == len(set(ids))


def test_a_solution_region_holds_the_reference_named_as_the_notebook_names_the_answer(course):
    dest, _ = course
    cell = "".join(graded_cells(dest, "12_your_own_images")["colour_networks-answer"]["source"])
    template, _, region = cell.partition("### BEGIN SOLUTION\n")
    assert "raise NotImplementedError" in template and region.endswith("### END SOLUTION")
    assert "def build_networks(example_shape, latent_dim, n_classes):" in region
    assert "import keras" in region and "Mistake" not in region and "@reference" not in region
    namespace = {}
    exec(region.replace("### END SOLUTION", ""), namespace)
    assert engine.check("colour_networks", namespace["build_networks"]).passed


def test_each_quiz_question_is_graded_with_its_choices_in_their_own_order(course):
    dest, _ = course
    cells = graded_cells(dest, "17_eli5_recap")
    quiz = load_quiz("eli5")
    assert len(quiz.questions) == 3
    notebook = json.loads((dest / "source/17_eli5_recap/17_eli5_recap.ipynb").read_text())
    markdown = "\n".join("".join(c["source"]) for c in notebook["cells"])
    for question in quiz.questions:
        answer = "".join(cells[f"quiz-{question.id}-answer"]["source"])
        test = cells[f"quiz-{question.id}"]
        assert test["metadata"]["nbgrader"]["points"] == 1
        namespace = {}
        exec(answer, namespace)
        given = namespace[f"answer_{question.id.replace('-', '_')}"]
        # The letter in the assignment names the same choice as the quiz file's answer.
        shown = [line for line in markdown.splitlines()
                 if line.startswith(f"- **{given}. ")]
        assert any(question.choices[question.letters.index(question.answer)] in line
                   for line in shown), (question.id, given)
        exec("".join(test["source"]).replace("### BEGIN HIDDEN TESTS", "").replace(
            "### END HIDDEN TESTS", ""), namespace)  # the test passes on the right answer


def test_a_rerun_keeps_what_someone_changed_unless_forced(tmp_path):
    lesson = tmp_path / "source/03_kl_divergence/03_kl_divergence.ipynb"
    write_assignments(tmp_path)
    assert {r.action for r in write_assignments(tmp_path)[1:]} == {"unchanged"}
    lesson.write_text(lesson.read_text().replace("Graded:", "Graded (edited):"))
    actions = {r.path: r for r in write_assignments(tmp_path)}
    assert actions[lesson].action == "kept" and "edited" in lesson.read_text()
    replaced = {r.path: r for r in write_assignments(tmp_path, force=True)}[lesson]
    assert replaced.action == "replaced" and "edited" in replaced.backup.read_text()
    assert "edited" not in lesson.read_text()


def test_new_points_update_what_this_command_wrote_without_backups(tmp_path):
    write_assignments(tmp_path)
    points = (tmp_path / POINTS_FILE).read_text()
    (tmp_path / POINTS_FILE).write_text(points.replace("quiz_points_per_question: 1",
                                                      "quiz_points_per_question: 2"))
    results = write_assignments(tmp_path)
    assert results[0].action == "read"
    assert {r.action for r in results if "source" in r.path.parts} == {"updated"}
    assert not (tmp_path / "backups").exists()


def test_the_points_file_chooses_lessons_and_points(tmp_path):
    points = default_points()
    points["notebooks"] = ["03_kl_divergence"]
    points["exercises"]["iwae_bound"] = {"check": 3}
    points["quiz_points_per_question"] = 0
    (tmp_path / POINTS_FILE).write_text(yaml.safe_dump(points))
    write_assignments(tmp_path)
    assert [p.name for p in (tmp_path / "source").iterdir()] == ["03_kl_divergence"]
    cells = graded_cells(tmp_path, "03_kl_divergence")
    assert set(cells) == {"iwae_bound-answer", "iwae_bound-check"}
    assert cells["iwae_bound-check"]["metadata"]["nbgrader"]["points"] == 3


@pytest.mark.parametrize("text, says", [
    ("notebooks: [00_welcome\n", "is not valid YAML"),
    ("notebooks: []\nexercises: {}\n", "'quiz_points_per_question' is a required property"),
    ("notebooks: [99_nothing]\nexercises: {}\nquiz_points_per_question: 1\n", "'99_nothing'"),
    ("notebooks: []\nexercises: {vae_loss: {check: -1}}\nquiz_points_per_question: 1\n",
     "exercises/vae_loss/check"),
])
def test_a_bad_points_file_is_one_line_naming_it(tmp_path, capsys, text, says):
    (tmp_path / POINTS_FILE).write_text(text)
    with pytest.raises(UsageError, match=says):
        load_points(tmp_path / POINTS_FILE)
    assert main(["assignments", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(tmp_path / POINTS_FILE) in err[0] and says in err[0]


def test_a_graded_installation_cannot_write_assignments(tmp_path, monkeypatch):
    monkeypatch.setattr(engine, "solutions_installed", lambda: False)
    with pytest.raises(UsageError, match="instructor's installation"):
        assignments.write_assignments(tmp_path)


def test_the_command_lists_what_it_wrote(tmp_path, capsys):
    assert main(["assignments", str(tmp_path / "course")]) == 0
    out = capsys.readouterr().out
    assert out.count("written") == 2 + len(EXERCISES_BY_NOTEBOOK)
    assert "nbgrader generate_assignment" in out
