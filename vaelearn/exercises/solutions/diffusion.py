"""The answers of notebook 16's exercises: their reference solutions and classic mistakes."""

import numpy as np

from ..engine import Mistake, reference

__all__ = []  # reached by name: vaelearn.exercises.get(...).reference and .mistakes


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


@reference("forward_diffusion", mistakes=[
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
