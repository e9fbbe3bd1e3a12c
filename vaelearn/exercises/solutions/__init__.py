"""The answers of the course's exercises: reference solutions and classic mistakes.

Each module holds the answers of one notebook's exercises and registers them with
:func:`vaelearn.exercises.engine.reference`. A graded installation leaves this package out
(``make graded-wheel``); its checks grade against the answer key, which :func:`answer_key`
computes from the answers here and ``python -m vaelearn.exercises.solutions`` writes.
"""

import numpy as np

from .. import engine

__all__ = ["answer_key", "write_answer_key"]


def _outputs(answer, cases, i):
    """``answer``'s output on case ``i`` as float64 numbers, or None if it raises or is not
    numbers. ``cases()`` makes fresh inputs, since some hold a random generator."""
    try:
        with np.errstate(all="ignore"):
            return engine.as_numbers(answer(*cases()[i]))
    except Exception:  # a mistake may fail where the right answer does not: no output
        return None


def answer_key():
    """The answer key of every compared exercise.

    Returns
    -------
    dict of str to numpy.ndarray
        ``{name}/{public|hidden}/{i}``: the reference's output on case ``i``;
        ``.../mistake/{j}``: classic mistake ``j``'s output there, where it has one;
        ``{name}/mistakes``: how many mistakes; ``{name}/hint/{j}``: mistake ``j``'s hint.
    """
    key = {}
    for name in engine.all_names():
        ex = engine.get(name)
        if ex.cases is None:
            continue
        key[f"{name}/mistakes"] = np.array(len(ex.mistakes))
        for j, mistake in enumerate(ex.mistakes):
            key[f"{name}/hint/{j}"] = np.array(mistake.hint)
        for which, cases in (("public", ex.cases),
                             ("hidden", lambda ex=ex: ex.cases(seed=engine.HIDDEN_SEED))):
            for i in range(len(cases())):
                key[f"{name}/{which}/{i}"] = _outputs(ex.reference, cases, i)
                for j, mistake in enumerate(ex.mistakes):
                    wrong = _outputs(mistake.answer, cases, i)
                    if wrong is not None:
                        key[f"{name}/{which}/{i}/mistake/{j}"] = wrong
    return key


def write_answer_key(path=engine.ANSWER_KEY):
    """Write :func:`answer_key` to ``path`` (by default, beside the grading engine).

    Parameters
    ----------
    path : str or pathlib.Path
    """
    np.savez_compressed(path, **answer_key())
