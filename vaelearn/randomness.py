"""What ``seed`` means, in every signature of the package.

``seed`` is an int or None, keyword-only wherever it is an option:

- an int makes the call reproducible on its own, whatever ran before it;
- None draws from the global generators (Python's, NumPy's and the Keras backend's), which
  :func:`vaelearn.seed` seeds in a notebook's first cell: the notebook as a whole is then
  reproducible, and ``VAELEARN_SEED`` re-runs it with other draws.

A function that builds a model (``make_vae``, ``build_encoder``, ...) seeds its initial
weights with ``seed``; a model's own ``seed`` seeds the draws it makes while it trains (the
reparameterisation noise, dynamic binarisation, word dropout).
"""

import numpy as np

__all__ = ["numpy_generator", "spawn_seeds"]


def numpy_generator(seed=None):
    """A NumPy random ``Generator`` for ``seed``.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        An int seeds a new generator; a generator is returned as it is; None seeds a new
        generator from NumPy's global state, which :func:`vaelearn.seed` sets (unlike
        ``numpy.random.default_rng(None)``, which reads the operating system's entropy).

    Returns
    -------
    numpy.random.Generator
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        seed = np.random.randint(2**31 - 1)
    return np.random.default_rng(seed)


def spawn_seeds(seed, count):
    """``count`` independent int seeds derived from ``seed``, or ``count`` Nones for None.

    Parameters
    ----------
    seed : int or None
    count : int

    Returns
    -------
    list of int or None
    """
    if seed is None:
        return [None] * count
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(count)]
