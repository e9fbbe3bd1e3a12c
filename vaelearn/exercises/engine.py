"""The grading engine of the exercises: the registry, and how an answer is checked.

Compared exercises run the answer on test inputs and compare its outputs with the
reference's (or judge them by an ``accept`` rule); judged ones hand the answer to a ``judge``
that uses it as the notebook will; a mistake that matches a classic one gets that mistake's
hint. :func:`check` records each graded attempt in the learner's records; a failure of the
learner's code is reported, never raised. Exercises register themselves with
:func:`exercise`, in the other modules of this package.

The answers (reference solutions and classic mistakes) live apart, in
:mod:`vaelearn.exercises.solutions`, which registers them with :func:`reference`; a graded
installation leaves that package out. Compared exercises are graded against the **answer
key** (``answer_key.npz`` beside this module: the reference's and each mistake's outputs on
the public and the hidden cases, and the mistakes' hints), so that every check works the same
with or without the answers installed. ``python -m vaelearn.exercises.solutions`` rewrites
the key after a change to an exercise.
"""

import ast
import functools
import html
import importlib
import importlib.util
import inspect
import pkgutil
import textwrap
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import records
from ..errors import ProgressWarning

__all__ = ["HIDDEN_SEED", "MIME_TYPE", "Exercise", "ExerciseResult", "Mistake", "Solution",
           "all_names", "as_numbers", "check", "exercise", "get", "hints", "not_numbers", "reference",
           "reference_source", "solution", "solutions_installed", "yours_or_solution"]

_REGISTRY = {}  # name -> Exercise
_ANSWERS = {}  # name -> (reference, mistakes), filled by vaelearn.exercises.solutions

#: The seed of the hidden cases: a compared exercise's ``cases(seed=HIDDEN_SEED)``, and a
#: judge's ``seed`` where it draws its own inputs. Graded assignments test on them too.
HIDDEN_SEED = 2027

ANSWER_KEY = Path(__file__).with_name("answer_key.npz")
#: Beside a check's result in a notebook's saved output: ``{"name": ..., "status": ...}``, so
#: that the course's website can show the exercise's hints there instead.
MIME_TYPE = "application/vnd.vaelearn.exercise+json"
_SOLUTIONS = f"{__name__.rpartition('.')[0]}.solutions"
NOT_INSTALLED = ("Solutions are not part of this installation (a graded course): "
                 "ask your instructor or a classmate for a hint.")


@dataclass(frozen=True)
class Mistake:
    """A classic wrong answer and the hint that points at it.

    ``answer`` computes what the mistaken code would return on the same inputs (compared
    exercises; the answer key stores its outputs); judged exercises return the hint
    themselves.
    """

    answer: object
    hint: str


@dataclass(frozen=True)
class Exercise:
    """How an exercise's answers are graded.

    Compared exercises have ``cases`` (a function returning argument tuples; with
    ``seed=HIDDEN_SEED``, the hidden ones), tolerances, an optional ``dtype`` the answer must
    have, and an optional ``accept(answer, *args)`` returning None for a right answer or what
    is wrong, for tasks with many right answers. Judged exercises have
    ``judge(answer, **context)`` returning None or a ``(message, hint)`` pair; with cases
    too, the judge runs once the outputs are right. The reference solution and the classic
    mistakes are :attr:`reference` and :attr:`mistakes`, where the answers are installed.
    """

    name: str
    cases: object = None
    judge: object = None
    rtol: float = 1e-5
    atol: float = 1e-6
    dtype: str | None = None
    accept: object = None

    @property
    def reference(self):
        """The reference solution (a function or a class).

        Raises
        ------
        LookupError
            In a graded installation, which has no solutions.
        """
        return _answers(self.name)[0]

    @property
    def mistakes(self):
        """The classic mistakes, each a :class:`Mistake` (where the answers are installed)."""
        return _answers(self.name)[1]

    @property
    def judge_takes_seed(self):
        """Whether the judge draws its own inputs from a ``seed`` (so it has hidden cases)."""
        return self.judge is not None and "seed" in inspect.signature(self.judge).parameters


