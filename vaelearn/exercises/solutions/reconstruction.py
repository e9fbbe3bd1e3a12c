"""The answers of notebook 02's exercises: their reference solutions and classic mistakes."""

import numpy as np

from ..engine import Mistake, reference

__all__ = []  # reached by name: vaelearn.exercises.get(...).reference and .mistakes


def _bce(x, logits):
    # Binary cross-entropy of each pixel, from logits, written so that it never overflows.
    return np.logaddexp(0.0, logits) - x * logits


def _kl(z_mean, z_log_var):
    return 0.5 * (z_mean**2 + np.exp(z_log_var) - z_log_var - 1.0)


def _per_image(values):
    return values.reshape(len(values), -1).sum(axis=1)


@reference("vae_loss", mistakes=[
    Mistake(lambda x, l, m, v: np.mean(_bce(x, l).reshape(len(x), -1).mean(axis=1) + _kl(m, v).sum(axis=1)),
            "You averaged the reconstruction over the pixels. One image's reconstruction loss is "
            "minus the log-probability of the whole image: what happens to a log of a product?"),
    Mistake(lambda x, l, m, v: np.mean(_per_image(_bce(x, l)) + _kl(m, v).mean(axis=1)),
            "You averaged the KL over the latent dimensions. The prior and the posterior are "
            "products over dimensions too."),
    Mistake(lambda x, l, m, v: np.sum(_per_image(_bce(x, l)) + _kl(m, v).sum(axis=1)),
            "Your loss grows with the batch size: the loss of a batch is the average of its "
            "images' losses."),
    Mistake(lambda x, l, m, v: np.mean(_per_image(_bce(x, l))),
            "Only the reconstruction term is there: a VAE's loss has a second term."),
    Mistake(lambda x, l, m, v: np.mean(_per_image(_bce(x, l)) - _kl(m, v).sum(axis=1)),
            "Check the sign of the KL term: a KL divergence is never negative, and it is a price "
            "the loss pays."),
])
def vae_loss(x, logits, z_mean, z_log_var):
    reconstruction = np.sum(np.logaddexp(0.0, logits) - x * logits, axis=(1, 2, 3))
    kl = 0.5 * np.sum(z_mean**2 + np.exp(z_log_var) - z_log_var - 1.0, axis=1)
    return np.mean(reconstruction + kl)


@reference("effective_beta", mistakes=[
    Mistake(lambda pixels, latent_dims: pixels,
            "That is the effective beta when only the reconstruction is averaged. Here the KL "
            "is averaged too: over what, and by how much does that shrink it?"),
    Mistake(lambda pixels, latent_dims: latent_dims / pixels,
            "Upside down: the averaged reconstruction shrinks by 1/pixels, the KL by "
            "1/latent_dims. Factor out the reconstruction's shrink."),
    Mistake(lambda pixels, latent_dims: pixels * latent_dims,
            "Write the buggy loss as (1/pixels) * [sum of BCE + beta_eff * sum of KL] and read "
            "off beta_eff."),
])
def effective_beta(pixels, latent_dims):
    # mean_pixels(BCE) + mean_dims(KL) = (1/pixels) * [sum(BCE) + (pixels/latent_dims) * sum(KL)]
    return pixels / latent_dims
