"""The answers of notebook 12's exercises: their reference solutions and classic mistakes."""

import keras
import numpy as np
from keras import layers

from ..engine import Mistake, reference

__all__ = []  # reached by name: vaelearn.exercises.get(...).reference and .mistakes

_HALF_BIN = 0.5 / 255
_EDGES = ("The levels 0 and 1 are not only their bins: 0 takes all the logistic's mass below it, "
          "1 all the mass above, or the 256 probabilities of a pixel do not add up to 1.")


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


@reference("logistic_log_prob", mistakes=[
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


@reference("colour_networks")
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


@reference("colour_vae")
def train_colour_vae(x, y, *, n_classes, seed):
    from vaelearn.models import ConditionalVAE

    encoder, decoder = build_networks(x.shape[1:], 16, n_classes)
    vae = ConditionalVAE(encoder, decoder, n_classes=n_classes, likelihood="logistic",
                         decoder_std="predicted", seed=seed)
    vae.compile_with_defaults(learning_rate=2e-3)
    vae.fit(x, y, epochs=10, batch_size=64)  # 470 updates on 2,997 images
    return vae