def exercise(name, *, cases=None, judge=None, rtol=1e-5, atol=1e-6, dtype=None, accept=None):
    """Register an exercise: how its answers are graded.

    Parameters
    ----------
    name : str
    cases : callable, optional
        ``cases(seed=...)`` returns the argument tuples a compared exercise runs the answer
        on; called without a seed, the public ones.
    judge : callable, optional
        ``judge(answer, **context)`` returns None for a right answer, else
        ``(message, hint)``.
    rtol, atol : float
        Tolerances of the comparison with the reference's outputs.
    dtype : str, optional
        The dtype the answer's output must have.
    accept : callable, optional
        ``accept(answer_output, *args)`` returns None or what is wrong, for tasks with many
        right answers.

    Returns
    -------
    Exercise
    """
    if cases is None and judge is None:
        raise TypeError(f"exercise {name!r} needs cases (compared), a judge (judged) or both")
    _REGISTRY[name] = Exercise(name, cases, judge, rtol, atol, dtype, accept)
    return _REGISTRY[name]


def reference(name, *, mistakes=()):
    """Register the decorated function (or class) as the reference solution of an exercise.

    Used by :mod:`vaelearn.exercises.solutions` only.

    Parameters
    ----------
    name : str
    mistakes : sequence of Mistake
        Classic wrong answers, each with its hint.

    Returns
    -------
    callable
        The decorator.
    """
    def register(answer):
        _ANSWERS[name] = (answer, tuple(mistakes))
        return answer

    return register


def solutions_installed():
    """Whether this installation has the reference solutions (a graded one has not)."""
    return importlib.util.find_spec(_SOLUTIONS) is not None


def _answers(name):
    if name not in _ANSWERS:
        if not solutions_installed():
            raise LookupError(NOT_INSTALLED)
        _load_all(_SOLUTIONS)
    return _ANSWERS[name]


_PACKAGE = __name__.rpartition(".")[0]


def _load_all(package=_PACKAGE):
    """Import every module of a package, so that each registers what it defines."""
    folder = Path(importlib.import_module(package).__file__).parent
    for module in pkgutil.iter_modules([str(folder)]):
        if not module.ispkg and not module.name.startswith("_"):
            importlib.import_module(f"{package}.{module.name}")


@functools.cache
def _answer_key():
    with np.load(ANSWER_KEY) as key:
        return dict(key)


def get(name):
    """The registered exercise of this name.

    Parameters
    ----------
    name : str

    Returns
    -------
    Exercise
    """
    if name not in _REGISTRY:  # import every exercise module, not only those imported so far
        _load_all()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"No exercise {name!r}; known: {', '.join(sorted(_REGISTRY))}.") from None


def all_names():
    """The names of every exercise of the course, sorted."""
    _load_all()
    return sorted(_REGISTRY)


@dataclass
class ExerciseResult:
    """``status`` is "passed", "failed", "error" or "not attempted"."""

    name: str
    status: str
    message: str
    details: list = field(default_factory=list)

    @property
    def passed(self):
        return self.status == "passed"

    @property
    def hint(self):
        """The hint among the details, or None."""
        return next((d[len("hint: "):] for d in self.details if d.startswith("hint: ")), None)

    def __bool__(self):
        return self.passed

    def __repr__(self):
        lines = [f"[{self.status}] {self.name}: {self.message}"] + [f"  - {d}" for d in self.details]
        return "\n".join(lines)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {MIME_TYPE: {"name": self.name, "status": self.status}}  # IPython adds the rest

    def _repr_html_(self):
        colour = {"passed": "#1a7f37", "not attempted": "#6e7781"}.get(self.status, "#cf222e")
        items = "".join(f"<li>{html.escape(d)}</li>" for d in self.details)
        return (f'<div style="border-left:4px solid {colour};padding-left:8px">'
                f"<b>{html.escape(self.status.capitalize())}</b>: {html.escape(self.message)}"
                f"{f'<ul>{items}</ul>' if items else ''}</div>")


_NOT_ATTEMPTED = ("Replace the `raise NotImplementedError` with your code, then run this cell "
                  "again.")


def _describe(args):
    return ", ".join(f"array{np.shape(a)}" if np.ndim(a) else repr(a) for a in args)


def as_numbers(value):
    """A learner's output as numbers.

    Parameters
    ----------
    value : object
        Tensors of any Keras backend are converted.

    Returns
    -------
    numpy.ndarray of float64 or None
        None if it is not numbers (None, text, objects).
    """
    if value is None or isinstance(value, (str, bytes)):
        return None
    if not isinstance(value, (np.ndarray, np.generic, int, float, list, tuple)):
        try:
            from keras import ops

            if ops.is_tensor(value):
                value = ops.convert_to_numpy(value)
        except Exception:  # not a tensor of any backend Keras knows
            pass
    try:
        return np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        return None


