"""The answers of notebook 17's exercises: their reference solutions and classic mistakes."""

import numpy as np

from ..engine import reference

__all__ = []  # reached by name: vaelearn.exercises.get(...).reference and .mistakes


@reference("generate")
def generate(vae, n, seed):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, vae.latent_dim)).astype("float32")
    probabilities = vae.decode(z)
    return (rng.random(probabilities.shape) < probabilities).astype("float32")
