"""Exercise of notebook 08: asking a conditional VAE for a digit."""

import numpy as np

from .engine import as_numbers, exercise, not_numbers

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)


def _draws_the_digit(answer, *, cvae, judge, digit=3, n=100):
    """None if ``answer(cvae, digit, n, seed)`` gives n varied, reproducible images that the
    judge reads as ``digit``, else what is wrong."""
    first = answer(cvae, digit, n, 0)
    images = as_numbers(first)
    if images is None:
        return not_numbers(first), None
    if images.shape != (n, *cvae.example_shape):
        return (f"Expected {n} images shaped {cvae.example_shape}: an array of shape "
                f"({n}, {', '.join(map(str, cvae.example_shape))}); got {images.shape}.", None)
    if np.allclose(images, images[:1], atol=1e-6):
        return (f"All {n} images are the same.",
                "Each image needs its own code z, drawn from the prior.")
    if not np.array_equal(images, as_numbers(answer(cvae, digit, n, 0))):
        return ("The same seed gave different images.",
                "Draw every random number from a generator made from the seed.")
    if np.array_equal(images, as_numbers(answer(cvae, digit, n, 1))):
        return "Another seed gave the same images.", "The seed must decide the codes you draw."
    share = np.mean(judge.predict(images.astype("float32")) == digit)
    if share < 0.8:
        return (f"The judge reads the requested digit {digit} in {share:.0%} of your images.",
                "The decoder of a conditional VAE takes the code and the label.")
    return None


exercise("digit_samples", judge=_draws_the_digit)
