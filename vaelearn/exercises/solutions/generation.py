"""The answers of notebook 08's exercises: their reference solutions and classic mistakes."""

import numpy as np

from ..engine import reference

__all__ = []  # reached by name: vaelearn.exercises.get(...).reference and .mistakes


@reference("digit_samples")
def digit_samples(cvae, digit, n, seed):
    z = np.random.default_rng(seed).standard_normal((n, cvae.latent_dim)).astype("float32")
    return cvae.decode(z, np.full(n, digit))
