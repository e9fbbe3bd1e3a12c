"""The networks of the image models: encoders, decoders and the sampling layer, in Keras 3.

Networks only map tensors to tensors; :mod:`vaelearn.models` puts them together into models
that train. Two architectures (``arch``):

- ``"mlp"``: dense layers of ``hidden`` units on the flattened example;
- ``"conv"``: two stride-2 convolutions (32, 64 filters) then a dense layer of
  ``hidden[-1]`` units, as in the keras.io reference VAE (height and width divisible by 4).

With ``n_classes``, a network also takes one-hot labels ``(n, n_classes)``, concatenated
with the flattened features (encoder) or with the code (decoder): the networks of a
conditional VAE.
"""

import math

import keras
from keras import layers

from .defaults import HIDDEN
from .objectives import reparameterize
from .randomness import spawn_seeds
from .validation import check_choice

__all__ = ["ARCHITECTURES", "Sampling", "build_decoder", "build_encoder"]

ARCHITECTURES = ("mlp", "conv")
serializable = keras.saving.register_keras_serializable(package="vaelearn")


@serializable
class Sampling(layers.Layer):
    """The reparameterization trick as a layer: [z_mean, z_log_var] -> z = mu + sigma * eps.

    See :func:`vaelearn.objectives.reparameterize`.

    Parameters
    ----------
    seed : int, optional
        Seeds the layer's draws of eps (see :mod:`vaelearn.randomness`).
    """

    def __init__(self, *, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        return reparameterize(z_mean, z_log_var, seed=self.seed_generator)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def _kernel_initializers(seed, count=16):
    """Initializers of successive layers' kernels: seeded from ``seed``, or Keras' default
    (the global generator) for None."""
    for layer_seed in spawn_seeds(seed, count):
        yield "glorot_uniform" if layer_seed is None else keras.initializers.GlorotUniform(layer_seed)


def _conv_base_shape(shape):
    if len(shape) != 3 or shape[0] % 4 or shape[1] % 4:
        raise ValueError(
            f"arch='conv' needs images shaped (H, W, C) with H and W divisible by 4, got {shape}; "
            "use arch='mlp' for other shapes.")
    return shape[0] // 4, shape[1] // 4


def _with_labels(features, n_classes):
    """(network inputs, features): the labels' input appended and concatenated when
    ``n_classes`` is set."""
    if n_classes is None:
        return [], features
    labels = keras.Input((n_classes,), name="y")
    return [labels], layers.Concatenate()([features, labels])


def build_encoder(example_shape, latent_dim, *, arch="mlp", hidden=HIDDEN, n_classes=None,
                  variational=True, seed=None):
    """The encoder: x ``(n, *example_shape)`` -> [z_mean, z_log_var], each ``(n, latent_dim)``.

    Parameters
    ----------
    example_shape : tuple of int
        The shape of one example, e.g. ``(28, 28, 1)``.
    latent_dim : int
    arch : {"mlp", "conv"}
    hidden : tuple of int
        Units of the dense layers ("conv": only the last is used).
    n_classes : int, optional
        Also take one-hot labels ``(n, n_classes)``: the encoder q(z | x, y) of a
        conditional VAE, whose inputs are ``[x, y]``.
    variational : bool
        False: one output, the code z ``(n, latent_dim)`` (a plain autoencoder's encoder).
    seed : int, optional
        Seeds the initial weights.

    Returns
    -------
    keras.Model
    """
    check_choice(arch, ARCHITECTURES, "arch")
    initializers = _kernel_initializers(seed)
    x = keras.Input(tuple(example_shape), name="x")
    if arch == "conv":
        _conv_base_shape(tuple(example_shape))
        h = x
        for filters in (32, 64):
            h = layers.Conv2D(filters, 3, strides=2, padding="same", activation="relu",
                              kernel_initializer=next(initializers))(h)
        extra_inputs, h = _with_labels(layers.Flatten()(h), n_classes)
        widths = hidden[-1:]
    else:
        extra_inputs, h = _with_labels(layers.Flatten()(x), n_classes)
        widths = hidden
    for units in widths:
        h = layers.Dense(units, activation="relu", kernel_initializer=next(initializers))(h)
    inputs = [x, *extra_inputs] if extra_inputs else x
    if not variational:
        z = layers.Dense(latent_dim, name="z", kernel_initializer=next(initializers))(h)
        return keras.Model(inputs, z, name="encoder")
    z_mean = layers.Dense(latent_dim, name="z_mean", kernel_initializer=next(initializers))(h)
    z_log_var = layers.Dense(latent_dim, name="z_log_var", kernel_initializer=next(initializers))(h)
    return keras.Model(inputs, [z_mean, z_log_var], name="encoder")


def build_decoder(latent_dim, example_shape, *, arch="mlp", hidden=HIDDEN, n_classes=None,
                  seed=None):
    """The decoder: z ``(n, latent_dim)`` -> logits or means ``(n, *example_shape)``.

    Mirrors :func:`build_encoder`; no output activation (the model's likelihood reads the
    output).

    Parameters
    ----------
    latent_dim : int
    example_shape : tuple of int
        The shape of one example.
    arch : {"mlp", "conv"}
    hidden : tuple of int
    n_classes : int, optional
        Also take one-hot labels: the decoder p(x | z, y) of a conditional VAE, whose
        inputs are ``[z, y]``.
    seed : int, optional
        Seeds the initial weights.

    Returns
    -------
    keras.Model
    """
    check_choice(arch, ARCHITECTURES, "arch")
    initializers = _kernel_initializers(seed)
    example_shape = tuple(example_shape)
    z = keras.Input((latent_dim,), name="z")
    extra_inputs, h = _with_labels(z, n_classes)
    if arch == "conv":
        h0, w0 = _conv_base_shape(example_shape)
        h = layers.Dense(h0 * w0 * 64, activation="relu", kernel_initializer=next(initializers))(h)
        h = layers.Reshape((h0, w0, 64))(h)
        for filters in (64, 32):
            h = layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation="relu",
                                       kernel_initializer=next(initializers))(h)
        outputs = layers.Conv2DTranspose(example_shape[-1], 3, padding="same",
                                         kernel_initializer=next(initializers))(h)
    else:
        for units in reversed(hidden):
            h = layers.Dense(units, activation="relu", kernel_initializer=next(initializers))(h)
        h = layers.Dense(math.prod(example_shape), kernel_initializer=next(initializers))(h)
        outputs = layers.Reshape(example_shape)(h)
    inputs = [z, *extra_inputs] if extra_inputs else z
    return keras.Model(inputs, outputs, name="decoder")
