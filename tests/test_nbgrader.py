"""nbgrader's round trip on two lessons, run for real in ``.venv-nbgrader`` (``make test``
builds it; nbgrader needs Python >= 3.11, so elsewhere these skip with the reason).

``vaelearn assignments`` writes the course folder from this checkout; nbgrader generates the
student's version, autogrades four submissions per lesson (bench/autograde.py: full,
untouched, partial, tampered) in a kernel that imports the graded wheel, writes feedback and
exports the grades.
"""

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest
from answers import code_lines, reference_pieces

from vaelearn.classroom.assignments import CELL_TIMEOUT_S, write_assignments
from vaelearn.course import EXERCISES_BY_NOTEBOOK

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
# The shortest lessons (BENCHMARKS.md): a compared exercise with hidden cases (00) and a
# judged one without (17), each with its quiz; 17's is the source's three ELI5 questions.
LESSONS = ("00_welcome", "17_eli5_recap")


def _bench_autograde():
    spec = importlib.util.spec_from_file_location("autograde", ROOT / "bench" / "autograde.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


autograde = _bench_autograde()


@pytest.fixture(scope="module")
def graded(graded_wheel, tmp_path_factory):
    bin_dir, why = autograde.nbgrader_bin()
    if bin_dir is None and os.environ.get("CI") == "true" and sys.version_info >= (3, 11):
        pytest.fail(f"CI runs nbgrader's round trip: {why}")
    if bin_dir is None:
        pytest.skip(why)
    autograde.install_graded_wheel(graded_wheel, bin_dir)
    course = tmp_path_factory.mktemp("nbgrader") / "course"
    write_assignments(course)
    return course, autograde.round_trip(LESSONS, course, bin_dir)


def test_the_config_gives_training_cells_time(graded):
    course, _ = graded
    assert f"c.Execute.timeout = {CELL_TIMEOUT_S}" in (course / "nbgrader_config.py").read_text()


@pytest.mark.parametrize("lesson", LESSONS)
def test_the_students_version_holds_no_solution_and_no_hidden_test(graded, lesson):
    _, results = graded
    release = next(r["release"] for r in results if r["assignment"] == lesson)
    text = code_lines("\n".join("".join(c["source"]) for c in release["cells"]))
    for name in EXERCISES_BY_NOTEBOOK[lesson]:
        assert not [p for p in reference_pieces(name) if p in text], name
    for marker in ("BEGIN SOLUTION", "HIDDEN TESTS", "hidden=True", "grade(Question"):
        assert marker not in text, marker
    assert "YOUR ANSWER" in text


@pytest.mark.parametrize("lesson", LESSONS)
def test_four_submissions_get_the_expected_scores(graded, lesson):
    _, results = graded
    result = next(r for r in results if r["assignment"] == lesson)
    assert result["max_score"] > 0
    assert result["scores"] == pytest.approx(result["expected"]), result
    assert result["scores"]["full"] == result["max_score"]
    assert result["scores"]["untouched"] == 0
    assert 0 < result["scores"]["partial"] < result["max_score"]


@pytest.mark.parametrize("lesson", LESSONS)
def test_feedback_is_written_for_every_student(graded, lesson):
    _, results = graded
    feedback = next(r["feedback"] for r in results if r["assignment"] == lesson)
    assert sorted(p.parts[-3] for p in feedback) == sorted(autograde.SUBMISSIONS)
    assert all("<html" in p.read_text().lower() for p in feedback)


def test_the_grades_are_exported_as_csv(graded):
    course, _ = graded
    lines = (course / "grades.csv").read_text().splitlines()
    assert lines[0].startswith("assignment,") and len(lines) == 1 + 4 * len(LESSONS)
    assert json.dumps(sorted({line.split(",")[0] for line in lines[1:]})) == json.dumps(
        sorted(LESSONS))
