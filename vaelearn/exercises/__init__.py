"""Auto-checked "your turn" exercises, graded by what the learner's code does.

A notebook asks the learner to write a function (or a class), then calls
``check(name, their_answer)``. Two kinds of exercise:

- **compared**: the answer runs on test inputs and its outputs are compared with the
  reference solution's (or judged by an ``accept`` rule where many outputs are right);
- **judged**: a ``judge`` runs the answer the way the notebook will use it (computes
  gradients through it, trains a small model with it, scores a test set with it) and says
  what is wrong, if anything.

``check`` never raises for a wrong or unfinished answer: it returns an
:class:`ExerciseResult` saying what went wrong, with the hint of a classic mistake when the
answer matches one. ``check(name, answer, hidden=True)`` grades on hidden cases (other inputs,
another seed), as graded assignments do. The reference stays hidden until the learner asks for
``solution(name)``; a learner who skips an exercise gets a working notebook with
``yours_or_solution(name, answer)``. Every checked attempt is recorded with the learner's
records (:mod:`vaelearn.records`; ``vaelearn progress`` shows them).

The grading engine is :mod:`vaelearn.exercises.engine`; each other module of this package
defines the exercises of one notebook, and :mod:`vaelearn.exercises.solutions` holds their
answers (reference solutions and classic mistakes), which a graded installation leaves out:
there ``solution`` and ``yours_or_solution`` say so in one line, and every check still works
(compared exercises are graded against a stored answer key).
"""

from ..deprecation import forward_moved_names
from .engine import (
    HIDDEN_SEED,
    Exercise,
    ExerciseResult,
    Mistake,
    Solution,
    all_names,
    as_numbers,
    check,
    exercise,
    get,
    hints,
    not_numbers,
    reference,
    reference_source,
    solution,
    solutions_installed,
    yours_or_solution,
)

__all__ = ["HIDDEN_SEED", "Exercise", "ExerciseResult", "Mistake", "Solution", "all_names",
           "as_numbers", "check", "exercise", "get", "hints", "not_numbers", "reference",
           "reference_source", "solution", "solutions_installed", "yours_or_solution"]

__getattr__ = forward_moved_names("vaelearn.exercises", {
    "CheckResult": "vaelearn.exercises.engine:ExerciseResult",
    "BY_NOTEBOOK": "vaelearn.course:EXERCISES_BY_NOTEBOOK",
    "PROGRESS_NAME": "vaelearn.records:EXERCISES",
})