def not_numbers(value):
    """What to tell a learner whose function returned something other than numbers.

    Parameters
    ----------
    value : object
        What the function returned.

    Returns
    -------
    str
    """
    if value is None:
        return "Your function returned None: end it with `return` and its result."
    if isinstance(value, (str, bytes)):
        return f"Your function returned text ({value[:40]!r}), not numbers."
    return f"Your function returned a {type(value).__name__}, not an array of numbers."


def hints(name):
    """The hints of an exercise's classic mistakes, which :func:`check` gives when an answer
    makes one of them; never the solution.

    Read from the answer key, so a graded installation has them too. Judged exercises give
    their hints as they judge, and have none here.

    Parameters
    ----------
    name : str

    Returns
    -------
    tuple of str
    """
    get(name)  # an unknown name is an error
    key = _answer_key()
    return tuple(str(key[f"{name}/hint/{j}"]) for j in range(int(key.get(f"{name}/mistakes", 0))))


def _key_entry(ex, which, i):
    key = _answer_key()
    entry = f"{ex.name}/{which}/{i}"
    if entry not in key:
        raise LookupError(f"{ANSWER_KEY} has no outputs for case {i} of {ex.name!r}: run "
                          "`python -m vaelearn.exercises.solutions` to rewrite it.")
    return entry


def _diagnose(ex, got, entry):
    """The hint of the classic mistake whose stored output ``got`` matches, or None."""
    key = _answer_key()
    for j, hint in enumerate(hints(ex.name)):
        wrong = key.get(f"{entry}/mistake/{j}")
        if wrong is not None and wrong.shape == got.shape and np.allclose(
                got, wrong, rtol=ex.rtol, atol=ex.atol, equal_nan=True):
            return hint
    return None


def _compare(ex, answer, hidden):
    which = "hidden" if hidden else "public"
    cases = ex.cases(seed=HIDDEN_SEED) if hidden else ex.cases()
    for i, args in enumerate(cases):
        entry = _key_entry(ex, which, i)
        where = [f"on inputs ({_describe(args)})"]
        try:
            got = answer(*args)
        except NotImplementedError:
            return ExerciseResult(ex.name, "not attempted", _NOT_ATTEMPTED)
        except Exception as e:  # the learner's code may fail in any way; report it
            return _raised(ex, "Your function", e, where)
        numbers = as_numbers(got)
        if numbers is None:
            return ExerciseResult(ex.name, "failed", not_numbers(got), where)
        problem = _problem(ex, got, numbers, args, _answer_key()[entry])
        if problem is not None:
            message, details = problem
            hint = _diagnose(ex, numbers, entry)
            return ExerciseResult(ex.name, "failed", message,
                               where + details + ([f"hint: {hint}"] if hint else []))
    return ExerciseResult(ex.name, "passed", f"All {len(cases)} test cases agree with the reference.")


# What PyTorch and NumPy say when NumPy meets a tensor: `array * tensor`, `array + tensor`,
# `np.sum(tensor, axis=...)`.
_NUMPY_MEETS_TENSOR = ("'numpy.ndarray' and 'Tensor'", "not implemented for NumPy arrays",
                       "unexpected keyword argument 'axis'")
_USE_KERAS_OPS = ("NumPy and the backend's tensors were mixed, which PyTorch refuses. Write the "
                  "whole computation with keras.ops (ops.exp, ops.sum, ...): it runs on every "
                  "backend.")


def _raised(ex, who, error, where):
    """The result for an answer that raised ``error``: a mistake with a hint when it is the
    NumPy-meets-tensor slip, else an error that shows the exception."""
    message = f"{who} raised {type(error).__name__}: {error}"
    if isinstance(error, TypeError) and any(s in str(error) for s in _NUMPY_MEETS_TENSOR):
        return ExerciseResult(ex.name, "failed", message, where + [f"hint: {_USE_KERAS_OPS}"])
    return ExerciseResult(ex.name, "error", message, where)


def _dtype_of(value):
    if isinstance(value, (np.ndarray, np.generic)):
        return value.dtype
    from keras import backend

    return np.dtype(backend.standardize_dtype(value.dtype)) if hasattr(value, "dtype") else \
        np.asarray(value).dtype


