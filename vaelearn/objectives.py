"""The VAE objective and its terms, as ``keras.ops`` functions: tensors in, tensors out,
differentiable on every backend.

Conventions: a diagonal Gaussian posterior q(z|x) = N(mu, diag(exp(log_var))), a standard
normal prior p(z) = N(0, I). Every quantity is in nats, per example (shape ``(n,)``)
unless a name says "per dimension" (shape ``(n, latent_dim)``). Every model of the course
trains on :func:`negative_elbo`; :mod:`vaelearn.evaluation` turns the same terms into
NumPy numbers for a trained model.
"""

import math

import keras
from keras import ops
from keras.backend import standardize_dtype

from .defaults import PIXEL_LEVELS

__all__ = [
    "LOG_2PI", "batch_mean", "bernoulli_log_likelihood", "discretized_logistic_log_likelihood",
    "gaussian_kl", "gaussian_kl_per_dimension", "gaussian_log_likelihood", "kl_penalty",
    "log_normal", "log_standard_normal", "monte_carlo_kl", "negative_elbo", "reparameterize",
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


def monte_carlo_kl(z_mean, z_log_var, *, n_samples=1000, seed=None):
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
    z = reparameterize(z_mean, z_log_var, n_samples=n_samples, seed=seed)
    return ops.mean(log_normal(z, z_mean, z_log_var) - log_standard_normal(z), axis=0)


def reparameterize(z_mean, z_log_var, *, n_samples=None, seed=None):
    """Draw z ~ N(mu, diag(exp(log_var))) as z = mu + exp(log_var / 2) * eps, eps ~ N(0, I).

    The randomness lives in eps, which does not depend on mu and log_var, so gradients
    reach them through an ordinary sum and product: the reparameterization trick.

    Parameters
    ----------
    z_mean, z_log_var : array_like or tensor, shape (n, d)
    n_samples : int, optional
        Draws per example; the result gains a leading axis of this length.
    seed : int or keras.random.SeedGenerator, optional

    Returns
    -------
    tensor, shape (n, d), or (n_samples, n, d) with ``n_samples``
    """
    z_mean, z_log_var = _tensors(z_mean, z_log_var)
    shape = tuple(ops.shape(z_mean))
    if n_samples is not None:
        shape = (n_samples,) + shape
    eps = keras.random.normal(shape, dtype=standardize_dtype(z_mean.dtype), seed=seed)
    return z_mean + ops.exp(0.5 * z_log_var) * eps


def batch_mean(values, *, sample_weight=None):
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
    at most -H(x), the entropy of the pixels themselves (see :func:`vaelearn.evaluation.pixel_entropy`).

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


def discretized_logistic_log_likelihood(x, mean, log_scale, *, n_levels=PIXEL_LEVELS):
    """log P(x) for independent pixels on the grid k / (n_levels - 1) in [0, 1], each the mass
    of a logistic(mean, s = exp(log_scale)) over the pixel's bin (Kingma et al., 2016).

    Each bin is 1 / (n_levels - 1) wide and centred on its level; the bins of 0 and 1 also
    take the logistic's whole tail below 0 and above 1 (PixelCNN++, Salimans et al., 2017),
    so the ``n_levels`` probabilities of a pixel sum to 1 whatever ``mean`` and
    ``log_scale``. With h = 1 / (2 (n_levels - 1)), a = (x + h - mean) / s and
    b = (x - h - mean) / s:

    - P(0) = sigmoid(a), P(1) = 1 - sigmoid(b), P(x) = sigmoid(a) - sigmoid(b) in between;
    - the difference is taken in logs without subtracting: sigmoid(a) - sigmoid(b) =
      sigmoid(a) sigmoid(-b) (1 - exp(-(a - b))), so log P(x) = -softplus(-a) - softplus(b)
      + log(-expm1(-2h / s)). Exact, and finite where sigmoid(a) - sigmoid(b) underflows
      (a tiny scale, a mean far away): it needs no fallback to the density times the bin
      width, which PixelCNN++ takes there and which is off by about h / s nats.

    Parameters
    ----------
    x : array_like or tensor, shape (n, ...)
        Pixels on the grid k / (n_levels - 1); a value off the grid is scored as the level
        nearest it (and has no gradient: it is data).
    mean : array_like or tensor, shape of ``x``
        The logistics' locations, unconstrained (they may lie outside [0, 1]).
    log_scale : float, array_like or tensor, broadcastable to ``x``
        log s: one for every pixel, one per channel (shape ``(C,)``) or one per pixel.
    n_levels : int
        The levels a pixel can take: 256 for 8-bit images.

    Returns
    -------
    tensor, shape (n,)
        Nats per example.
    """
    x, mean, log_scale = _tensors(x, mean, log_scale)
    steps = n_levels - 1
    bin_width = 1.0 / steps
    inverse_scale = ops.exp(-log_scale)
    # Edges from the level's index, so that neighbouring bins share theirs to the last bit and
    # the probabilities add up to 1 even for a scale below float32's spacing of [0, 1].
    level = ops.clip(ops.round(x * steps), 0, steps)
    upper = ((level + 0.5) * bin_width - mean) * inverse_scale  # a
    lower = ((level - 0.5) * bin_width - mean) * inverse_scale  # b
    log_below_upper = -ops.softplus(-upper)  # log sigmoid(a)
    log_above_lower = -ops.softplus(lower)  # log (1 - sigmoid(b))
    log_width_factor = ops.log(-ops.expm1(-bin_width * inverse_scale))  # log(1 - exp(-(a - b)))
    lowest, highest = level == 0, level == steps
    log_p = (ops.where(highest, 0.0, log_below_upper) + ops.where(lowest, 0.0, log_above_lower)
             + ops.where(ops.logical_or(lowest, highest), 0.0, log_width_factor))
    return _flat_sum(log_p)


def kl_penalty(z_mean, z_log_var, *, free_bits=0.0, sample_weight=None):
    """The KL term of the objective for one batch (a scalar), with free bits.

    KL(q(z|x) || N(0, I)) summed over latent dimensions and averaged over the batch; with
    ``free_bits`` = lambda > 0 it is sum_j max(lambda, batch-mean KL_j), so that no
    dimension is pushed below lambda nats (Kingma et al., 2016).

    Parameters
    ----------
    z_mean, z_log_var : tensor, shape (n, latent_dim)
        The posterior parameters of the batch.
    free_bits : float
        Nats per dimension below which the KL is not penalised.
    sample_weight : tensor, shape (n,), optional
        Weights of the examples in the batch mean, as in :func:`batch_mean`.

    Returns
    -------
    tensor, shape ()
        Nats.
    """
    kl_dims = gaussian_kl_per_dimension(ops.cast(z_mean, "float32"), ops.cast(z_log_var, "float32"))
    kl_dims = batch_mean(kl_dims, sample_weight=sample_weight)
    if free_bits > 0:
        kl_dims = ops.maximum(kl_dims, free_bits)
    return ops.sum(kl_dims)


def negative_elbo(log_likelihood, *, z_mean=None, z_log_var=None, beta=1.0, free_bits=0.0,
                  sample_weight=None):
    """The loss every model of the course trains on, and its two terms, for one batch.

    loss = reconstruction_loss + beta * kl_loss, where reconstruction_loss = -log p(x|z)
    averaged over the batch (one z ~ q(z|x) per example) and kl_loss is
    :func:`kl_penalty`. A plain autoencoder has no posterior: its loss is the
    reconstruction term alone.

    Parameters
    ----------
    log_likelihood : tensor, shape (n,)
        log p(x|z) of each example of the batch, in nats.
    z_mean, z_log_var : tensor, shape (n, latent_dim), optional
        The posterior parameters; None for a model without a posterior.
    beta : float or scalar tensor
        Weight of the KL term.
    free_bits : float
    sample_weight : tensor, shape (n,), optional

    Returns
    -------
    loss, reconstruction_loss, kl_loss : tensor, shape ()
        ``kl_loss`` is None without a posterior.
    """
    reconstruction = batch_mean(-ops.cast(log_likelihood, "float32"), sample_weight=sample_weight)
    if z_mean is None:
        return reconstruction, reconstruction, None
    kl = kl_penalty(z_mean, z_log_var, free_bits=free_bits, sample_weight=sample_weight)
    return reconstruction + ops.cast(beta, "float32") * kl, reconstruction, kl
