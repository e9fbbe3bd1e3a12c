"""How well a trained model explains data: bounds on log p(x), as NumPy numbers.

Arrays in, NumPy arrays out, in nats per example: the same terms the models train on
(:mod:`vaelearn.objectives`), averaged over more posterior draws and never differentiated.
"""

import math

import keras
import numpy as np
from keras import ops

from .batching import in_batches, rows_per_pass
from .defaults import ROWS_PER_PASS
from .deprecation import renamed_parameters
from .metrics import bits_per_dim_from_nats
from .objectives import gaussian_kl, log_normal, log_standard_normal, reparameterize

__all__ = ["bits_per_dim", "elbo", "iwae_bound", "pixel_entropy"]


def pixel_entropy(x):
    """H(x) = -sum[x log x + (1 - x) log(1 - x)] per image.

    The part of a Bernoulli reconstruction loss on grey-level pixels that no model can
    remove.

    Parameters
    ----------
    x : array_like, shape (n, ...)
        Pixels in [0, 1].

    Returns
    -------
    numpy.ndarray, shape (n,)
        Nats per image, float64.
    """
    x = np.clip(np.asarray(x, dtype="float64"), 1e-7, 1 - 1e-7)
    h = -(x * np.log(x) + (1 - x) * np.log(1 - x))
    return h.reshape(len(x), -1).sum(axis=1)


def _posterior_draws(model, x, y, n_samples, seed):
    """``n_samples`` codes z_i ~ q(z|x) per example: (z_mean, z_log_var, z ``(n_samples, n,
    d)``, log p(x|z_i) ``(n_samples, n)``)."""
    z_mean, z_log_var = model.encoder(model.encoder_inputs(x, y))
    n, d = ops.shape(z_mean)
    z = reparameterize(z_mean, z_log_var, n_samples=n_samples, seed=seed)

    def repeated(values):
        return None if values is None else ops.reshape(
            ops.repeat(ops.expand_dims(values, 0), n_samples, axis=0),
            (n_samples * n,) + tuple(ops.shape(values)[1:]))

    y_rep = repeated(y)
    outputs = model.decoder(model.decoder_inputs(ops.reshape(z, (n_samples * n, d)), y_rep))
    log_px_z = ops.reshape(model.decoder_log_likelihood(repeated(x), outputs), (n_samples, n))
    return z_mean, z_log_var, z, log_px_z


