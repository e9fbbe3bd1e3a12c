"""Exercise of notebook 00: a warm-up on the shapes and types of image data."""

import numpy as np

from .engine import Mistake, exercise

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)


def _cases():
    rng = np.random.default_rng(0)
    return [(rng.integers(0, 256, size=(4, 28, 28), dtype=np.uint8),),
            (np.array([[[0, 255], [128, 1]]], dtype=np.uint8),)]


@exercise("scale_pixels", cases=_cases, dtype="float32", mistakes=[
    Mistake(lambda images: (images // 255)[..., None],
            "Every pixel came out as 0 or 1: `//` is integer division. Divide as floats."),
    Mistake(lambda images: images[..., None] / 255.0,
            "The values are right but NumPy made them float64: ask for float32 with .astype."),
    Mistake(lambda images: images.astype("float32") / 255.0,
            "The values are right; Keras' image layers want a channel axis at the end."),
])
def scale_pixels(images):
    return images.astype("float32")[..., None] / 255.0
