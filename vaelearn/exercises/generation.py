"""Exercises of notebook 07: image generation."""

import numpy as np

from . import exercise


def _cases():
    rng = np.random.default_rng(7)
    return [(rng.normal(size=(20, 2)), rng.normal(1.0, 1.0, size=(30, 2)), rng.normal(size=(4, 2))),
            (np.zeros((3, 3)), np.ones((5, 3)), np.full((2, 3), -1.0)),
            (rng.normal(size=(10, 8)), rng.normal(size=(12, 8)), rng.normal(size=(1, 8)))]


@exercise("latent_analogy", _cases,
          hint="The attribute vector points FROM the 'from' group TO the 'to' group: "
               "mean(z_to, axis=0) - mean(z_from, axis=0); add it to every query row.")
def latent_analogy(z_from, z_to, z_query):
    direction = np.mean(z_to, axis=0) - np.mean(z_from, axis=0)
    return z_query + direction
