"""The answers of notebook 15's exercises: their reference solutions and classic mistakes."""

import numpy as np

from ..engine import Mistake, reference

__all__ = []  # reached by name: vaelearn.exercises.get(...).reference and .mistakes

_LOG_2PI = np.log(2 * np.pi)


def _log_normal(z, mean, log_var):
    """log N(z; mean, diag(exp(log_var))) summed over the last axis, float64."""
    z, mean, log_var = (np.asarray(v, dtype="float64") for v in (z, mean, log_var))
    return -0.5 * np.sum(_LOG_2PI + log_var + (z - mean) ** 2 * np.exp(-log_var), axis=-1)


def _without_top_prior(z1, z2, q1_mean, q1_log_var, q2_mean, q2_log_var, p1_mean, p1_log_var):
    return (_log_normal(z1, q1_mean, q1_log_var) + _log_normal(z2, q2_mean, q2_log_var)
            - _log_normal(z1, p1_mean, p1_log_var))


def _one_layer_closed_form(z1, z2, q1_mean, q1_log_var, *rest):
    return 0.5 * np.sum(q1_mean ** 2 + np.exp(q1_log_var) - q1_log_var - 1, axis=-1)


def _both_closed_form(z1, z2, q1_mean, q1_log_var, q2_mean, q2_log_var, *rest):
    return (_one_layer_closed_form(z1, z2, q1_mean, q1_log_var)
            + _one_layer_closed_form(z2, z1, q2_mean, q2_log_var))


def _standard_normal_for_z1(z1, z2, q1_mean, q1_log_var, q2_mean, q2_log_var, *rest):
    zeros1, zeros2 = np.zeros_like(z1), np.zeros_like(z2)
    return (_log_normal(z1, q1_mean, q1_log_var) + _log_normal(z2, q2_mean, q2_log_var)
            - _log_normal(z1, zeros1, zeros1) - _log_normal(z2, zeros2, zeros2))


def _log_var_as_log_std(z1, z2, q1_mean, q1_log_var, q2_mean, q2_log_var, p1_mean, p1_log_var):
    zeros2 = np.zeros_like(z2)
    return (_log_normal(z1, q1_mean, 2 * q1_log_var) + _log_normal(z2, q2_mean, 2 * q2_log_var)
            - _log_normal(z1, p1_mean, 2 * p1_log_var) - _log_normal(z2, zeros2, zeros2))


def _flipped(*args):
    return -hierarchical_kl(*args)


@reference("hierarchical_kl", mistakes=[
    Mistake(_flipped,
            "The sign is flipped: the KL term is what q says minus what the prior says, "
            "log q(z1|x) + log q(z2|z1) - log p(z1|z2) - log p(z2); it is subtracted from the "
            "reconstruction term in the ELBO, never added."),
    Mistake(_without_top_prior,
            "You left out the top prior: subtract log p(z2) = log N(z2; 0, I) too. Without it, "
            "nothing pulls q(z2|z1) towards anything, and z2 is free to carry unbounded "
            "information."),
    Mistake(_one_layer_closed_form,
            "That is the closed-form KL of a one-layer VAE, KL(q(z1|x) || N(0, I)). In a "
            "hierarchy z1's prior is p(z1|z2), a different Gaussian for each z2; with no closed "
            "form over both layers, score the drawn z1 and z2 under each density instead."),
    Mistake(_both_closed_form,
            "You used the closed-form KL to N(0, I) for both layers. z1's prior is p(z1|z2), "
            "whose mean and log-variance are given: score the drawn z1 under it."),
    Mistake(_standard_normal_for_z1,
            "You scored z1 under N(0, I). In a hierarchy z1's prior is p(z1|z2): use p1_mean "
            "and p1_log_var."),
    Mistake(_log_var_as_log_std,
            "The log_var arguments are log-variances, not log standard deviations: the "
            "variance is exp(log_var), and log N(z; m, v) = -1/2 (log 2 pi + log v + "
            "(z - m)^2 / v) per dimension."),
])
def hierarchical_kl(z1, z2, q1_mean, q1_log_var, q2_mean, q2_log_var, p1_mean, p1_log_var):
    def log_normal(z, mean, log_var):  # log N(z; mean, diag(exp(log_var))), summed over dims
        return -0.5 * np.sum(np.log(2 * np.pi) + log_var + (z - mean) ** 2 / np.exp(log_var),
                             axis=-1)

    log_q = log_normal(z1, q1_mean, q1_log_var) + log_normal(z2, q2_mean, q2_log_var)
    log_p = log_normal(z1, p1_mean, p1_log_var) + log_normal(z2, 0.0, 0.0)  # p(z2) = N(0, I)
    return log_q - log_p
