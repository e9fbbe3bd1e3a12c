"""End-of-notebook quizzes.

Typical use, in the last cell of a notebook::

    import vaelearn.quiz
    vaelearn.quiz.load("eli5")        # quizzes/eli5.yaml, shown as widgets

and from a terminal::

    quiz = vaelearn.quiz.load("eli5")
    print(quiz)                       # the questions, without answers
    quiz.check("goal", "B")           # CheckResult(correct=True, ...)
    vaelearn.quiz.progress()          # per-quiz summary of recorded attempts

Quiz files are YAML, validated against ``vaelearn/quiz/schema.json``.
Attempts are recorded in ``$VAELEARN_HOME/progress.json`` (default
``~/.vaelearn``). This package does not import TensorFlow or Keras.
"""

from .grading import CheckResult
from .loading import QuizFormatError, available, load, quiz_dir
from .model import Question, Quiz, Score
from .records import (
    Attempt,
    AttemptList,
    ProgressFileError,
    ProgressVersionError,
    ProgressWarning,
    home_dir,
    read_attempts,
    record_path,
)
from .summary import ProgressReport, QuizSummary, progress, summarize

__all__ = [
    "Attempt",
    "AttemptList",
    "CheckResult",
    "ProgressFileError",
    "ProgressReport",
    "ProgressVersionError",
    "ProgressWarning",
    "Question",
    "Quiz",
    "QuizFormatError",
    "QuizSummary",
    "Score",
    "available",
    "home_dir",
    "load",
    "progress",
    "quiz_dir",
    "read_attempts",
    "record_path",
    "summarize",
]
