"""Grading is pure: no widgets, no files."""

import numpy as np
import pytest

from vaelearn.quiz.grading import CORRECT, INCORRECT, grade
from vaelearn.quiz.model import Question

SINGLE = Question("s", "single", "Pick B.", ("x", "y", "z"), "B", "Because.")
MULTIPLE = Question("m", "multiple", "Pick A and C.", ("x", "y", "z", "w"), ("A", "C"), "Both.")
NUMERIC = Question("n", "numeric", "About 0.3?", (), 0.3, "Roughly.", tolerance=0.1)
EXACT = Question("e", "numeric", "2 + 2?", (), 4.0, "Four.", tolerance=0.0)


@pytest.mark.parametrize("response", ["B", "b", " B. ", 1, np.int64(1)])
def test_single_accepts_letters_and_indices(response):
    result = grade(SINGLE, response)
    assert result.correct and result.response == "B"
    assert result.feedback == CORRECT and result.explanation == "Because."


@pytest.mark.parametrize("response", ["A", 2, "c"])
def test_single_wrong_answer(response):
    result = grade(SINGLE, response)
    assert not result.correct and result.feedback == INCORRECT
    assert result.feedback.startswith("Not quite.")


@pytest.mark.parametrize("response", ["D", 3, -1, "", "BC", True, 1.0, None])
def test_single_invalid_response_raises(response):
    with pytest.raises(ValueError, match="question 's'"):
        grade(SINGLE, response)


@pytest.mark.parametrize("response", [["A", "C"], ("c", "a"), {0, 2}, "A, C", "C A", ["A", "C", "A"]])
def test_multiple_needs_exactly_the_right_set(response):
    result = grade(MULTIPLE, response)
    assert result.correct and result.response == ("A", "C")


@pytest.mark.parametrize("response", [["A"], ["A", "B", "C"], "B D"])
def test_multiple_partial_or_extra_choices_are_wrong(response):
    assert not grade(MULTIPLE, response).correct


@pytest.mark.parametrize("response", [[], "", ["A", "E"], 0])
def test_multiple_invalid_response_raises(response):
    with pytest.raises(ValueError, match="question 'm'"):
        grade(MULTIPLE, response)


@pytest.mark.parametrize("response, correct", [(0.3, True), ("0.35", True), (0.4, True), (0.2, True),
                                                (0.41, False), ("0.19", False), (-0.3, False)])
def test_numeric_within_inclusive_tolerance(response, correct):
    result = grade(NUMERIC, response)
    assert result.correct is correct
    assert isinstance(result.response, float)


def test_numeric_zero_tolerance_is_exact():
    assert grade(EXACT, "4").correct and grade(EXACT, 4).correct
    assert not grade(EXACT, 4.001).correct


@pytest.mark.parametrize("response", ["four", "", None, True, float("nan"), "inf", [4]])
def test_numeric_invalid_response_raises(response):
    with pytest.raises(ValueError, match="question 'e'"):
        grade(EXACT, response)
