"""Exercises of notebook 01: the latent space."""

import numpy as np

from . import exercise


def _interpolation_cases():
    rng = np.random.default_rng(1)
    return [(rng.normal(size=2), rng.normal(size=2), 7),
            (rng.normal(size=5), rng.normal(size=5), 2),
            (np.zeros(3), np.ones(3), 11)]


@exercise("interpolate_codes", _interpolation_cases,
          hint="Row i is (1 - t_i) * z_start + t_i * z_end with t = np.linspace(0, 1, steps): "
               "both ends included, z_start first.")
def interpolate_codes(z_start, z_end, steps):
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return (1.0 - t) * z_start + t * z_end