def _over_batches(model, batch, x, y, n_samples, batch_size):
    """``batch(xb, yb)`` over slices of ``x`` (and its labels ``y``, if any)."""
    batch_size = batch_size or max(1, rows_per_pass(model, ROWS_PER_PASS) // n_samples)
    labels = model.labels(y, len(x))
    if labels is None:
        return in_batches(lambda xb: batch(xb, None), x, batch_size=batch_size)
    return in_batches(batch, x, labels, batch_size=batch_size)


def _log_prior(model, z):
    """log p(z) under the model's prior: its own ``log_prior`` (a learned prior), else N(0, I)."""
    own = getattr(model, "log_prior", None)
    return log_standard_normal(z) if own is None else own(z)


def elbo(model, x, y=None, *, n_samples=1, seed=None, batch_size=None):
    """The ELBO per example: E_q[log p(x|z)] - KL(q(z|x) || p(z)).

    p(z) is the model's prior: N(0, I), where the KL is exact, or a learned prior (a model
    with a ``log_prior`` method, :class:`~vaelearn.priors.LearnedPriorVAE`), where the KL is
    estimated with the same ``n_samples`` draws, E_q[log q(z|x) - log p(z)].

    Parameters
    ----------
    model : vaelearn.models.VAE
        Or any variational model of :mod:`vaelearn.models` (a ``ConditionalVAE`` with ``y``),
        or a model with a method ``log_importance_weights(x, y, *, n_samples, seed)`` that
        returns log p(x, z) - log q(z|x) for ``n_samples`` draws per example, shaped
        ``(n_samples, n)`` (:class:`vaelearn.hierarchy.TwoLayerVAE`): its ELBO is then their
        mean, with no closed-form KL.
    x : array_like, shape (n, *model.example_shape)
    y : array_like, shape (n,), optional
        Labels, for a conditional model only.
    n_samples : int
        Posterior draws the expectation is averaged over (the KL is exact for N(0, I)).
    seed : int, optional
    batch_size : int, optional
        Examples per forward pass (default: about 2,048 draws per pass, fewer where a layer
        outputs many numbers per example: :func:`vaelearn.batching.rows_per_pass`).

    Returns
    -------
    numpy.ndarray, shape (n,)
        Nats per example.
    """
    seed = keras.random.SeedGenerator(seed)

    def batch(xb, yb):
        if hasattr(model, "log_importance_weights"):  # a hierarchy: its KL has no closed form
            return ops.mean(model.log_importance_weights(xb, yb, n_samples=n_samples, seed=seed),
                            axis=0)
        z_mean, z_log_var, z, log_px_z = _posterior_draws(model, xb, yb, n_samples, seed)
        if getattr(model, "log_prior", None) is None:
            return ops.mean(log_px_z, axis=0) - gaussian_kl(z_mean, z_log_var)
        return ops.mean(log_px_z - log_normal(z, z_mean, z_log_var) + model.log_prior(z), axis=0)

    return _over_batches(model, batch, x, y, n_samples, batch_size)


@renamed_parameters(k="n_samples")
def iwae_bound(model, x, y=None, *, n_samples=50, seed=None, batch_size=None):
    """Importance-weighted bound L_k = E[log 1/k sum_i p(x, z_i) / q(z_i|x)], k = ``n_samples``.

    L_1 is a one-sample ELBO; L_k grows with k and tends to log p(x), so a large k
    estimates the model's log-likelihood (Burda et al., 2015). p(z) is the model's prior, as
    in :func:`elbo`.

    Parameters
    ----------
    model, x, y, seed, batch_size
        As in :func:`elbo`.
    n_samples : int
        Importance samples k per example.

    Returns
    -------
    numpy.ndarray, shape (n,)
        Nats per example.
    """
    seed = keras.random.SeedGenerator(seed)

    def batch(xb, yb):
        if hasattr(model, "log_importance_weights"):  # e.g. vaelearn.hierarchy.TwoLayerVAE
            log_w = model.log_importance_weights(xb, yb, n_samples=n_samples, seed=seed)
            return ops.logsumexp(log_w, axis=0) - math.log(n_samples)
        z_mean, z_log_var, z, log_px_z = _posterior_draws(model, xb, yb, n_samples, seed)
        log_w = log_px_z + _log_prior(model, z) - log_normal(z, z_mean, z_log_var)
        return ops.logsumexp(log_w, axis=0) - math.log(n_samples)

    return _over_batches(model, batch, x, y, n_samples, batch_size)


def bits_per_dim(model, x, y=None, *, n_samples=100, seed=None, batch_size=None):
    """-log p(x) in bits per dimension, estimated by the importance-weighted bound L_k.

    ``-L_k / (D ln 2)`` with D = prod(example_shape), k = ``n_samples``
    (:func:`~vaelearn.metrics.bits_per_dim_from_nats`): since L_k <= log p(x), an upper
    bound on the model's bits per dimension that tightens as k grows. What it measures
    depends on the likelihood:

    - "logistic", and "bernoulli" on binary pixels: a probability of the discrete pixels,
      the bits per dimension of the literature; a uniform model of 8-bit pixels scores 8.
      (A Bernoulli likelihood of grey-level pixels is no probability of anything: its number
      compares with nothing.)
    - "gaussian": a density over [0, 1]^D, converted to the density of the same pixels on
      the 0..255 scale, -(L_k - D ln 256) / (D ln 2), as flows report it (Theis et al., 2016;
      Papamakarios et al., 2017). It is a density, not a probability, and can go below 0.
      It compares with discrete bits per dimension only for a model trained and scored on
      uniformly dequantised pixels, (k + u) / 256 with u ~ U(0, 1): its expectation over u
      then bounds from above the bits per dimension of the discrete model that integrates
      the density over each level's bin. Nothing here dequantises.

    Parameters
    ----------
    model, x, y, n_samples, seed, batch_size
        As in :func:`iwae_bound`.

    Returns
    -------
    numpy.ndarray, shape (n,)
        Bits per dimension of each example.
    """
    bound = iwae_bound(model, x, y, n_samples=n_samples, seed=seed, batch_size=batch_size)
    return bits_per_dim_from_nats(bound, model.example_shape,
                                  continuous=model.likelihood == "gaussian")
