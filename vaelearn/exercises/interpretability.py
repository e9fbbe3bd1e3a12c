"""Exercise of notebook 09: the mutual information gap of a code, from its information matrix."""

import numpy as np

from .engine import exercise

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)


def _cases(seed=11):
    rng = np.random.default_rng(seed)
    info = rng.uniform(0.0, 1.0, size=(6, 4))
    square = rng.uniform(0.0, 2.0, size=(4, 4))  # as many dimensions as factors
    ties = np.array([[0.5, 0.0], [0.5, 0.0], [0.0, 0.3]])  # a tie, and a factor in one dimension
    return [(square, rng.uniform(2.0, 3.0, size=4)), (info, rng.uniform(1.0, 2.5, size=4)),
            (ties, np.array([np.log(2.0), np.log(3.0)]))]


exercise("information_gap", cases=_cases)
