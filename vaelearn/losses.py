"""The terms of the VAE objective, as ``keras.ops`` functions, and bounds on log p(x).

Conventions: a diagonal Gaussian posterior q(z|x) = N(mu, diag(exp(log_var))), a standard
normal prior p(z) = N(0, I). Every quantity is in nats, per example (shape ``(n,)``)
unless a name says "per dimension" (shape ``(n, latent_dim)``).
"""

import math

import keras
import numpy as np
from keras import ops
from keras.backend import standardize_dtype

from .batching import in_batches

__all__ = [
    "LOG_2PI", "batch_mean", "bernoulli_log_likelihood", "elbo", "gaussian_kl",
    "gaussian_kl_per_dimension", "gaussian_log_likelihood", "iwae_bound", "log_normal",
    "log_standard_normal", "monte_carlo_kl", "pixel_entropy",
]

LOG_2PI = math.log(2.0 * math.pi)


def _tensors(*values):
    """``values`` (arrays, numbers or tensors) as backend tensors of one dtype, Keras' type
    promotion of theirs: PyTorch and TensorFlow refuse arithmetic between a NumPy array and
    a tensor, or between two float types."""
    tensors = [ops.convert_to_tensor(v) for v in values]
    dtype = keras.backend.result_type(*(standardize_dtype(t.dtype) for t in tensors))
    return [ops.cast(t, dtype) for t in tensors]


def gaussian_kl_per_dimension(z_mean, z_log_var):
    """KL(q || p) per latent dimension: 1/2 (mu^2 + sigma^2 - log sigma^2 - 1).

    Parameters
    ----------
    z_mean, z_log_var : array_like or tensor, shape (n, d)
        The posterior's means and log-variances.

    Returns
    -------
    tensor, shape (n, d)
        Nats per example and latent dimension.
    """
    z_mean, z_log_var = _tensors(z_mean, z_log_var)
    return 0.5 * (ops.square(z_mean) + ops.exp(z_log_var) - z_log_var - 1.0)


def gaussian_kl(z_mean, z_log_var):
    """Closed-form KL(q(z|x) || N(0, I)), summed over latent dimensions.

    Parameters
    ----------
    z_mean, z_log_var : array_like or tensor, shape (n, d)

    Returns
    -------
    tensor, shape (n,)
        Nats per example.
    """
    return ops.sum(gaussian_kl_per_dimension(z_mean, z_log_var), axis=-1)


def log_normal(z, mean, log_var):
    """log N(z; mean, diag(exp(log_var))), summed over the last axis.

    Parameters
    ----------
    z, mean, log_var : array_like or tensor, broadcastable shapes (..., d)

    Returns
    -------
    tensor, shape (...)
        Nats.
    """
    z, mean, log_var = _tensors(z, mean, log_var)
    return -0.5 * ops.sum(
        LOG_2PI + log_var + ops.square(z - mean) * ops.exp(-log_var), axis=-1
    )


def log_standard_normal(z):
    """log N(z; 0, I), summed over the last axis.

    Parameters
    ----------
    z : array_like or tensor, shape (..., d)

    Returns
    -------
    tensor, shape (...)
        Nats.
    """
    return -0.5 * ops.sum(LOG_2PI + ops.square(ops.convert_to_tensor(z)), axis=-1)


def monte_carlo_kl(z_mean, z_log_var, n_samples=1000, seed=None):
    """Monte-Carlo estimate of KL(q || p) = E_q[log q(z) - log p(z)].

    Unbiased; its standard error shrinks like 1/sqrt(n_samples).

    Parameters
    ----------
    z_mean, z_log_var : array_like or tensor, shape (n, d)
    n_samples : int
        Draws of z per example.
    seed : int or keras.random.SeedGenerator, optional

    Returns
    -------
    tensor, shape (n,)
        Nats per example.
    """
    z_mean, z_log_var = _tensors(z_mean, z_log_var)
    shape = (n_samples,) + tuple(ops.shape(z_mean))
    eps = keras.random.normal(shape, dtype=standardize_dtype(z_mean.dtype), seed=seed)
    z = z_mean + ops.exp(0.5 * z_log_var) * eps
    return ops.mean(log_normal(z, z_mean, z_log_var) - log_standard_normal(z), axis=0)


def batch_mean(values, sample_weight=None):
    """The mean over the batch (axis 0), each example weighted.

    Keras' convention for sample weights: sum_i w_i * values_i / n, so that weights of 1
    change nothing and a weight of 0 drops an example's term.

    Parameters
    ----------
    values : tensor, shape (n, ...)
    sample_weight : array_like or tensor, shape (n,), optional

    Returns
    -------
    tensor, shape (...)
    """
    if sample_weight is None:
        return ops.mean(values, axis=0)
    per_example = (-1,) + (1,) * (len(ops.shape(values)) - 1)
    weights = ops.reshape(ops.cast(sample_weight, values.dtype), per_example)
    return ops.mean(values * weights, axis=0)


