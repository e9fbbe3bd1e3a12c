"""Exercise of notebook 14: the log-density of a mixture prior, computed stably."""

import numpy as np

from .engine import exercise

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)


def _cases(seed=14):
    rng = np.random.default_rng(seed)
    mu, log_var = rng.normal(0.0, 2.0, (5, 3)), rng.uniform(-2.0, 1.0, (5, 3))
    far_mu, far_log_var = rng.normal(0.0, 1.0, (4, 8)), np.full((4, 8), -4.0)
    return [
        (rng.normal(0.0, 2.0, (7, 3)), mu, log_var),
        # Codes far from every narrow component: each density is exp(-thousands), 0 in float64.
        (rng.normal(0.0, 1.0, (6, 8)) + 40.0, far_mu, far_log_var),
        (rng.normal(0.0, 1.0, (4, 2)), rng.normal(0.0, 1.0, (1, 2)), rng.uniform(-1.0, 1.0, (1, 2))),
        (rng.normal(0.0, 1.0, (3, 1)), np.array([[-1.0], [1.0]]), np.array([[0.0], [0.5]])),
    ]


exercise("mixture_log_prior", cases=_cases, rtol=1e-6, atol=1e-6)
