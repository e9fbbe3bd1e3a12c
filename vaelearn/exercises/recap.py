"""Exercise of notebook 17: the generative story, told with real draws."""

import numpy as np

from .engine import as_numbers, exercise, not_numbers

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)


def _tells_the_story(answer, *, vae, n=2000):
    """None if ``answer(vae, n, seed)`` draws z ~ N(0, I) and x ~ p(x|z), else what is wrong."""
    first = answer(vae, n, 0)
    images = as_numbers(first)
    if images is None:
        return not_numbers(first), None
    if images.shape != (n, *vae.example_shape):
        return f"Expected {n} images shaped {vae.example_shape}; got {images.shape}.", None
    if not np.isin(images, (0.0, 1.0)).all():
        return ("Your pictures have grey pixels: they are mean images, not draws.",
                "p(x|z) is one coin per pixel; a draw from it flips every coin.")
    if not np.array_equal(images, as_numbers(answer(vae, n, 0))):
        return "The same seed gave different pictures.", "Draw every random number from the seed."
    if np.array_equal(images, as_numbers(answer(vae, n, 1))):
        return "Another seed gave the same pictures.", "The seed must decide the codes and the coins."
    # Averaged over many draws, each pixel is on as often as the decoder's mean says. Two
    # averages over n = 2000 codes differ by about 0.016 per pixel at most; thresholding at
    # 0.5 moves the many pixels near 0.3 by about 0.3.
    expected = vae.sample(n, seed=12345).mean(axis=0)
    if np.abs(images.mean(axis=0) - expected).max() > 0.1:
        return ("On average your pixels are not on as often as the model's probabilities say.",
                "A pixel with probability 0.3 must be on in about 30% of the draws: thresholding "
                "at 0.5 is not a draw, and the codes must come from the prior N(0, I).")
    return None


exercise("generate", judge=_tells_the_story)
