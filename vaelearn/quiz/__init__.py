"""End-of-notebook quizzes.

Typical use, in the last cell of a notebook::

    import vaelearn.quiz
    vaelearn.quiz.load("eli5")        # quizzes/eli5.yaml, shown as widgets

and from a terminal::

    quiz = vaelearn.quiz.load("eli5")
    print(quiz)                       # the questions, without answers
    quiz.check("goal", "B")           # AnswerResult(correct=True, ...)
    vaelearn.progress.report()        # per-quiz summary of recorded attempts

Quiz files are YAML, validated against ``vaelearn/quiz/schema.json``.
Attempts are recorded in ``$VAELEARN_HOME/progress.json`` (default
``~/.vaelearn``). This package does not import TensorFlow or Keras.
"""

from ..deprecation import forward_moved_names
from ..errors import QuizFormatError
from .grading import AnswerResult
from ..course import quiz_dir
from .loading import available, load
from .model import Question, Quiz, Score

__all__ = ["AnswerResult", "Question", "Quiz", "QuizFormatError", "Score", "available", "load",
           "quiz_dir"]

# Learners' records and their summaries moved out of the quiz package (they hold exercise
# checks too); the result of a check was renamed, apart from the exercises' own.
__getattr__ = forward_moved_names("vaelearn.quiz", {
    "CheckResult": "vaelearn.quiz.grading:AnswerResult",
    "progress": "vaelearn.progress:report",
    "summarize": "vaelearn.progress:summarize",
    "ProgressReport": "vaelearn.progress:ProgressReport",
    "QuizSummary": "vaelearn.progress:QuizSummary",
    "Attempt": "vaelearn.records:Attempt",
    "AttemptList": "vaelearn.records:AttemptList",
    "home_dir": "vaelearn.records:home_dir",
    "read_attempts": "vaelearn.records:read_attempts",
    "record_path": "vaelearn.records:record_path",
    "ProgressFileError": "vaelearn.errors:ProgressFileError",
    "ProgressVersionError": "vaelearn.errors:ProgressVersionError",
    "ProgressWarning": "vaelearn.errors:ProgressWarning",
})
