"""Exercises of notebook 12: a colour VAE the learner builds, graded by what it does.

The learner writes the discretized logistic likelihood of an 8-bit pixel (compared with the
reference on pixels that include both edge levels), the convolutional networks of a
conditional VAE for colour images (any architecture with the right inputs and outputs), and
trains them: the trained model passes when it reaches :data:`BITS_PER_DIM` on held-out
images within :data:`MAX_UPDATES` updates.
"""

import keras
import numpy as np

from .engine import as_numbers, exercise

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)

EXAMPLE_SHAPE, LATENT, CLASSES = (32, 32, 3), 16, 9  # the bundled emoji's
MAX_WEIGHTS = 2_000_000  # what a laptop's CPU trains in the notebook's minute
MAX_UPDATES = 500
BITS_PER_DIM = 5.7  # on the held-out emoji, from the ELBO; the pixel histogram scores 5.76


def _pixel_cases(seed=12):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, (6, 8)) / 255
    x[0, :4], x[1, :4] = 0.0, 1.0  # both edge levels, at locations near and far
    location = x + rng.uniform(-0.3, 0.3, x.shape)
    log_scale = rng.uniform(-3.5, -0.5, x.shape)
    return [(x, location, log_scale), (x[:2], location[:2], np.full((2, 8), -2.0))]


exercise("logistic_log_prob", cases=_pixel_cases, rtol=1e-6, atol=1e-8)


def _outputs(network, inputs):
    return [as_numbers(o) for o in keras.tree.flatten(network(inputs))]


def _networks_fit_together(answer):
    """None if ``answer`` builds a conditional encoder and a decoder of locations and
    log-scales for the emoji that a ConditionalVAE accepts, small enough for a laptop."""
    from ..models import ConditionalVAE

    built = answer(EXAMPLE_SHAPE, LATENT, CLASSES)
    if not (isinstance(built, tuple) and len(built) == 2
            and all(isinstance(n, keras.Model) for n in built)):
        return ("build_networks must return two keras.Model: (encoder, decoder).",
                "End with `return encoder, decoder`.")
    encoder, decoder = built
    rng = np.random.default_rng(12)
    x = rng.random((4, *EXAMPLE_SHAPE)).astype("float32")
    y = np.eye(CLASSES, dtype="float32")[[0, 1, 2, 3]]
    other_y = np.eye(CLASSES, dtype="float32")[[5, 6, 7, 8]]
    z = rng.standard_normal((4, LATENT)).astype("float32")
    try:
        encoded = _outputs(encoder, [x, y])
    except Exception as e:
        return (f"The encoder cannot be called on [images, one-hot labels] ({type(e).__name__}).",
                "Give the encoder two inputs: keras.Input(example_shape) and keras.Input((n_classes,)).")
    if [o.shape for o in encoded] != [(4, LATENT)] * 2:
        return (f"The encoder returns arrays shaped {[o.shape for o in encoded]}; it must return "
                f"[z_mean, z_log_var], each ({4}, latent_dim).", None)
    try:
        decoded = _outputs(decoder, [z, y])
    except Exception as e:
        return (f"The decoder cannot be called on [codes, one-hot labels] ({type(e).__name__}).",
                "Give the decoder two inputs: keras.Input((latent_dim,)) and keras.Input((n_classes,)).")
    wanted = (4, *EXAMPLE_SHAPE[:-1], 2 * EXAMPLE_SHAPE[-1])
    if len(decoded) != 1 or decoded[0].shape != wanted:
        return (f"The decoder returns arrays shaped {[o.shape for o in decoded]}; it must return one "
                f"array shaped {wanted}.",
                "Twice the image's channels: a location for each pixel of each channel, then a "
                "log-scale for each.")
    if np.allclose(decoded[0], _outputs(decoder, [z, other_y])[0]):
        return ("The decoder's output does not change with the label.",
                "Join the label to the code (layers.Concatenate) before the first dense layer.")
    if np.allclose(encoded[0], _outputs(encoder, [x[::-1], y])[0][::-1]):
        return "The encoder's output does not depend on the image.", None
    weights = encoder.count_params() + decoder.count_params()
    if weights > MAX_WEIGHTS:
        return (f"Your networks have {weights:,} weights; at most {MAX_WEIGHTS:,} train in the "
                f"notebook's time on a laptop.", "Fewer filters or a smaller dense layer.")
    ConditionalVAE(encoder, decoder, n_classes=CLASSES, likelihood="logistic",
                   decoder_std="predicted")
    return None


exercise("colour_networks", judge=_networks_fit_together)


def _reaches_the_bar(answer, *, x, y):
    """None if the trained model ``answer`` took at most MAX_UPDATES updates and scores at
    most BITS_PER_DIM on the held-out ``x, y`` (from its ELBO, an upper bound)."""
    from ..evaluation import elbo
    from ..metrics import bits_per_dim_from_nats
    from ..models import LatentModel

    if not isinstance(answer, LatentModel) or answer.n_classes is None:
        return (f"Expected the trained conditional VAE, got {type(answer).__name__}.",
                "Pass the model you trained: exercises.check('colour_vae', vae, ...).")
    updates = 0 if answer.optimizer is None else int(answer.optimizer.iterations)
    if updates == 0:
        return "This model has not been trained yet.", "Run the training cell first."
    if updates > MAX_UPDATES:
        return (f"The model took {updates} updates; the exercise allows {MAX_UPDATES}.",
                "Train for fewer epochs, or with larger batches.")
    if answer.likelihood != "logistic":
        return (f"A {answer.likelihood} likelihood gives no probability of 8-bit pixels, so no "
                "bits per dimension to compare.", "Use likelihood='logistic'.")
    bits = float(np.mean(bits_per_dim_from_nats(elbo(answer, x, y, seed=0), answer.example_shape)))
    if not np.isfinite(bits) or bits > BITS_PER_DIM:
        hint = ("One scale per channel must suit both sharp edges and flat colour: predict a "
                "scale for every pixel (decoder_std='predicted')." if not answer.predicts_scale
                else "Train for all the updates allowed; try a learning rate of 1e-3 to 3e-3 or "
                     "more filters.")
        return (f"Your model scores {bits:.3f} bits per dimension on the held-out images (from "
                f"its ELBO); the exercise asks for {BITS_PER_DIM} or less within "
                f"{MAX_UPDATES} updates.", hint)
    return None


exercise("colour_vae", judge=_reaches_the_bar)
