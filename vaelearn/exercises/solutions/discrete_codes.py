"""The answers of notebook 13's exercises: their reference solutions and classic mistakes."""

import numpy as np

from ..discrete_codes import _squared_distances
from ..engine import Mistake, reference

__all__ = []  # reached by name: vaelearn.exercises.get(...).reference and .mistakes


@reference("nearest_code", mistakes=[
    Mistake(lambda z, c: _squared_distances(z, c).argmax(axis=1),
            "You picked the farthest code: the nearest one has the smallest distance."),
    Mistake(lambda z, c: (np.asarray(z) @ np.asarray(c).T).argmax(axis=1),
            "The largest dot product z.e is the nearest code only when every code has the same "
            "length: ||z - e||^2 = ||z||^2 - 2 z.e + ||e||^2 also counts ||e||^2."),
    Mistake(lambda z, c: ((np.asarray(z)[:, None, :] - np.asarray(c)[None]) ** 2).argmin(axis=1),
            "Sum the squared differences over the code's dimensions first (one distance per "
            "row and code), then pick the smallest over the codes: you got one answer per "
            "dimension."),
    Mistake(lambda z, c: _squared_distances(z, c).argmin(axis=0),
            "You took the smallest distance over the rows of z_e, for each code: take it over "
            "the codes, for each row."),
    Mistake(lambda z, c: np.abs(np.asarray(z)[:, None, :] - np.asarray(c)[None]).sum(2).argmin(1),
            "That is the Manhattan distance (absolute differences): the quantiser uses the "
            "squared Euclidean distance."),
])
def nearest_code(z_e, codebook):
    distances = ((z_e[:, None, :] - codebook[None, :, :]) ** 2).sum(axis=2)
    return distances.argmin(axis=1)
