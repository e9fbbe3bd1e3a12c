"""Exercise of notebook 15: the KL part of a two-layer VAE's ELBO, from one draw."""

import numpy as np

from .engine import exercise

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)


def _case(rng, n, d1, d2, spread):
    q1_mean, p1_mean = rng.normal(0, spread, (n, d1)), rng.normal(0, spread, (n, d1))
    q1_log_var, p1_log_var = rng.normal(-1, 0.7, (n, d1)), rng.normal(0, 0.5, (n, d1))
    q2_mean, q2_log_var = rng.normal(0, spread, (n, d2)), rng.normal(-0.5, 0.5, (n, d2))
    z1 = q1_mean + np.exp(0.5 * q1_log_var) * rng.standard_normal((n, d1))
    z2 = q2_mean + np.exp(0.5 * q2_log_var) * rng.standard_normal((n, d2))
    return z1, z2, q1_mean, q1_log_var, q2_mean, q2_log_var, p1_mean, p1_log_var


def _cases(seed=15):
    rng = np.random.default_rng(seed)
    return [_case(rng, 6, 4, 2, 1.0), _case(rng, 1, 3, 3, 2.0), _case(rng, 20, 8, 1, 0.5)]


exercise("hierarchical_kl", cases=_cases, rtol=1e-5, atol=1e-4)
