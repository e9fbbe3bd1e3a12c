"""Exercise of notebook 03: the importance-weighted bound, computed stably."""

import numpy as np
from scipy.special import logsumexp

from .engine import Mistake, exercise

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)


def _cases():
    rng = np.random.default_rng(3)
    return [(rng.normal(-90.0, 3.0, size=(10, 4)),),
            (rng.normal(-1500.0, 40.0, size=(100, 3)),),  # exp() of these is 0 in float64
            (np.array([[-1.0], [-1.0]]),),
            (np.full((1, 5), -7.0),)]


@exercise("iwae_bound", cases=_cases, rtol=1e-7, atol=1e-6, mistakes=[
    Mistake(lambda lw: lw.mean(axis=0),
            "That is the ELBO: you averaged the log weights. The bound averages the weights "
            "themselves, inside the log."),
    Mistake(lambda lw: np.log(np.mean(np.exp(lw), axis=0)),
            "Right formula, but exp() of log weights near -1,000 is 0 in floating point, and the "
            "log of 0 is -inf. Take the largest log weight out before exponentiating."),
    Mistake(lambda lw: logsumexp(lw, axis=0),
            "You summed the k weights; the bound averages them."),
    Mistake(lambda lw: logsumexp(lw, axis=1) - np.log(lw.shape[1]),
            "Wrong axis: the k samples of one example are along axis 0, the examples along axis 1."),
])
def iwae_bound(log_weights):
    k = log_weights.shape[0]
    top = log_weights.max(axis=0)
    return top + np.log(np.mean(np.exp(log_weights - top), axis=0))
