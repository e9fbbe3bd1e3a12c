"""Exercise of notebook 13: the vector quantiser's lookup, the nearest codebook vector."""

import numpy as np

from .engine import exercise

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)


def _squared_distances(z_e, codebook):
    return ((np.asarray(z_e, "float64")[:, None, :]
             - np.asarray(codebook, "float64")[None, :, :]) ** 2).sum(axis=2)


def _cases(seed=13):
    rng = np.random.default_rng(seed)
    # Codes of very different lengths: the largest dot product is then not the nearest code.
    many = rng.normal(size=(12, 3)) * rng.uniform(0.2, 3.0, size=(12, 1))
    ties = (np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [3.0, 0.0], [-1.0, -1.0]]),
            np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]]))
    return [(rng.normal(size=(20, 3)), many),
            (rng.normal(size=(5, 4)), rng.normal(size=(1, 4))),
            ties,
            (rng.normal(size=(7, 2)) * 2.0, rng.normal(size=(9, 2)))]


def _accept(indices, z_e, codebook):
    """None if each row got one of its nearest codes (any of them on a tie), else what is wrong."""
    if not np.all(np.isfinite(indices)) or not np.all(indices == np.round(indices)):
        return ("Return the index of the nearest code for each row (whole numbers), not the "
                "distances or the code vectors.")
    if indices.min() < 0 or indices.max() >= len(codebook):
        return f"Indices must lie in 0..{len(codebook) - 1}: one row of the codebook each."
    distances = _squared_distances(z_e, codebook)
    chosen = distances[np.arange(len(z_e)), indices.astype(int)]
    wrong = ~np.isclose(chosen, distances.min(axis=1), rtol=1e-6, atol=1e-9)
    if wrong.any():
        return (f"{wrong.sum()} of {len(z_e)} rows did not get their nearest code (row "
                f"{np.flatnonzero(wrong)[0]} is the first).")
    return None


exercise("nearest_code", cases=_cases, accept=_accept)
