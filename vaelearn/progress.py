"""The learner's progress: summaries of their recorded quiz answers and exercise checks.

``vaelearn.progress.report()`` in a notebook and ``vaelearn progress`` in a terminal show
the table; the records themselves are in :mod:`vaelearn.records`. (The display that shows
a model's training is :mod:`vaelearn.training_display`.)
"""

import html
from dataclasses import dataclass

from . import records
from .course import EXERCISES_BY_NOTEBOOK
from .deprecation import forward_moved_names
from .errors import QuizFormatError

__all__ = ["ProgressReport", "QuizSummary", "report", "summarize"]


@dataclass(frozen=True)
class QuizSummary:
    """How a learner did on one quiz.

    Attributes
    ----------
    quiz : str
        The quiz name.
    attempted : int
        Questions answered at least once.
    first_try : int
        Questions whose first recorded answer was correct.
    correct : int
        Questions answered correctly at some point.
    total : int or None
        Questions in the quiz, or None when the quiz file cannot be loaded.
    """

    quiz: str
    attempted: int
    first_try: int
    correct: int
    total: int | None

    @property
    def score(self):
        """``"first_try / total"`` (``total`` falls back to ``attempted``)."""
        return f"{self.first_try} / {self.attempted if self.total is None else self.total}"


class ProgressReport(list):
    """A list of :class:`QuizSummary` that prints as a table."""

    _HEADER = ("quiz", "attempted", "first try", "eventually correct", "score")

    def _rows(self):
        return [(s.quiz, str(s.attempted), str(s.first_try), str(s.correct), s.score) for s in self]

    def __str__(self):
        if not self:
            return "No quiz attempts recorded yet."
        rows = [self._HEADER, *self._rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(self._HEADER))]
        return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)

    __repr__ = __str__

    def _repr_html_(self):
        if not self:
            return "<p>No quiz attempts recorded yet.</p>"
        head = "".join(f"<th>{cell}</th>" for cell in self._HEADER)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in self._rows()
        )
        return f'<table class="vaelearn-progress"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def summarize(attempts, *, totals=None):
    """Summarize attempts per quiz.

    Parameters
    ----------
    attempts : iterable of records.Attempt
        In the order they were made (first try = first attempt listed).
    totals : mapping of str to int, optional
        Number of questions per quiz name.

    Returns
    -------
    ProgressReport
        One :class:`QuizSummary` per quiz, sorted by quiz name.
    """
    totals = totals or {}
    first, ever = {}, {}
    for attempt in attempts:
        key = (attempt.quiz, attempt.question)
        first.setdefault(key, attempt.correct)
        ever[key] = ever.get(key, False) or attempt.correct
    table = ProgressReport()
    for quiz in sorted({quiz for quiz, _ in first}):
        keys = [key for key in first if key[0] == quiz]
        table.append(
            QuizSummary(
                quiz=quiz,
                attempted=len(keys),
                first_try=sum(first[key] for key in keys),
                correct=sum(ever[key] for key in keys),
                total=totals.get(quiz),
            )
        )
    return table


def report():
    """Return the current learner's :class:`ProgressReport`.

    Reads the progress file (:func:`vaelearn.records.record_path`) plus attempts kept in
    memory this session; quiz sizes come from the quiz files when they load. Checked
    exercises (:mod:`vaelearn.exercises`) appear as one more row, ``exercises``.
    """
    attempts = records.attempts()
    return summarize(attempts, totals=_totals({attempt.quiz for attempt in attempts}))


def _totals(names):
    from .quiz.loading import load

    totals = {}
    for name in names:
        if name == records.EXERCISES:  # checked exercises are recorded under this one name
            totals[name] = sum(map(len, EXERCISES_BY_NOTEBOOK.values()))
            continue
        try:
            totals[name] = len(load(name).questions)
        except (FileNotFoundError, QuizFormatError):
            pass  # a quiz removed or renamed since: score against what was attempted
    return totals


# The training display lived here until this release.
__getattr__ = forward_moved_names("vaelearn.progress", {
    "LiveCurves": "vaelearn.training_display:LiveCurves",
    "TrainingProgress": "vaelearn.training_display:TrainingProgress",
})
