"""Exercise of notebook 11: a confidence interval for the gain of augmentation."""

import numpy as np

from .engine import exercise

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)


def _cases(seed=10):
    rng = np.random.default_rng(seed)
    without = rng.uniform(0.70, 0.80, size=5)
    return [(without + rng.normal(0.02, 0.01, size=5), without, 0.95),
            (rng.uniform(0.85, 0.9, size=8), rng.uniform(0.84, 0.9, size=8), 0.9),
            (np.array([0.71, 0.74, 0.69, 0.75]), np.array([0.70, 0.70, 0.70, 0.71]), 0.99)]


exercise("paired_interval", cases=_cases)
