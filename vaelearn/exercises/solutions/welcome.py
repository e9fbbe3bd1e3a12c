"""The answers of notebook 00's exercises: their reference solutions and classic mistakes."""

from ..engine import Mistake, reference

__all__ = []  # reached by name: vaelearn.exercises.get(...).reference and .mistakes


@reference("scale_pixels", mistakes=[
    Mistake(lambda images: (images // 255)[..., None],
            "Every pixel came out as 0 or 1: `//` is integer division. Divide as floats."),
    Mistake(lambda images: images[..., None] / 255.0,
            "The values are right but NumPy made them float64: ask for float32 with .astype."),
    Mistake(lambda images: images.astype("float32") / 255.0,
            "The values are right; Keras' image layers want a channel axis at the end."),
])
def scale_pixels(images):
    return images.astype("float32")[..., None] / 255.0
