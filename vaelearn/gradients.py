"""Two Monte-Carlo estimators of the gradient of an expectation over a Gaussian.

For z ~ N(mu, diag(sigma^2)) with sigma = exp(log_var / 2) and an objective
J(mu, log_var) = E_z[f(z)], both estimators average per-sample gradients:

- score function (REINFORCE): f(z) * d/dtheta log q(z); it needs only values of f;
  dJ/dmu ~ f(z) (z - mu) / sigma^2 and dJ/dlog_var ~ f(z) ((z - mu)^2 / sigma^2 - 1) / 2.
- reparameterization (pathwise): write z = mu + sigma * eps, eps ~ N(0, I), and
  differentiate f through z: dJ/dmu ~ f'(z) and dJ/dlog_var ~ f'(z) * sigma * eps / 2.
  f must be differentiable; here the Keras backend's automatic differentiation computes
  f' (:func:`vaelearn.backend.value_and_grad`).

Both are unbiased; their variances differ, often by orders of magnitude. Each function
returns one estimate per sample, so the caller can measure mean, spread and standard error.
"""

from dataclasses import dataclass

import numpy as np

from .deprecation import renamed_parameters
from .randomness import numpy_generator

__all__ = ["Estimates", "Summary", "reparameterized_estimates", "score_function_estimates",
           "summarize"]


@dataclass(frozen=True)
class Estimates:
    """Per-sample gradient estimates ``(n_samples, d)`` of dJ/dmu and dJ/dlog_var."""

    d_mu: np.ndarray
    d_log_var: np.ndarray


@dataclass(frozen=True)
class Summary:
    """Mean, per-sample variance and standard error of the mean of an estimator, per
    coordinate (arrays ``(d,)``), from ``n_samples`` samples."""

    mean: np.ndarray
    variance: np.ndarray
    standard_error: np.ndarray
    n_samples: int


def summarize(samples):
    """Mean, variance and standard error of per-sample estimates.

    Parameters
    ----------
    samples : array_like, shape (n, d) or (n,)

    Returns
    -------
    Summary
    """
    samples = np.asarray(samples, dtype="float64")
    if samples.ndim == 1:
        samples = samples[:, None]
    n_samples = len(samples)
    variance = samples.var(axis=0, ddof=1)
    return Summary(samples.mean(axis=0), variance, np.sqrt(variance / n_samples), n_samples)


def _draw(mu, log_var, n_samples, seed):
    mu = np.atleast_1d(np.asarray(mu, dtype="float64"))
    log_var = np.broadcast_to(np.asarray(log_var, dtype="float64"), mu.shape)
    eps = numpy_generator(seed).standard_normal((n_samples,) + mu.shape)
    sigma = np.exp(0.5 * log_var)
    return mu, log_var, sigma, eps


@renamed_parameters(n="n_samples")
def score_function_estimates(f, mu, log_var, *, n_samples=1000, seed=None, baseline=None):
    """REINFORCE: ``n_samples`` single-sample estimates of the gradient of E[f(z)].

    Since E[d/dtheta log q(z)] = 0, subtracting a constant b from f changes no estimate's
    mean, only its variance: (f(z) - b) d/dtheta log q(z) is the score function with a
    **baseline** (a control variate). The best constant is near E[f(z)]; without one, an f
    far from zero (a loss of a hundred nats) multiplies the noisy score by all of it.

    Parameters
    ----------
    f : callable
        Maps codes ``(n, d)`` (a NumPy array) to values ``(n,)``; it is only evaluated,
        never differentiated.
    mu, log_var : array_like, shape (d,)
        The Gaussian's mean and log-variance (``log_var`` may be a scalar).
    n_samples : int
        Number of samples.
    seed : int, optional
        Seeds the draws.
    baseline : None, float or "leave_one_out"
        Subtracted from each f(z_i): None subtracts nothing; a number is a fixed baseline;
        ``"leave_one_out"`` uses the mean of f over the other samples, which estimates E[f]
        without depending on z_i, so every estimate stays unbiased.

    Returns
    -------
    Estimates
        ``d_mu`` and ``d_log_var``, each ``(n_samples, d)``.
    """
    mu, log_var, sigma, eps = _draw(mu, log_var, n_samples, seed)
    z = mu + sigma * eps
    values = np.asarray(f(z), dtype="float64").reshape(n_samples, 1)
    if isinstance(baseline, str):
        if baseline != "leave_one_out":
            raise ValueError(f"baseline must be None, a number or 'leave_one_out', got {baseline!r}.")
        baseline = (values.sum() - values) / (n_samples - 1)
    if baseline is not None:
        values = values - baseline
    # d/dmu log N(z; mu, sigma^2) = (z - mu) / sigma^2 = eps / sigma
    # d/dlog_var log N(z; mu, sigma^2) = ((z - mu)^2 / sigma^2 - 1) / 2 = (eps^2 - 1) / 2
    return Estimates(values * eps / sigma, values * 0.5 * (eps**2 - 1.0))


@renamed_parameters(n="n_samples")
def reparameterized_estimates(f, mu, log_var, *, n_samples=1000, seed=None):
    """Pathwise: ``n_samples`` single-sample estimates of the gradient of E[f(z)].

    Each is the gradient of f(mu + exp(log_var / 2) * eps) for one draw of eps, computed
    by the Keras backend's automatic differentiation. The samples are independent, so the
    gradient of the sum of f over the batch, with respect to each sample's own copy of mu
    and log_var, is the per-sample gradient.

    Parameters
    ----------
    f : callable
        Maps a float32 tensor of codes ``(n, d)`` to values ``(n,)`` with differentiable
        ``keras.ops`` (or Keras layers and models).
    mu, log_var : array_like, shape (d,)
        The Gaussian's mean and log-variance (``log_var`` may be a scalar).
    n_samples : int
        Number of samples.
    seed : int, optional
        Seeds the draws of eps.

    Returns
    -------
    Estimates
        ``d_mu`` and ``d_log_var``, each ``(n_samples, d)``.
    """
    from keras import ops

    from .backend import value_and_grad

    mu, log_var, _, eps = _draw(mu, log_var, n_samples, seed)
    eps = eps.astype("float32")

    def total(mu_t, log_var_t):
        return ops.sum(f(mu_t + ops.exp(0.5 * log_var_t) * ops.convert_to_tensor(eps)))

    _, (d_mu, d_log_var) = value_and_grad(total, np.broadcast_to(mu, eps.shape),
                                          np.broadcast_to(log_var, eps.shape))
    return Estimates(d_mu.astype("float64"), d_log_var.astype("float64"))
