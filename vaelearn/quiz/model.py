"""The quiz objects: :class:`Question` (immutable data) and :class:`Quiz`."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .. import display
from .. import records
from . import text
from .grading import grade

__all__ = ["MIME_TYPE", "Question", "Quiz", "Score", "letter"]

#: Beside a quiz's widget in a notebook's saved output: ``{"name": quiz name}``, so that the
#: course's website can put the quiz there as an HTML form (:mod:`vaelearn.quiz.form`).
MIME_TYPE = "application/vnd.vaelearn.quiz+json"


def letter(index):
    """The letter naming a choice.

    Parameters
    ----------
    index : int
        0-based: 0 -> ``"A"``.

    Returns
    -------
    str
    """
    return chr(ord("A") + index)


@dataclass(frozen=True)
class Question:
    """One quiz question, as read from a quiz file.

    Attributes
    ----------
    id : str
        Stable identifier, used by :meth:`Quiz.check` and in progress files.
    type : {"single", "multiple", "numeric"}
    prompt : str
        Markdown, LaTeX allowed.
    choices : tuple of str
        Plain-text choices, lettered A, B, C, ... (empty for numeric).
    answer : str, tuple of str or float
        ``"B"`` for single, ``("A", "C")`` (sorted) for multiple, a float for
        numeric.
    explanation : str
        Markdown shown once the question is answered correctly.
    tolerance : float or None
        Numeric questions: the largest accepted ``|response - answer|``.
    hint : str or None
    """

    id: str
    type: str
    prompt: str
    choices: tuple
    answer: object
    explanation: str
    tolerance: float | None = None
    hint: str | None = None

    @property
    def letters(self):
        """The choice letters, ``("A", "B", ...)``."""
        return tuple(letter(i) for i in range(len(self.choices)))

    def labels(self):
        """Return the choice labels as shown to learners: ``"A. text"``."""
        return tuple(f"{key}. {text}" for key, text in zip(self.letters, self.choices))

    def answer_text(self):
        """Return the correct answer in words, e.g. ``"B. Generating new data samples."``."""
        if self.type == "numeric":
            return f"{self.answer:g}" + (f" (accepted within ±{self.tolerance:g})" if self.tolerance else "")
        keys = self.answer if self.type == "multiple" else (self.answer,)
        return "; ".join(self.labels()[self.letters.index(key)] for key in keys)


class Score(NamedTuple):
    """Questions answered correctly on the first try, out of all questions."""

    correct: int
    total: int

    def __str__(self):
        return f"Score: {self.correct} / {self.total}"


@dataclass(eq=False)
class Quiz:
    """A loaded quiz: questions plus this session's answers.

    Create one with :func:`vaelearn.quiz.load`. Displayed as the last
    expression of a notebook cell, a quiz renders as interactive widgets; in
    a terminal it prints as text without the answers.

    Attributes
    ----------
    name : str
        The file name without ``.yaml``; recorded in progress files.
    title : str
    intro : str
        Markdown shown above the questions (may be empty).
    questions : tuple of Question
    path : pathlib.Path
    """

    name: str
    title: str
    intro: str
    questions: tuple
    path: Path
    _first_try: dict = field(default_factory=dict, init=False, repr=False)

    def question(self, question_id):
        """The question with this id.

        Parameters
        ----------
        question_id : str

        Returns
        -------
        Question

        Raises
        ------
        ValueError
            No question has this id.
        """
        for question in self.questions:
            if question.id == question_id:
                return question
        ids = ", ".join(q.id for q in self.questions)
        raise ValueError(f"quiz {self.name!r} has no question {question_id!r}; its questions are: {ids}")

    def check(self, question_id, response):
        """Grade a response and record the attempt in the learner's progress.

        Parameters
        ----------
        question_id : str
        response : str, int, collection or number
            Single: a letter (``"B"``, case-insensitive) or a 0-based index.
            Multiple: a collection of letters/indices, or a string such as
            ``"A, C"``. Numeric: a number or a numeric string.

        Returns
        -------
        AnswerResult
            With ``correct``, ``feedback`` (``"Correct!"`` or
            ``"Not quite. Try again."``) and ``explanation``.

        Raises
        ------
        ValueError
            Unknown question id, or a response that names no choice.
        """
        result = grade(self.question(question_id), response)
        self._first_try.setdefault(question_id, result.correct)
        records.record(records.Attempt.now(self.name, question_id, result.response, result.correct))
        return result

    def score(self):
        """Return the :class:`Score`: questions whose first check in this session was correct."""
        return Score(sum(self._first_try.values()), len(self.questions))

    def show(self, answers=False):
        """Return the quiz as an ``ipywidgets.VBox`` (CSS class ``vaelearn-quiz``).

        Parameters
        ----------
        answers : bool, default=False
            Instructor view: every answer and explanation is shown from the start.
        """
        from .widgets import quiz_widget  # ipywidgets is needed only to display

        return quiz_widget(self, answers=answers)

    def answer_key(self):
        """Return the answers and explanations as Markdown, for instructors."""
        return text.answer_key(self)

    def to_text(self):
        """Return the quiz as plain text, without answers."""
        return text.to_text(self)

    def to_html(self):
        """Return the quiz as static HTML, answers folded in ``<details>`` elements."""
        return text.to_html(self)

    def __str__(self):
        return self.to_text()

    def __repr__(self):
        return f"<Quiz {self.name!r}: {self.title!r}, {len(self.questions)} questions>"

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": self.to_text(), "text/html": self.to_html()}
        if display.in_kernel():
            widget_bundle = self.show()._repr_mimebundle_()
            bundle["application/vnd.jupyter.widget-view+json"] = widget_bundle[
                "application/vnd.jupyter.widget-view+json"
            ]
            bundle[MIME_TYPE] = {"name": self.name}
        return bundle

