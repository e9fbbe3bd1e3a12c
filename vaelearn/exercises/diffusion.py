"""Exercise of notebook 16: the forward process's closed-form draw, compared on cases."""

import numpy as np

from .engine import exercise

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)


def _schedule(n_steps):
    """A linear schedule's alpha_bar, shaped (T + 1,) with alpha_bar[0] = 1."""
    betas = np.linspace(0.05, 0.4, n_steps)
    return np.concatenate([[1.0], np.cumprod(1.0 - betas)])


def _cases(seed=16):
    rng = np.random.default_rng(seed)
    cases = []
    for n, shape, n_steps in ((6, (2,), 5), (4, (3, 2), 8), (5, (1,), 3)):
        alpha_bar = _schedule(n_steps)
        t = rng.integers(1, n_steps + 1, size=n)
        t[0], t[-1] = 1, n_steps  # the first and the last step
        cases.append((rng.normal(size=(n, *shape)), t, alpha_bar, rng.normal(size=(n, *shape))))
    alpha_bar = _schedule(4)  # t = 0: the data themselves
    cases.append((rng.normal(size=(3, 2)), np.array([0, 2, 4]), alpha_bar, rng.normal(size=(3, 2))))
    return cases


exercise("forward_diffusion", cases=_cases, rtol=1e-5, atol=1e-6)
