"""Exercises of notebook 03: the KL divergence and the ELBO."""

import numpy as np

from . import exercise


def _kl_cases():
    rng = np.random.default_rng(3)
    return [(rng.normal(size=(6, 4)), rng.normal(size=(6, 4))),
            (np.zeros((2, 3)), np.zeros((2, 3))),
            (np.array([[1.0, -2.0]]), np.array([[np.log(4.0), np.log(0.25)]]))]


@exercise("gaussian_kl", _kl_cases,
          hint="Per dimension 1/2 (mu^2 + sigma^2 - log sigma^2 - 1) with sigma^2 = exp(log_var) "
               "and log sigma^2 = log_var; then sum over the last axis (one value per example).")
def gaussian_kl(mu, log_var):
    return 0.5 * np.sum(mu**2 + np.exp(log_var) - log_var - 1.0, axis=-1)