def _problem(ex, got, numbers, args, expected):
    """What is wrong with the output ``got`` (as ``numbers``) on ``args``, where the
    reference gives ``expected``: (message, details), or None."""
    if numbers.shape != expected.shape:
        return f"Wrong shape: expected {expected.shape}, got {numbers.shape}.", []
    if ex.dtype is not None and _dtype_of(got) != np.dtype(ex.dtype):
        return f"Wrong dtype: expected {ex.dtype}, got {_dtype_of(got)}.", []
    if ex.accept is not None:
        message = ex.accept(numbers, *args)
        return None if message is None else (message, [])
    if not np.allclose(numbers, expected, rtol=ex.rtol, atol=ex.atol):
        worst = np.max(np.abs(numbers - expected)) if np.isfinite(numbers).all() else np.inf
        return "Some values differ from the expected ones.", [f"largest difference {worst:.3g}"]
    return None


def _judge(ex, answer, context, hidden):
    if hidden and ex.judge_takes_seed:
        context = {**context, "seed": HIDDEN_SEED}
    try:
        verdict = ex.judge(answer, **context)
    except NotImplementedError:
        return ExerciseResult(ex.name, "not attempted", _NOT_ATTEMPTED)
    except Exception as e:  # the learner's code may fail in any way; report it
        return _raised(ex, "Your code", e, [])
    if verdict is None:
        return ExerciseResult(ex.name, "passed", "It does what the exercise asks.")
    message, hint = verdict
    return ExerciseResult(ex.name, "failed", message, [f"hint: {hint}"] if hint else [])


def _grade(name, answer, context, hidden=False):
    ex = get(name)
    if ex.cases is not None:
        result = _compare(ex, answer, hidden)
        if not result.passed or ex.judge is None:
            return result
    return _judge(ex, answer, context, hidden)


def check(name, answer, *, hidden=False, **context):
    """Grade an answer and record the attempt in the learner's records.

    Never raises for a wrong or unfinished answer.

    Parameters
    ----------
    name : str
        The exercise.
    answer : callable
        The learner's function or class.
    hidden : bool
        Grade on the hidden cases instead (``HIDDEN_SEED``): other inputs for compared
        exercises and for judges that draw their own; graded assignments use them.
    **context
        What a judged exercise grades the answer with (a trained model, test data), as the
        notebook says.

    Returns
    -------
    ExerciseResult
    """
    result = _grade(name, answer, context, hidden)
    if result.status != "not attempted":
        _record(result)
    return result


def _record(result):
    try:
        records.record(records.Attempt.now(records.EXERCISES, result.name, result.status,
                                           result.passed))
    except Exception as e:  # progress must never stop a notebook
        warnings.warn(f"This exercise's result could not be recorded: {e}", ProgressWarning,
                      stacklevel=3)


def yours_or_solution(name, answer, **context):
    """The learner's answer if it passes its check, else the course's solution (and a line
    saying so), so that a learner who skipped the exercise can run the rest of the
    notebook. Records nothing. In a graded installation, which has no solutions, the
    learner's answer whatever its check says (and a line saying so).

    Parameters
    ----------
    name : str
    answer : callable
    **context
        As :func:`check`'s.

    Returns
    -------
    callable
    """
    result = _grade(name, answer, context)
    if result.passed:
        return answer
    why = ("you have not written yours yet" if result.status == "not attempted"
           else "yours has not passed its check yet")
    if not solutions_installed():
        print(f"Using your {name!r} although {why}: {NOT_INSTALLED}")
        return answer
    print(f"Using the course's solution of {name!r} ({why}).")
    return get(name).reference


class Solution:
    """The reference source code, shown as a highlighted code block in a notebook.

    Parameters
    ----------
    source : str
    """

    def __init__(self, source):
        self.source = source

    def __repr__(self):
        return self.source

    def _repr_markdown_(self):
        return f"```python\n{self.source}```"


def solution(name):
    """Reveal the reference solution of an exercise.

    Parameters
    ----------
    name : str

    Returns
    -------
    Solution or None
        None in a graded installation, which has no solutions (it says so in one line).
    """
    if not solutions_installed():
        get(name)  # an unknown name is still an error
        print(NOT_INSTALLED)
        return None
    return Solution(reference_source(name))


def reference_source(name):
    """The source code of an exercise's reference solution, from its ``def`` or ``class``
    line on (without the decorator that registers it and its classic mistakes).

    Parameters
    ----------
    name : str

    Returns
    -------
    str

    Raises
    ------
    LookupError
        In a graded installation, which has no solutions.
    """
    source = textwrap.dedent(inspect.getsource(get(name).reference))
    definition = ast.parse(source).body[0]
    return "\n".join(source.splitlines()[definition.lineno - 1:]) + "\n"
