"""The answers of notebook 11's exercises: their reference solutions and classic mistakes."""

import numpy as np
from scipy import stats

from ..engine import Mistake, reference

__all__ = []  # reached by name: vaelearn.exercises.get(...).reference and .mistakes

_UNPAIRED = ("Both accuracies of a repeat come from the same labelled subset: use the spread of "
             "the paired differences, not of each list separately.")


def _interval(mean, standard_error, quantile):
    return np.array([mean, mean - quantile * standard_error, mean + quantile * standard_error])


def _slip(*, sign=1, spread=None, quantile=None):
    """The interval a classic slip computes: the differences' sign flipped, another spread
    (a function of the two lists and the differences) or another quantile (of the level and n)."""
    def answer(with_augmentation, without, level):
        a, b = np.asarray(with_augmentation, "float64"), np.asarray(without, "float64")
        d, n = sign * (a - b), len(a)
        se = d.std(ddof=1) / np.sqrt(n) if spread is None else spread(a, b, d)
        q = stats.t.ppf((1 + level) / 2, n - 1) if quantile is None else quantile(level, n)
        return _interval(d.mean(), se, q)
    return answer


def _unpaired(a, b, d):
    return np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))


@reference("paired_interval", mistakes=[
    Mistake(_slip(sign=-1), "Your interval is for without minus with: the gain of augmentation "
                            "is accuracy with it minus accuracy without."),
    Mistake(_slip(quantile=lambda level, n: stats.norm.ppf((1 + level) / 2)),
            "Your interval is too narrow for so few repeats: with n repeats the quantile comes "
            "from Student's t with n - 1 degrees of freedom, not from the normal distribution."),
    Mistake(_slip(spread=lambda a, b, d: d.std() / np.sqrt(len(d))),
            "The standard deviation of the differences needs ddof=1 (n - 1 in the denominator)."),
    Mistake(_slip(spread=lambda a, b, d: d.std(ddof=1)),
            "That is the spread of single differences; the mean's standard error divides it by "
            "sqrt(n)."),
    Mistake(_slip(spread=_unpaired), _UNPAIRED),
    Mistake(_slip(spread=_unpaired, quantile=lambda level, n: stats.t.ppf((1 + level) / 2, 2 * n - 2)),
            _UNPAIRED),
])
def paired_interval(with_augmentation, without, level):
    differences = np.asarray(with_augmentation) - np.asarray(without)
    n = len(differences)
    mean, se = differences.mean(), differences.std(ddof=1) / np.sqrt(n)
    half = stats.t.ppf((1 + level) / 2, n - 1) * se
    return np.array([mean, mean - half, mean + half])
