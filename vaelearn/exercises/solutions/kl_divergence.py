"""The answers of notebook 03's exercises: their reference solutions and classic mistakes."""

import numpy as np
from scipy.special import logsumexp

from ..engine import Mistake, reference

__all__ = []  # reached by name: vaelearn.exercises.get(...).reference and .mistakes


@reference("iwae_bound", mistakes=[
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
    top = log_weights.max(axis=0)
    return top + np.log(np.mean(np.exp(log_weights - top), axis=0))
