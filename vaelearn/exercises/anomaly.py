"""Exercises of notebook 06: anomaly detection."""

import numpy as np

from . import exercise


def _cases():
    rng = np.random.default_rng(6)
    return [(rng.normal(size=500), 0.05), (rng.normal(-20.0, 3.0, size=200), 0.01),
            (np.arange(11.0), 0.2)]


@exercise("threshold_for_fpr", _cases,
          hint="Scores are 'higher = more normal', so the normal examples you flag are the lowest "
               "ones: take the fpr-quantile of the normal scores (np.quantile), not 1 - fpr.")
def threshold_for_fpr(normal_scores, fpr):
    return np.quantile(normal_scores, fpr)
