"""Exercises of notebook 12: a colour VAE the learner builds, graded by what it does.

The learner writes the discretized logistic likelihood of an 8-bit pixel (compared with the
reference on pixels that include both edge levels), the convolutional networks of a
conditional VAE for colour images (any architecture with the right inputs and outputs), and
trains them: the trained model passes when it reaches :data:`BITS_PER_DIM` on held-out
images within :data:`MAX_UPDATES` updates.
"""

import keras
import numpy as np
from keras import layers

from .engine import Mistake, as_numbers, exercise

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)

EXAMPLE_SHAPE, LATENT, CLASSES = (32, 32, 3), 16, 9  # the bundled emoji's
MAX_WEIGHTS = 2_000_000  # what a laptop's CPU trains in the notebook's minute
MAX_UPDATES = 500
BITS_PER_DIM = 5.7  # on the held-out emoji, from the ELBO; the pixel histogram scores 5.76
_HALF_BIN = 0.5 / 255


def _pixel_cases():
    rng = np.random.default_rng(12)
    x = rng.integers(0, 256, (6, 8)) / 255
    x[0, :4], x[1, :4] = 0.0, 1.0  # both edge levels, at locations near and far
    location = x + rng.uniform(-0.3, 0.3, x.shape)
    log_scale = rng.uniform(-3.5, -0.5, x.shape)
    return [(x, location, log_scale), (x[:2], location[:2], np.full((2, 8), -2.0))]


def _logistic_cdf(value, location, scale):
    return 1 / (1 + np.exp(-(value - location) / scale))


def _without_edge_bins(x, location, log_scale):
    scale = np.exp(log_scale)
    return np.log(_logistic_cdf(x + _HALF_BIN, location, scale)
                  - _logistic_cdf(x - _HALF_BIN, location, scale))


def _bins_of_256(x, location, log_scale):
    scale, half = np.exp(log_scale), 0.5 / 256
    upper = np.where(x > 1 - _HALF_BIN, 1.0, _logistic_cdf(x + half, location, scale))
    lower = np.where(x < _HALF_BIN, 0.0, _logistic_cdf(x - half, location, scale))
    return np.log(upper - lower)


def _density_times_width(x, location, log_scale):
    u = (x - location) / np.exp(log_scale)
    return -u - log_scale - 2 * np.log1p(np.exp(-u)) + np.log(2 * _HALF_BIN)


def _scale_is_log_scale(x, location, log_scale):
    return logistic_log_prob(x, location, np.log(np.abs(log_scale)))


_EDGES = ("The levels 0 and 1 are not only their bins: 0 takes all the logistic's mass below it, "
          "1 all the mass above, or the 256 probabilities of a pixel do not add up to 1.")


@exercise("logistic_log_prob", cases=_pixel_cases, rtol=1e-6, atol=1e-8, mistakes=[
    Mistake(_without_edge_bins, _EDGES),
    Mistake(_bins_of_256, "255 steps separate the 256 levels k / 255: a level's bin is 1 / 255 "
                          "wide, from half a step below it to half a step above."),
    Mistake(_density_times_width, "The probability of a level is the mass of its bin: the "
                                  "difference of the logistic's CDF at the bin's two edges, not "
                                  "the density at its centre times its width."),
    Mistake(_scale_is_log_scale, "log_scale is the logarithm of the scale: s = exp(log_scale)."),
])
def logistic_log_prob(x, location, log_scale):
    half_bin = 0.5 / 255
    scale = np.exp(log_scale)
    cdf = lambda value: 1 / (1 + np.exp(-(value - location) / scale))
    upper = np.where(x > 1 - half_bin, 1.0, cdf(x + half_bin))  # level 1 takes the upper tail
    lower = np.where(x < half_bin, 0.0, cdf(x - half_bin))  # level 0 takes the lower tail
    return np.log(upper - lower)


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


@exercise("colour_networks", judge=_networks_fit_together)
def build_networks(example_shape, latent_dim, n_classes):
    image, label = keras.Input(example_shape), keras.Input((n_classes,))
    h = layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(image)  # 16 x 16
    h = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(h)  # 8 x 8
    h = layers.Dense(128, activation="relu")(layers.Concatenate()([layers.Flatten()(h), label]))
    encoder = keras.Model([image, label], [layers.Dense(latent_dim)(h), layers.Dense(latent_dim)(h)])

    code, label = keras.Input((latent_dim,)), keras.Input((n_classes,))
    height, width, channels = example_shape
    h = layers.Dense(height // 4 * width // 4 * 32, activation="relu")(
        layers.Concatenate()([code, label]))
    h = layers.Reshape((height // 4, width // 4, 32))(h)
    h = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(h)
    outputs = layers.Conv2DTranspose(2 * channels, 3, strides=2, padding="same")(h)
    return encoder, keras.Model([code, label], outputs)


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


@exercise("colour_vae", judge=_reaches_the_bar)
def train_colour_vae(x, y, *, n_classes, seed):
    from vaelearn.models import ConditionalVAE

    encoder, decoder = build_networks(x.shape[1:], 16, n_classes)
    vae = ConditionalVAE(encoder, decoder, n_classes=n_classes, likelihood="logistic",
                         decoder_std="predicted", seed=seed)
    vae.compile_with_defaults(learning_rate=2e-3)
    vae.fit(x, y, epochs=10, batch_size=64)  # 470 updates on 2,997 images
    return vae