def _flat_sum(values):
    return ops.sum(ops.reshape(values, (ops.shape(values)[0], -1)), axis=-1)


def bernoulli_log_likelihood(x, logits):
    """log p(x|z) for independent Bernoulli pixels with the decoder's ``logits``.

    Equals minus the binary cross-entropy summed over pixels. For grey-level ``x`` it is
    at most -H(x), the entropy of the pixels themselves (see :func:`pixel_entropy`).

    Parameters
    ----------
    x : array_like or tensor, shape (n, ...)
        Pixels in [0, 1].
    logits : array_like or tensor, shape of ``x``
        The decoder's output before the sigmoid.

    Returns
    -------
    tensor, shape (n,)
        Nats per example.
    """
    # -BCE(x, sigmoid(l)) = x*l - softplus(l), written so that it never overflows.
    x, logits = _tensors(x, logits)
    return _flat_sum(x * logits - ops.softplus(logits))


def gaussian_log_likelihood(x, mean, log_std):
    """log N(x; mean, exp(log_std)^2 I), summed over pixels.

    Parameters
    ----------
    x, mean : array_like or tensor, shape (n, ...)
    log_std : float or scalar tensor
        The log of the standard deviation shared by every pixel.

    Returns
    -------
    tensor, shape (n,)
        Nats per example.
    """
    x, mean, log_std = _tensors(x, mean, log_std)
    return _flat_sum(
        -0.5 * ops.square((x - mean) * ops.exp(-log_std)) - log_std - 0.5 * LOG_2PI
    )


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


def _posterior_samples(model, x, k, seed):
    """Draw k codes z_i ~ q(z|x) per example; return (z_mean, z_log_var, z ``(k, n, d)``,
    log p(x|z_i) ``(k, n)``)."""
    z_mean, z_log_var = model.encoder(x)
    n, d = ops.shape(z_mean)
    eps = keras.random.normal((k, n, d), seed=seed)
    z = z_mean + ops.exp(0.5 * z_log_var) * eps
    outputs = model.decoder(ops.reshape(z, (k * n, d)))
    x_rep = ops.reshape(ops.repeat(ops.expand_dims(x, 0), k, axis=0),
                        (k * n,) + tuple(ops.shape(x)[1:]))
    log_px_z = ops.reshape(model.log_likelihood(x_rep, outputs), (k, n))
    return z_mean, z_log_var, z, log_px_z


def elbo(model, x, n_samples=1, seed=None, batch_size=256):
    """The ELBO per example: E_q[log p(x|z)] - KL(q(z|x) || p(z)).

    Parameters
    ----------
    model : vaelearn.models.VAE
    x : array_like, shape (n, *model.example_shape)
    n_samples : int
        Posterior draws the expectation is averaged over; the KL is exact.
    seed : int, optional
    batch_size : int
        Examples per forward pass.

    Returns
    -------
    numpy.ndarray, shape (n,)
        Nats per example.
    """
    seed = keras.random.SeedGenerator(seed)

    def batch(xb):
        z_mean, z_log_var, _, log_px_z = _posterior_samples(model, xb, n_samples, seed)
        return ops.mean(log_px_z, axis=0) - gaussian_kl(z_mean, z_log_var)

    return in_batches(batch, x, batch_size=batch_size)


def iwae_bound(model, x, k=50, seed=None, batch_size=64):
    """Importance-weighted bound L_k = E[log 1/k sum_i p(x, z_i) / q(z_i|x)].

    L_1 is a one-sample ELBO; L_k grows with k and tends to log p(x), so a large k
    estimates the model's log-likelihood.

    Parameters
    ----------
    model : vaelearn.models.VAE
    x : array_like, shape (n, *model.example_shape)
    k : int
        Importance samples per example.
    seed : int, optional
    batch_size : int
        Examples per forward pass (each is repeated ``k`` times).

    Returns
    -------
    numpy.ndarray, shape (n,)
        Nats per example.
    """
    seed = keras.random.SeedGenerator(seed)

    def batch(xb):
        z_mean, z_log_var, z, log_px_z = _posterior_samples(model, xb, k, seed)
        log_w = log_px_z + log_standard_normal(z) - log_normal(z, z_mean, z_log_var)
        return ops.logsumexp(log_w, axis=0) - math.log(k)

    return in_batches(batch, x, batch_size=batch_size)
