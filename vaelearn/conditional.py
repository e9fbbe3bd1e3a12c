"""A conditional VAE: generate an example of a requested class.

Both networks see the label: the encoder models q(z | x, y) and the decoder p(x | z, y).
The label then no longer has to be stored in z, which is left to hold the *style* (slant,
thickness, ...), and ``sample(n, labels=...)`` draws z from the prior and decodes it with
the label you ask for. Typical use::

    cvae = make_conditional_vae(data.image_shape, n_classes=10, latent_dim=2)
    cvae.fit(data.x_train, data.y_train, epochs=40, batch_size=64)
    sevens = cvae.sample(16, labels=7, seed=0)          # (16, *image_shape)

Labels may be given as integers ``(n,)`` or one-hot rows ``(n, n_classes)`` everywhere.
"""

import math

import keras
import numpy as np
from keras import layers

from .batching import in_batches
from .models import DEFAULT_LEARNING_RATE, VAE, serializable


def build_conditional_encoder(input_shape, n_classes, latent_dim, hidden=(256, 128)):
    """The encoder q(z | x, y): an MLP on the flattened image concatenated with the label.

    Parameters
    ----------
    input_shape : tuple of int
    n_classes : int
    latent_dim : int
    hidden : tuple of int

    Returns
    -------
    keras.Model
        [x ``(n, *input_shape)``, y one-hot ``(n, n_classes)``] -> [z_mean, z_log_var],
        each ``(n, latent_dim)``.
    """
    x = keras.Input(tuple(input_shape), name="x")
    y = keras.Input((n_classes,), name="y")
    h = layers.Concatenate()([layers.Flatten()(x), y])
    for units in hidden:
        h = layers.Dense(units, activation="relu")(h)
    z_mean = layers.Dense(latent_dim, name="z_mean")(h)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    return keras.Model([x, y], [z_mean, z_log_var], name="conditional_encoder")


def build_conditional_decoder(latent_dim, n_classes, output_shape, hidden=(256, 128)):
    """The decoder p(x | z, y); mirrors :func:`build_conditional_encoder`.

    Parameters
    ----------
    latent_dim : int
    n_classes : int
    output_shape : tuple of int
    hidden : tuple of int

    Returns
    -------
    keras.Model
        [z ``(n, latent_dim)``, y one-hot ``(n, n_classes)``] -> logits or means
        ``(n, *output_shape)``.
    """
    output_shape = tuple(output_shape)
    z = keras.Input((latent_dim,), name="z")
    y = keras.Input((n_classes,), name="y")
    h = layers.Concatenate()([z, y])
    for units in reversed(hidden):
        h = layers.Dense(units, activation="relu")(h)
    h = layers.Dense(math.prod(output_shape))(h)
    return keras.Model([z, y], layers.Reshape(output_shape)(h), name="conditional_decoder")


