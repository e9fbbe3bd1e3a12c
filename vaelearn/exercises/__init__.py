"""Auto-checked "your turn" exercises.

A notebook asks the learner to write a function, then calls ``check(name, their_function)``:
the function runs on the exercise's test inputs and its results are compared with the
reference solution's. ``check`` never raises for a wrong or unfinished answer (the notebook
keeps running); it returns a :class:`CheckResult` that shows what went wrong. The reference
stays hidden until the learner asks for ``solution(name)``.

Exercises are defined in the modules of this package with the :func:`exercise` decorator.
"""

import html
import importlib
import inspect
import pkgutil
import textwrap
from dataclasses import dataclass, field

import numpy as np

__all__ = ["CheckResult", "Exercise", "Solution", "check", "exercise", "get", "solution"]

_REGISTRY = {}


@dataclass(frozen=True)
class Exercise:
    """A reference function, the inputs it is checked on, and how closely to compare.

    ``dtype``: the dtype the answer must have, when the task names one. ``accept``: for
    tasks with more than one right answer, ``accept(answer, *args)`` returns None for a
    right answer or says what is wrong; it replaces the comparison with the reference.
    """

    name: str
    reference: object
    cases: object  # a function returning a list of argument tuples
    rtol: float = 1e-5
    atol: float = 1e-6
    hint: str = ""
    dtype: str | None = None
    accept: object = None


def exercise(name, cases, rtol=1e-5, atol=1e-6, hint="", dtype=None, accept=None):
    """Register the decorated function as the reference solution of exercise ``name``."""

    def register(reference):
        _REGISTRY[name] = Exercise(name, reference, cases, rtol, atol, hint, dtype, accept)
        return reference

    return register


def get(name):
    """The registered :class:`Exercise` called ``name``."""
    if name not in _REGISTRY:  # import every exercise module, not only those imported so far
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"No exercise {name!r}; known: {', '.join(sorted(_REGISTRY))}.") from None


@dataclass
class CheckResult:
    """``status`` is "passed", "failed", "error" or "not attempted"."""

    name: str
    status: str
    message: str
    details: list = field(default_factory=list)

    @property
    def passed(self):
        return self.status == "passed"

    def __bool__(self):
        return self.passed

    def __repr__(self):
        lines = [f"[{self.status}] {self.name}: {self.message}"] + [f"  - {d}" for d in self.details]
        return "\n".join(lines)

    def _repr_html_(self):
        colour = {"passed": "#1a7f37", "not attempted": "#6e7781"}.get(self.status, "#cf222e")
        items = "".join(f"<li>{html.escape(d)}</li>" for d in self.details)
        return (f'<div style="border-left:4px solid {colour};padding-left:8px">'
                f"<b>{html.escape(self.status.capitalize())}</b>: {html.escape(self.message)}"
                f"{f'<ul>{items}</ul>' if items else ''}</div>")


def _describe(args):
    return ", ".join(f"array{np.shape(a)}" if np.ndim(a) else repr(a) for a in args)


def _as_numbers(value):
    """``value`` as a float64 array, or None if it is not numbers (None, text, objects)."""
    if value is None or isinstance(value, (str, bytes)):
        return None
    try:
        return np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        return None


def _not_numbers(value):
    if value is None:
        return "Your function returned None: end it with `return` and its result."
    if isinstance(value, (str, bytes)):
        return f"Your function returned text ({value[:40]!r}), not numbers."
    return f"Your function returned a {type(value).__name__}, not an array of numbers."


def check(name, function):
    """Run ``function`` on exercise ``name``'s test inputs and compare with the reference."""
    ex = get(name)
    for args in ex.cases():
        expected = ex.reference(*args)
        try:
            got = function(*args)
        except NotImplementedError:
            return CheckResult(name, "not attempted",
                               "Replace the `raise NotImplementedError` with your code, then run "
                               "this cell again.")
        except Exception as e:  # the learner's code may fail in any way; report it
            return CheckResult(name, "error", f"Your function raised {type(e).__name__}: {e}",
                               [f"on inputs ({_describe(args)})"])
        numbers = _as_numbers(got)
        if numbers is None:
            return CheckResult(name, "failed", _not_numbers(got), [f"on inputs ({_describe(args)})"])
        if numbers.shape != np.shape(expected):
            return CheckResult(name, "failed",
                               f"Wrong shape: expected {np.shape(expected)}, got {numbers.shape}.",
                               [f"on inputs ({_describe(args)})"])
        if ex.dtype is not None and np.asarray(got).dtype != np.dtype(ex.dtype):
            return CheckResult(name, "failed",
                               f"Wrong dtype: expected {ex.dtype}, got {np.asarray(got).dtype}.",
                               [f"on inputs ({_describe(args)})"])
        if ex.accept is not None:
            problem = ex.accept(got, *args)
            if problem:
                details = [f"on inputs ({_describe(args)})"] + ([f"hint: {ex.hint}"] if ex.hint else [])
                return CheckResult(name, "failed", problem, details)
            continue
        if not np.allclose(numbers, expected, rtol=ex.rtol, atol=ex.atol):
            worst = float(np.max(np.abs(numbers - expected)))
            details = [f"on inputs ({_describe(args)})", f"largest difference {worst:.3g}"]
            if ex.hint:
                details.append(f"hint: {ex.hint}")
            return CheckResult(name, "failed", "Some values differ from the expected ones.", details)
    return CheckResult(name, "passed", f"All {len(ex.cases())} test cases agree with the reference.")


class Solution:
    """The reference source code, shown as a highlighted code block in a notebook."""

    def __init__(self, source):
        self.source = source

    def __repr__(self):
        return self.source

    def _repr_markdown_(self):
        return f"```python\n{self.source}```"


def solution(name):
    """Reveal the reference solution of exercise ``name``."""
    source = textwrap.dedent(inspect.getsource(get(name).reference))
    return Solution(source[source.index("def "):])


def use_solution(name):
    """The course's solution of exercise ``name``, as a function, for a learner who skipped
    the exercise and wants the rest of the notebook to run. Says so when called."""
    print(f"Using the course's solution of {name!r} (yours has not passed its check yet).")
    return get(name).reference
