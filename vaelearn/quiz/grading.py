"""Grade responses to quiz questions: pure functions, no widgets, no files."""

import math
import operator
import re
from collections.abc import Collection
from dataclasses import dataclass

__all__ = ["CORRECT", "INCORRECT", "AnswerResult", "grade", "normalize_response"]

CORRECT = "Correct!"
INCORRECT = "Not quite. Try again."

# Absorbs float rounding so that 0.4 counts as within 0.1 of 0.3.
_ROUNDING_SLACK = 1e-9


@dataclass(frozen=True)
class AnswerResult:
    """The outcome of :meth:`Quiz.check`.

    Attributes
    ----------
    question_id : str
    response : str, tuple of str or float
        The response in canonical form: a letter, a sorted tuple of letters,
        or a float. This is what progress files record.
    correct : bool
    feedback : str
        ``"Correct!"`` or ``"Not quite. Try again."``.
    explanation : str
        The question's explanation (Markdown). It is always filled in; it is
        up to the interface to reveal it only after a correct answer.
    """

    question_id: str
    response: object
    correct: bool
    feedback: str
    explanation: str


def grade(question, response):
    """Grade ``response`` to ``question`` (a :class:`Question`).

    Numeric answers are correct when ``|response - answer| <= tolerance``.

    Parameters
    ----------
    question : Question
    response : str, int, float or collection
        See :func:`normalize_response` for the accepted responses.

    Returns
    -------
    AnswerResult
    """
    response = normalize_response(question, response)
    if question.type == "numeric":
        correct = abs(response - question.answer) <= question.tolerance + _ROUNDING_SLACK
    else:
        correct = response == question.answer
    return AnswerResult(
        question_id=question.id,
        response=response,
        correct=correct,
        feedback=CORRECT if correct else INCORRECT,
        explanation=question.explanation,
    )


def normalize_response(question, response):
    """Return ``response`` in canonical form, or raise ``ValueError``.

    - single: a letter (``"b"``, ``" B. "`` are fine) or a 0-based index -> ``"B"``;
    - multiple: a collection of letters/indices, or a string of letters
      separated by commas or spaces -> a sorted tuple such as ``("A", "C")``;
    - numeric: a finite number or numeric string -> a float.

    Parameters
    ----------
    question : Question
    response : str, int, float or collection

    Returns
    -------
    str, tuple of str or float
    """
    if question.type == "numeric":
        return _number(question, response)
    if question.type == "single":
        return _choice(question, response)
    if isinstance(response, str):
        response = re.split(r"[\s,;]+", response.strip())
    if not isinstance(response, Collection):
        raise ValueError(
            f"question {question.id!r} takes several choices: give a list of letters, got {response!r}"
        )
    choices = tuple(sorted({_choice(question, item) for item in response if item != ""}))
    if not choices:
        raise ValueError(f"question {question.id!r}: choose at least one answer")
    return choices


def _choice(question, response):
    letters = question.letters
    if isinstance(response, str):
        key = response.strip().rstrip(".)").upper()
        if key in letters:
            return key
    elif not isinstance(response, bool):
        try:
            index = operator.index(response)
        except TypeError:
            pass
        else:
            if 0 <= index < len(letters):
                return letters[index]
    how = f"a letter {letters[0]}-{letters[-1]}"
    if not isinstance(response, str):
        how += f" or an integer index 0-{len(letters) - 1}"
    raise ValueError(f"question {question.id!r}: {response!r} is not a choice; answer with {how}")


def _number(question, response):
    if isinstance(response, bool):
        raise ValueError(f"question {question.id!r} expects a number, got {response!r}")
    try:
        value = float(response.strip() if isinstance(response, str) else response)
    except (TypeError, ValueError):
        raise ValueError(f"question {question.id!r} expects a number, got {response!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"question {question.id!r} expects a finite number, got {response!r}")
    return value
