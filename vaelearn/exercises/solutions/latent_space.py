"""The answers of notebook 01's exercises: their reference solutions and classic mistakes."""

import numpy as np

from ..engine import Mistake, reference

__all__ = []  # reached by name: vaelearn.exercises.get(...).reference and .mistakes


def _reference(z_start, z_end, steps):
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return (1.0 - t) * z_start + t * z_end


@reference("interpolate_codes", mistakes=[
    Mistake(lambda a, b, steps: a + np.linspace(0, 1, steps, endpoint=False)[:, None] * (b - a),
            "Your walk stops one step short of z_end: the last row must be z_end itself."),
    Mistake(lambda a, b, steps: _reference(b, a, steps),
            "Your walk goes the wrong way: the first row must be z_start."),
    Mistake(lambda a, b, steps: a + (np.arange(steps)[:, None] + 1) / steps * (b - a),
            "Your walk starts one step past z_start: the first row must be z_start itself."),
])
def interpolate_codes(z_start, z_end, steps):
    t = np.linspace(0.0, 1.0, steps)[:, None]
    return (1.0 - t) * z_start + t * z_end
