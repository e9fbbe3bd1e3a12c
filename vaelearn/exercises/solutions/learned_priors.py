"""The answers of notebook 14's exercises: their reference solutions and classic mistakes."""

import numpy as np
from scipy.special import logsumexp

from ..engine import Mistake, reference

__all__ = []  # reached by name: vaelearn.exercises.get(...).reference and .mistakes

_LOG_2PI = np.log(2 * np.pi)


def _component_log_densities(z, mu, log_var, *, variance=None):
    """log N(z_i; mu_k, diag(variance_k)), shaped (n, K)."""
    variance = np.exp(log_var) if variance is None else variance
    diff = z[:, None, :] - mu[None, :, :]
    return -0.5 * np.sum(_LOG_2PI + np.log(variance)[None] + diff**2 / variance[None], axis=-1)


def _log_of_mean_density(z, mu, log_var):
    with np.errstate(divide="ignore"):
        return np.log(np.mean(np.exp(_component_log_densities(z, mu, log_var)), axis=1))


@reference("mixture_log_prior", mistakes=[
    Mistake(lambda z, mu, log_var: _component_log_densities(z, mu, log_var).mean(axis=1),
            "You averaged the log-densities of the components. The mixture averages the densities "
            "themselves, inside the log: log (1/K) sum_k N(z; mu_k, ...), not (1/K) sum_k log N."),
    Mistake(lambda z, mu, log_var: _log_of_mean_density(z, mu, log_var),
            "Right formula, but far from every component each density is exp(-thousands), 0 in "
            "floating point, and log 0 = -inf. Take the largest log-density out before "
            "exponentiating (a log-sum-exp: scipy.special.logsumexp)."),
    Mistake(lambda z, mu, log_var: logsumexp(_component_log_densities(z, mu, log_var), axis=1),
            "You summed the K component densities: each has weight 1/K, so subtract log K."),
    Mistake(lambda z, mu, log_var: logsumexp(_component_log_densities(
        z, mu, log_var, variance=np.exp(2 * log_var)), axis=1) - np.log(len(mu)),
            "exp(log_var) is the variance, not the standard deviation: you squared it again."),
    Mistake(lambda z, mu, log_var: logsumexp(_component_log_densities(
        z, mu, log_var, variance=np.exp(0.5 * log_var)), axis=1) - np.log(len(mu)),
            "exp(log_var) is the variance itself: the squared distance divides by it, and "
            "log N carries -1/2 log_var, not -1/4."),
    Mistake(lambda z, mu, log_var: logsumexp(_component_log_densities(z, mu, log_var)
                                             + 0.5 * _LOG_2PI * z.shape[1], axis=1)
            - np.log(len(mu)),
            "Each Gaussian's log-density includes -d/2 log(2 pi), d the number of dimensions."),
])
def mixture_log_prior(z, mu, log_var):
    diff = z[:, None, :] - mu[None, :, :]  # (n, K, d)
    log_densities = -0.5 * np.sum(np.log(2 * np.pi) + log_var[None] + diff**2 / np.exp(log_var[None]),
                                  axis=-1)  # (n, K)
    return logsumexp(log_densities, axis=1) - np.log(len(mu))
