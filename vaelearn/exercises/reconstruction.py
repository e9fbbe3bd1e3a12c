"""Exercises of notebook 02: the loss of a batch, and the effective beta of a buggy one."""

import numpy as np

from .engine import exercise

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)


def _loss_cases(seed=2):
    rng = np.random.default_rng(seed)
    cases = []
    for n, shape, d in [(4, (3, 3, 1), 2), (7, (8, 8, 1), 5), (1, (2, 2, 1), 3)]:
        cases.append((rng.random((n, *shape)), rng.normal(0, 2, (n, *shape)),
                      rng.normal(size=(n, d)), rng.normal(0, 0.5, (n, d))))
    return cases


exercise("vae_loss", cases=_loss_cases)


def _beta_cases(seed=None):
    """The sizes of MNIST, the 8x8 digits and CIFAR-10 by default; others drawn from a seed."""
    if seed is None:
        return [(784, 16), (64, 8), (784, 2), (3072, 128)]
    rng = np.random.default_rng(seed)
    return [(int(pixels), int(dims)) for pixels, dims in
            zip(rng.integers(16, 4097, size=4), rng.integers(1, 257, size=4))]


exercise("effective_beta", cases=_beta_cases)
