"""Exercises of notebook 02: the reconstruction loss."""

import numpy as np

from . import exercise


def _bce_cases():
    rng = np.random.default_rng(2)
    return [(rng.uniform(size=(4, 6)), rng.uniform(0.05, 0.95, size=(4, 6))),
            (np.round(rng.uniform(size=(3, 8, 8, 1))), rng.uniform(0.01, 0.99, size=(3, 8, 8, 1))),
            (np.array([[0.0, 1.0, 0.5]]), np.array([[0.5, 0.5, 0.5]]))]


@exercise("bernoulli_nll", _bce_cases,
          hint="-log p(x|z) = -sum over pixels of [x log p + (1 - x) log(1 - p)]: sum (not mean) "
               "over every axis except the first, one value per image.")
def bernoulli_nll(x, p):
    x, p = np.asarray(x, "float64"), np.asarray(p, "float64")
    nll = -(x * np.log(p) + (1.0 - x) * np.log(1.0 - p))
    return nll.reshape(len(nll), -1).sum(axis=1)
