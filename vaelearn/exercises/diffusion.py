"""Exercise of notebook 16: the forward process's closed-form draw, compared on cases."""

import numpy as np

from .engine import Mistake, exercise

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)


def _schedule(n_steps):
    """A linear schedule's alpha_bar, shaped (T + 1,) with alpha_bar[0] = 1."""
    betas = np.linspace(0.05, 0.4, n_steps)
    return np.concatenate([[1.0], np.cumprod(1.0 - betas)])


def _cases():
    rng = np.random.default_rng(16)
    cases = []
    for n, shape, n_steps in ((6, (2,), 5), (4, (3, 2), 8), (5, (1,), 3)):
        alpha_bar = _schedule(n_steps)
        t = rng.integers(1, n_steps + 1, size=n)
        t[0], t[-1] = 1, n_steps  # the first and the last step
        cases.append((rng.normal(size=(n, *shape)), t, alpha_bar, rng.normal(size=(n, *shape))))
    alpha_bar = _schedule(4)  # t = 0: the data themselves
    cases.append((rng.normal(size=(3, 2)), np.array([0, 2, 4]), alpha_bar, rng.normal(size=(3, 2))))
    return cases


def _per_example(values, x):
    return np.reshape(values, (-1,) + (1,) * (np.ndim(x) - 1))


def _with(coefficient):
    """The answer that uses ``coefficient(alpha_bar, t)`` in place of alpha_bar_t."""
    def answer(x0, t, alpha_bar, eps):
        a = _per_example(coefficient(np.asarray(alpha_bar), np.asarray(t)), x0)
        return np.sqrt(a) * x0 + np.sqrt(1.0 - a) * eps
    return answer


def _alpha_t(alpha_bar, t):
    previous = np.concatenate([[1.0], alpha_bar[:-1]])
    return (alpha_bar / previous)[t]


def _variances(x0, t, alpha_bar, eps):
    a = _per_example(np.asarray(alpha_bar)[t], x0)
    return a * x0 + (1.0 - a) * eps


def _one_minus_sqrt(x0, t, alpha_bar, eps):
    a = _per_example(np.asarray(alpha_bar)[t], x0)
    return np.sqrt(a) * x0 + (1.0 - np.sqrt(a)) * eps


@exercise("forward_diffusion", cases=_cases, rtol=1e-5, atol=1e-6, mistakes=[
    Mistake(_with(_alpha_t),
            "You used alpha_t, the signal kept by step t alone. The closed form jumps from x_0 "
            "to x_t in one draw, so it needs alpha_bar_t, the product of every step's alpha: "
            "alpha_bar[t] itself."),
    Mistake(_variances,
            "alpha_bar_t and 1 - alpha_bar_t are variances; x_0 and eps are scaled by standard "
            "deviations, their square roots."),
    Mistake(_one_minus_sqrt,
            "The noise's scale is sqrt(1 - alpha_bar_t), not 1 - sqrt(alpha_bar_t): the two "
            "variances, not the two scales, add up to 1."),
    Mistake(_with(lambda alpha_bar, t: alpha_bar[t - 1]),
            "Off by one: alpha_bar has T + 1 entries, indexed by the step itself "
            "(alpha_bar[0] = 1 is the data), so step t reads alpha_bar[t], not alpha_bar[t - 1]."),
])
def forward_diffusion(x0, t, alpha_bar, eps):
    alpha_bar_t = np.asarray(alpha_bar)[t]                           # (n,): one per example
    alpha_bar_t = alpha_bar_t.reshape((-1,) + (1,) * (x0.ndim - 1))  # broadcast over the rest
    return np.sqrt(alpha_bar_t) * x0 + np.sqrt(1.0 - alpha_bar_t) * eps