@serializable
class ConditionalVAE(VAE):
    """A VAE whose encoder and decoder both take a one-hot label.

    Same objective as :class:`vaelearn.models.VAE` (history keys ``loss``,
    ``reconstruction_loss``, ``kl_loss``, with loss = reconstruction_loss + beta * kl_loss),
    with q(z | x, y) and p(x | z, y). Train with ``fit(x, labels)``.
    """

    def __init__(self, encoder, decoder, n_classes=10, **kwargs):
        super().__init__(encoder, decoder, **kwargs)
        self.n_classes = int(n_classes)

    @property
    def latent_dim(self):
        return self.decoder.input_shape[0][-1]

    @property
    def example_shape(self):
        return tuple(self.encoder.input_shape[0][1:])

    def one_hot(self, labels, n=None):
        """Integer labels ``(n,)`` (or one int, repeated ``n`` times) or one-hot rows
        ``(n, n_classes)`` -> float32 one-hot rows ``(n, n_classes)``."""
        labels = np.asarray(labels)
        if labels.ndim == 0:
            labels = np.full(n or 1, labels)
        if labels.ndim == 2:
            if labels.shape[1] != self.n_classes:
                raise ValueError(f"One-hot labels need {self.n_classes} columns, got {labels.shape[1]}.")
            return labels.astype("float32")
        if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
            raise ValueError(f"Labels must be integers shaped (n,) or one-hot rows shaped "
                             f"(n, {self.n_classes}); got dtype {labels.dtype}, shape {labels.shape}.")
        if labels.size and (labels.min() < 0 or labels.max() >= self.n_classes):
            raise ValueError(f"Labels must lie in 0..{self.n_classes - 1}, got "
                             f"{labels.min()}..{labels.max()}.")
        return np.eye(self.n_classes, dtype="float32")[labels]

    def call(self, inputs, training=False):
        x, y = inputs
        z_mean, z_log_var = self.encoder([x, y], training=training)
        z = self.sampling([z_mean, z_log_var])
        return {"reconstruction": self.decoder([z, y], training=training),
                "z_mean": z_mean, "z_log_var": z_log_var, "target": x}

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        images, _ = x
        return super().compute_loss(x=images, y=None, y_pred=y_pred,
                                    sample_weight=sample_weight, training=training)

    def fit(self, x=None, y=None, batch_size=None, *, validation_data=None, **kwargs):
        """Train on images ``x`` ``(n, *example_shape)`` and their labels ``y`` (integers
        ``(n,)`` or one-hot ``(n, n_classes)``). ``validation_data``: ``(x_val, y_val)``.
        Other keyword arguments (``epochs``, ``sample_weight``, ...) go to
        ``keras.Model.fit``."""
        if y is None:
            raise ValueError("A ConditionalVAE trains on images and labels: call fit(x, y).")
        x = np.asarray(x, dtype="float32")
        self.check_inputs(x)
        inputs = [x, self.one_hot(y)]
        if validation_data is not None:
            x_val, y_val = validation_data
            x_val = np.asarray(x_val, dtype="float32")
            self.check_inputs(x_val)
            validation_data = ([x_val, self.one_hot(y_val)],)
        return super().fit(inputs, None, batch_size, validation_data=validation_data, **kwargs)

    def _batched_pair(self, fn, a, labels, batch_size=1024):
        y = self.one_hot(labels, len(a))
        if len(y) != len(a):
            raise ValueError(f"Got {len(a)} examples but {len(y)} labels.")
        return in_batches(fn, a, y, batch_size=batch_size)

    def encode(self, x, labels, batch_size=1024):
        """Posterior parameters (z_mean, z_log_var) of q(z | x, y), each ``(n, latent_dim)``."""
        self.check_inputs(x)
        return self._batched_pair(lambda xb, yb: self.encoder([xb, yb]), x, labels, batch_size)

    def transform(self, x, labels, batch_size=1024):
        """The posterior mean code of each (image, label) pair. ``(n, latent_dim)``."""
        return self.encode(x, labels, batch_size)[0]

    def decode(self, z, labels, batch_size=1024):
        """Mean images for codes ``z`` ``(n, latent_dim)`` and labels -> ``(n, *example_shape)``."""
        return self._batched_pair(lambda zb, yb: self._mean_image(self.decoder([zb, yb])),
                                  z, labels, batch_size)

    def reconstruct(self, x, labels, batch_size=1024):
        """Decode the point code of each input with its own label."""
        return self.decode(self.transform(x, labels, batch_size), labels, batch_size)

    def sample(self, n, *, labels=None, temperature=1.0, seed=None):
        """Decode ``n`` prior codes z ~ N(0, temperature^2 I) with the requested ``labels``
        (one int for all, or ``(n,)`` ints; default: the classes in turn). ``(n, *example_shape)``."""
        if labels is None:
            labels = np.arange(n) % self.n_classes
        z = temperature * np.random.default_rng(seed).standard_normal((n, self.latent_dim))
        return self.decode(z.astype("float32"), labels)

    def get_config(self):
        return {**super().get_config(), "n_classes": self.n_classes}


def make_conditional_vae(input_shape, n_classes=10, latent_dim=2, hidden=(256, 128), beta=1.0,
                         likelihood="bernoulli", decoder_std=1.0, free_bits=0.0, seed=0,
                         learning_rate=DEFAULT_LEARNING_RATE):
    """Build and compile a :class:`ConditionalVAE` (MLP encoder and decoder) with the
    course's defaults.

    Parameters
    ----------
    input_shape, n_classes, latent_dim, hidden
        As in :func:`build_conditional_encoder`.
    beta, likelihood, decoder_std, free_bits, seed, learning_rate
        As in :func:`vaelearn.models.make_vae`.

    Returns
    -------
    ConditionalVAE
    """
    cvae = ConditionalVAE(build_conditional_encoder(input_shape, n_classes, latent_dim, hidden),
                          build_conditional_decoder(latent_dim, n_classes, input_shape, hidden),
                          n_classes=n_classes, beta=beta, likelihood=likelihood,
                          decoder_std=decoder_std, free_bits=free_bits, seed=seed)
    cvae.compile_with_defaults(learning_rate)
    return cvae


__all__ = ["ConditionalVAE", "build_conditional_decoder",
           "build_conditional_encoder", "make_conditional_vae"]
