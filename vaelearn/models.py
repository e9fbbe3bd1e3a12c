"""The image models: a plain autoencoder, the VAE and the conditional VAE, and their factories.

Typical use::

    vae = make_vae(data.example_shape, latent_dim=2, seed=0)
    history = vae.fit(data.x_train, epochs=30)
    z_mean, z_log_var = vae.encode(data.x_test)
    images = vae.sample(16, seed=1)

    cvae = make_vae(data.example_shape, n_classes=10, latent_dim=2)   # a ConditionalVAE
    cvae.fit(data.x_train, data.y_train, epochs=40)
    sevens = cvae.sample(16, y=7)

Every model takes and returns NumPy arrays; labels ``y`` go where Keras puts them (after
``x``) and only conditional models take them. The decoder outputs Bernoulli logits
(``likelihood="bernoulli"``), Gaussian means (``likelihood="gaussian"``) or the locations
of discretized logistics over the 256 levels of 8-bit pixels (``likelihood="logistic"``),
followed, with ``decoder_std="predicted"``, by a log-scale for every pixel;
``decode``, ``reconstruct`` and ``sample`` return mean images in data space.
``model.save("vae.keras")`` writes the file atomically, and
:func:`vaelearn.saving.load_model` (or ``keras.saving.load_model`` after ``import vaelearn``)
reads it back.
"""

import math
import numbers
import warnings

import keras
import numpy as np
from keras import ops

from . import course_model, networks, objectives
from .batching import in_batches, rows_per_pass
from .defaults import (HIDDEN, LEARNING_RATE, LOGISTIC_INITIAL_SCALE, PIXEL_LEVELS,
                       PREDICT_BATCH_SIZE, WARMUP_STEPS)
from .deprecation import forward_moved_names, renamed_parameters
from .randomness import numpy_generator, spawn_seeds
from .validation import check_choice, check_count, check_examples, first_batch, is_array_like

__all__ = ["LIKELIHOODS", "Autoencoder", "ConditionalVAE", "LatentModel", "VAE",
           "make_autoencoder", "make_vae"]

LIKELIHOODS = ("bernoulli", "gaussian", "logistic")
# A floor on the log-scales a decoder predicts (PixelCNN++'s): a scale of e^-7, a quarter of
# an 8-bit level's width, already gives the level under the location 79% of the mass; the
# floor keeps a Gaussian density on quantised pixels from rewarding ever smaller scales.
MIN_PREDICTED_LOG_SCALE = -7.0
# The likelihoods of pixels in [0, 1]: their inputs are checked to lie there.
_UNIT_INTERVAL_LIKELIHOODS = ("bernoulli", "logistic")


class LatentModel(course_model.CourseModel):
    """What the image models share: a likelihood, labels for the conditional ones, input
    checks and batched NumPy-in, NumPy-out methods.

    Parameters
    ----------
    encoder, decoder : keras.Model
        From :func:`~vaelearn.networks.build_encoder` and
        :func:`~vaelearn.networks.build_decoder` (with ``n_classes``, networks that also
        take one-hot labels).
    likelihood : {"bernoulli", "gaussian", "logistic"}
        How the decoder's output is read: Bernoulli logits, the means of Gaussians, or the
        locations of discretized logistics over the 8-bit levels k / 255
        (:func:`~vaelearn.objectives.discretized_logistic_log_likelihood`), whose scale is
        learned, one per channel (``decoder_log_scale``, starting at
        :data:`~vaelearn.defaults.LOGISTIC_INITIAL_SCALE`). "bernoulli" and "logistic"
        need inputs in [0, 1].
    decoder_std : float, "learned" or "predicted"
        The Gaussian likelihood's standard deviation: a number, or one learned number, for
        every pixel. "predicted" (Gaussian or logistic): the decoder predicts a scale for
        each pixel of each example; it outputs ``2 C`` channels for ``C`` channels of data,
        the means or locations, then their log-scales (floored at
        :data:`MIN_PREDICTED_LOG_SCALE`). Ignored by a Bernoulli.
    n_classes : int, optional
        The number of classes of a conditional model's labels.
    **kwargs
        ``beta``, ``free_bits``, ``seed``: see :class:`~vaelearn.course_model.CourseModel`.
    """

    def __init__(self, encoder, decoder, *, likelihood="bernoulli", decoder_std=1.0,
                 n_classes=None, **kwargs):
        super().__init__(**kwargs)
        check_choice(likelihood, LIKELIHOODS, "likelihood")
        if decoder_std == "predicted" and likelihood == "bernoulli":
            raise ValueError("decoder_std='predicted' is for the 'gaussian' and 'logistic' "
                             "likelihoods; a Bernoulli has no scale to predict.")
        if likelihood == "gaussian" and decoder_std not in ("learned", "predicted") and not (
                isinstance(decoder_std, numbers.Real) and 0 < decoder_std < math.inf):
            raise ValueError(f"decoder_std must be a positive number, 'learned' or 'predicted', got "
                             f"{decoder_std!r}: it is the standard deviation of the pixels "
                             "around the decoder's mean (1.0 by default).")
        self.encoder, self.decoder = encoder, decoder
        self.likelihood = likelihood
        self.decoder_std = decoder_std
        self.n_classes = None if n_classes is None else int(n_classes)
        self._check_decoder_channels()
        self._add_scale_weight()
        self.built = True  # the networks are built already: the model can be saved unfitted

    @property
    def predicts_scale(self):
        """Whether the decoder outputs a log-scale for every pixel (``decoder_std="predicted"``)."""
        return self.decoder_std == "predicted" and self.likelihood != "bernoulli"

    def _check_decoder_channels(self):
        channels = self.example_shape[-1]
        wanted = 2 * channels if self.predicts_scale else channels
        output = tuple(self.decoder.outputs[0].shape[1:])
        if output[:-1] != self.example_shape[:-1] or output[-1] != wanted:
            what = ("the means or locations, then the log-scales"
                    if self.predicts_scale else "one value per pixel")
            raise ValueError(
                f"The decoder outputs {output} for examples shaped {self.example_shape}; it must "
                f"output {(*self.example_shape[:-1], wanted)}: {what}.")

    def _add_scale_weight(self):
        """The likelihood's log-scale weight, saved with the model: the Gaussian's one log std
        (learned or fixed), the logistic's learned log scale per channel; none for Bernoulli
        or a decoder that predicts its scales."""
        if self.predicts_scale:
            return
        if self.likelihood == "gaussian":
            learned = self.decoder_std == "learned"
            self.decoder_log_std = self._log_scale_weight(
                "decoder_log_std", (), 1.0 if learned else self.decoder_std, trainable=learned)
        elif self.likelihood == "logistic":
            self.decoder_log_scale = self._log_scale_weight(
                "decoder_log_scale", self.example_shape[-1:], LOGISTIC_INITIAL_SCALE,
                trainable=True)

    def _log_scale_weight(self, name, shape, scale, *, trainable):
        return self.add_weight(shape=shape, name=name, trainable=trainable,
                               initializer=keras.initializers.Constant(math.log(scale)))

    @property
    def latent_dim(self):
        """The number of dimensions of a code."""
        return int(self.decoder.inputs[0].shape[-1])

    @property
    def example_shape(self):
        """The shape of one example, e.g. ``(28, 28, 1)``."""
        return tuple(self.encoder.inputs[0].shape[1:])

    # Labels ---------------------------------------------------------------------------------

    def labels(self, y, n_examples):
        """One-hot labels for ``n_examples`` examples, or None for a model without labels.

        Parameters
        ----------
        y : int, array_like of shape (n,) or (n, n_classes), or None
            Integer labels (one int: the same for every example) or one-hot rows.
        n_examples : int

        Returns
        -------
        numpy.ndarray of shape (n_examples, n_classes), float32, or None
        """
        if self.n_classes is None:
            if y is not None:
                raise ValueError(f"This {type(self).__name__} is not conditional: it takes no "
                                 "labels y. Train a conditional model with "
                                 "make_vae(..., n_classes=...) to generate a chosen class.")
            return None
        if y is None:
            raise ValueError(f"This {type(self).__name__} is conditional: pass the labels y "
                             f"(integers 0..{self.n_classes - 1}) with the examples or codes.")
        y = np.asarray(y)
        if y.ndim == 0:
            y = np.full(n_examples, y)
        if y.ndim == 2:
            if y.shape[1] != self.n_classes:
                raise ValueError(f"One-hot labels need {self.n_classes} columns, got {y.shape[1]}.")
            onehot = y.astype("float32")
        elif y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(f"Labels must be integers shaped (n,) or one-hot rows shaped "
                             f"(n, {self.n_classes}); got dtype {y.dtype}, shape {y.shape}.")
        elif y.size and (y.min() < 0 or y.max() >= self.n_classes):
            raise ValueError(f"Labels must lie in 0..{self.n_classes - 1}, got {y.min()}..{y.max()}.")
        else:
            onehot = np.eye(self.n_classes, dtype="float32")[y]
        if len(onehot) != n_examples:
            raise ValueError(f"Got {n_examples} examples or codes but {len(onehot)} labels.")
        return onehot

    def encoder_inputs(self, x, y=None):
        """What the encoder takes: ``x``, or ``[x, y]`` for a conditional model.

        Parameters
        ----------
        x : array_like or tensor, shape (n, *example_shape)
        y : array_like or tensor, shape (n, n_classes), optional
            One-hot labels (:meth:`labels`).

        Returns
        -------
        tensor or list of tensors
        """
        return x if y is None else [x, y]

    def decoder_inputs(self, z, y=None):
        """What the decoder takes: ``z``, or ``[z, y]`` for a conditional model.

        Parameters
        ----------
        z : array_like or tensor, shape (n, latent_dim)
        y : array_like or tensor, shape (n, n_classes), optional
            One-hot labels (:meth:`labels`).

        Returns
        -------
        tensor or list of tensors
        """
        return z if y is None else [z, y]

    def _split_inputs(self, inputs):
        """(x, one-hot y or None) from what Keras passes to ``call``."""
        return (inputs, None) if self.n_classes is None else tuple(inputs)

    def _encoded(self, x, y, batch_size):
        """The encoder's outputs for examples ``x`` (checked first), a slice at a time."""
        self.check_inputs(x, allow_empty=True)
        return self._batched(lambda xb, yb: self.encoder(self.encoder_inputs(xb, yb)), x, y,
                             batch_size)

    def _batched(self, fn, values, y, batch_size):
        """``fn(values_slice, labels_slice)`` over slices; labels None for an unconditional model."""
        batch_size = rows_per_pass(self, batch_size)
        labels = self.labels(y, len(values))
        if labels is None:
            return in_batches(lambda vb: fn(vb, None), values, batch_size=batch_size)
        return in_batches(fn, values, labels, batch_size=batch_size)

    # The likelihood -------------------------------------------------------------------------

    def decoder_log_likelihood(self, x, decoder_output):
        """log p(x|z) per example in nats, read from the decoder's raw output: what the
        objective and the lessons on gradients use.

        Parameters
        ----------
        x : tensor, shape (n, *example_shape)
        decoder_output : tensor, shape (n, *example_shape)
            Bernoulli logits, Gaussian means or the logistics' locations (and their log-scales
            after them, ``2 C`` channels, with ``decoder_std="predicted"``).

        Returns
        -------
        tensor, shape (n,)
            Differentiable.
        """
        # Losses are summed in float32 even under a mixed-precision policy.
        x, decoder_output = ops.cast(x, "float32"), ops.cast(decoder_output, "float32")
        if self.likelihood == "bernoulli":
            return objectives.bernoulli_log_likelihood(x, decoder_output)
        location, log_scale = self._location_and_log_scale(decoder_output)
        if self.likelihood == "logistic":
            return objectives.discretized_logistic_log_likelihood(
                x, location, log_scale, n_levels=PIXEL_LEVELS)
        return objectives.gaussian_log_likelihood(x, location, log_scale)

    def _location_and_log_scale(self, decoder_output):
        """The decoder's means or locations, and the log-scales that go with them."""
        if self.predicts_scale:
            channels = self.example_shape[-1]
            return (decoder_output[..., :channels],
                    ops.maximum(decoder_output[..., channels:], MIN_PREDICTED_LOG_SCALE))
        if self.likelihood == "logistic":
            return decoder_output, self.decoder_log_scale
        return decoder_output, self.decoder_log_std

    def _mean_image(self, decoder_output):
        if self.likelihood == "bernoulli":
            return ops.sigmoid(decoder_output)
        location, log_scale = self._location_and_log_scale(decoder_output)
        if self.likelihood == "gaussian":
            return location
        # E[clip(L, 0, 1)] = integral over [0, 1] of P(L > t) for L ~ logistic(location, s):
        # the levels 0 and 1 take the tails, so a wide logistic whose location lies outside
        # [0, 1] has a mean inside it. Within a tenth of a level of the discretized logistic's.
        scale = ops.exp(log_scale)
        mean = 1.0 - scale * (ops.softplus((1.0 - location) / scale) - ops.softplus(-location / scale))
        return ops.clip(mean, 0.0, 1.0)

    def _decoder_output(self, z, y=None):
        return self.decoder(self.decoder_inputs(z, y))

    # Data checks ----------------------------------------------------------------------------

    def check_inputs(self, x, *, allow_empty=False):
        """Raise a ValueError that says how to fix examples that are empty (unless
        ``allow_empty``), of the wrong shape or out of the likelihood's range.

        Parameters
        ----------
        x : array_like or tensor
        allow_empty : bool
            Whether no examples are fine: encoding none gives none, training on none is an error.
        """
        check_examples(x, self.example_shape,
                       unit_interval=self.likelihood in _UNIT_INTERVAL_LIKELIHOODS,
                       likelihood=self.likelihood, allow_empty=allow_empty)

    def keras_data(self, x, y=None, *, sample_weight=None):
        """Check ``x`` (and the labels ``y`` of a conditional model) and return them as
        Keras' ``fit`` and ``evaluate`` take them.

        Parameters
        ----------
        x : array_like, tensor or dataset
            A ``tf.data.Dataset`` or ``keras.utils.PyDataset`` is checked on its first batch.
        y : array_like, optional
        sample_weight : array_like, optional
            Weights of the examples (Keras needs targets to carry them).

        Returns
        -------
        inputs, targets
        """
        if is_array_like(x):
            self.check_inputs(x)
            labels = self.labels(y, len(x))
            inputs = x if labels is None else [np.asarray(x, dtype="float32"), labels]
            # Keras drops sample weights given without targets; unused targets carry them.
            targets = np.zeros(len(x), "float32") if sample_weight is not None else None
            return inputs, targets
        if x is not None and not isinstance(x, (list, tuple)):
            self._check_stream(x)
        return x, y

    def _check_stream(self, data):
        batch = first_batch(data)
        if batch is None:
            warnings.warn(f"fit() cannot check inputs given as {type(data).__name__} without "
                          "consuming them: their shape and range were not checked. Pass an "
                          "array, a tensor or a tf.data.Dataset to have them checked.",
                          stacklevel=4)
        else:
            self.check_inputs(batch)

    # Arrays in, arrays out ------------------------------------------------------------------

    def transform(self, x, y=None, *, batch_size=PREDICT_BATCH_SIZE):
        """The point code of each example: the autoencoder's code, the VAE's posterior mean.

        Parameters
        ----------
        x : array_like, shape (n, *example_shape)
        y : array_like, shape (n,), optional
            Labels, for a conditional model only.
        batch_size : int
            Examples per forward pass, at most (fewer where a layer outputs
            many numbers per example: :func:`vaelearn.batching.rows_per_pass`).

        Returns
        -------
        numpy.ndarray, shape (n, latent_dim)
        """
        codes = self._encoded(x, y, batch_size)
        return codes[0] if isinstance(codes, tuple) else codes  # a VAE's (z_mean, z_log_var)

    def decode(self, z, y=None, *, batch_size=PREDICT_BATCH_SIZE):
        """The mean image of p(x|z) for each code.

        Parameters
        ----------
        z : array_like, shape (n, latent_dim)
        y : array_like, shape (n,), optional
            Labels, for a conditional model only.
        batch_size : int
            Codes per forward pass, at most (see :meth:`transform`).

        Returns
        -------
        numpy.ndarray, shape (n, *example_shape)
        """
        return self._batched(lambda zb, yb: self._mean_image(self._decoder_output(zb, yb)), z, y,
                             batch_size)

    def reconstruct(self, x, y=None, *, batch_size=PREDICT_BATCH_SIZE):
        """Decode the point code of each example: a deterministic reconstruction.

        Parameters
        ----------
        x : array_like, shape (n, *example_shape)
        y : array_like, shape (n,), optional
            Labels, for a conditional model only.
        batch_size : int
            Examples per forward pass, at most (see :meth:`transform`).

        Returns
        -------
        numpy.ndarray, shape (n, *example_shape)
        """
        return self.decode(self.transform(x, y, batch_size=batch_size), y, batch_size=batch_size)

    def log_likelihood(self, x, z, y=None, *, batch_size=PREDICT_BATCH_SIZE):
        """log p(x|z) of each example under the decoder, given a code for each.

        Parameters
        ----------
        x : array_like, shape (n, *example_shape)
        z : array_like, shape (n, latent_dim)
        y : array_like, shape (n,), optional
            Labels, for a conditional model only.
        batch_size : int
            Examples per forward pass, at most (see :meth:`transform`).

        Returns
        -------
        numpy.ndarray, shape (n,)
            Nats.
        """
        self.check_inputs(x)
        labels = self.labels(y, len(x))
        arrays = (x, z) if labels is None else (x, z, labels)

        def batch(xb, zb, yb=None):
            return self.decoder_log_likelihood(xb, self._decoder_output(zb, yb))

        return in_batches(batch, *arrays, batch_size=rows_per_pass(self, batch_size))

    def draw(self, z, y=None, *, seed=None, batch_size=PREDICT_BATCH_SIZE):
        """One example x ~ p(x|z) per code.

        ``decode`` returns the mean of p(x|z); this draws from it: binary pixels for a
        Bernoulli likelihood, the mean plus Gaussian noise of the decoder's std for a Gaussian,
        and for a logistic a logistic draw around the decoder's location (by the inverse CDF)
        rounded to the nearest level k / 255 and clipped to [0, 1]; with
        ``decoder_std="predicted"``, each pixel's own scale.

        Parameters
        ----------
        z : array_like, shape (n, latent_dim)
        y : array_like, shape (n,), optional
            Labels, for a conditional model only.
        seed : int or numpy.random.Generator, optional
        batch_size : int
            Codes per forward pass, at most (see :meth:`transform`).

        Returns
        -------
        numpy.ndarray, shape (n, *example_shape)
        """
        rng = numpy_generator(seed)
        if self.likelihood == "bernoulli":
            mean = self.decode(z, y, batch_size=batch_size)
            return (rng.random(mean.shape) < mean).astype("float32")
        location, log_scale = (ops.convert_to_numpy(v) for v in self._location_and_log_scale(
            self._batched(self._decoder_output, z, y, batch_size)))
        scale = np.exp(log_scale)
        if self.likelihood == "gaussian":
            return (location + scale * rng.standard_normal(location.shape)).astype("float32")
        steps = PIXEL_LEVELS - 1
        levels = np.clip(np.round(rng.logistic(location, scale) * steps), 0, steps)
        return (levels / steps).astype("float32")

    @renamed_parameters(labels="y")
    def sample(self, n_samples, *, y=None, temperature=1.0, seed=None, draw=False):
        """Decode ``n_samples`` codes drawn from the prior at ``temperature`` T,
        z ~ N(0, T^2 I): their mean images, or with ``draw=True`` one draw x ~ p(x|z) each.

        Lower temperatures stay near the centre of the latent space: typical-looking but
        less varied images.

        Parameters
        ----------
        n_samples : int
            Images to draw.
        y : int or array_like of shape (n_samples,), optional
            A conditional model's labels: one int for all, or one per image (default: the
            classes in turn).
        temperature : float
            The prior's temperature T.
        seed : int, optional
        draw : bool
            Return one draw x ~ p(x|z) per code instead of the mean image.

        Returns
        -------
        numpy.ndarray, shape (n_samples, *example_shape)
        """
        check_count(n_samples, "images to sample")
        if y is None and self.n_classes is not None:
            y = np.arange(n_samples) % self.n_classes
        rng = numpy_generator(seed)
        z = (temperature * rng.standard_normal((n_samples, self.latent_dim))).astype("float32")
        return self.draw(z, y, seed=rng) if draw else self.decode(z, y)

    def get_config(self):
        config = {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "likelihood": self.likelihood,
            "decoder_std": self.decoder_std,
        }
        if self.n_classes is not None:
            config["n_classes"] = self.n_classes
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("encoder", "decoder"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


@networks.serializable
class Autoencoder(LatentModel):
    """A plain deterministic autoencoder, trained on the reconstruction loss alone.

    Nothing shapes its latent space, which is the point of comparing it with a VAE.
    Parameters as :class:`LatentModel`, without ``beta`` and ``free_bits``.
    """

    def call(self, inputs, training=False):
        x, y = self._split_inputs(inputs)
        code = self.encoder(self.encoder_inputs(x, y), training=training)
        return {"reconstruction": self.decoder(self.decoder_inputs(code, y), training=training),
                "target": x}


@networks.serializable
class VAE(LatentModel):
    """A variational autoencoder trained on loss = reconstruction_loss + beta * kl_loss.

    reconstruction_loss = -E_q[log p(x|z)] with one reparameterized sample, and
    kl_loss = KL(q(z|x) || N(0, I)), each summed over pixels / latent dimensions and
    averaged over the batch, in nats (:func:`vaelearn.objectives.negative_elbo`). With
    ``free_bits`` = lambda > 0 the KL term becomes sum_j max(lambda, batch-mean KL_j), so no
    dimension is pushed below lambda nats.

    With ``binarize=True`` (dynamic binarisation) every training step sees a fresh draw of
    binary pixels x_bin ~ Bernoulli(x) as both input and target, so that the Bernoulli
    likelihood is a normalised probability and its ELBO a bound on a real log p(x);
    evaluate such a model on one fixed draw, ``vaelearn.data.binarize(x_test)``.

    Parameters
    ----------
    encoder, decoder : keras.Model
    beta : float
        Weight of the KL term; a non-trainable variable a callback may ``assign``.
    likelihood, decoder_std, n_classes
        As in :class:`LatentModel`.
    free_bits : float
    binarize : bool
    seed : int, optional
        Seeds the reparameterisation noise and the binarisation while the model trains
        (the networks' weights are seeded where they are built: ``make_vae(seed=...)``).
    """

    def __init__(self, encoder, decoder, *, beta=1.0, binarize=False, **kwargs):
        super().__init__(encoder, decoder, beta=beta, **kwargs)
        if binarize and self.likelihood != "bernoulli":
            raise ValueError("binarize=True draws binary pixels for a Bernoulli likelihood; "
                             "use likelihood='bernoulli' or binarize=False.")
        self.binarize = bool(binarize)
        self.sampling = networks.Sampling(seed=self.seed)
        self.binarize_seed = keras.random.SeedGenerator(None if self.seed is None else self.seed + 1)

    def call(self, inputs, training=False):
        x, y = self._split_inputs(inputs)
        if self.binarize and training:
            x = ops.cast(keras.random.uniform(ops.shape(x), seed=self.binarize_seed) < x, x.dtype)
        z_mean, z_log_var = self.encoder(self.encoder_inputs(x, y), training=training)
        z = self.sampling([z_mean, z_log_var])
        return {"reconstruction": self.decoder(self.decoder_inputs(z, y), training=training),
                "z_mean": z_mean, "z_log_var": z_log_var, "z": z, "target": x}

    def encode(self, x, y=None, *, batch_size=PREDICT_BATCH_SIZE):
        """The posterior q(z|x) of each example.

        Parameters
        ----------
        x : array_like, shape (n, *example_shape)
        y : array_like, shape (n,), optional
            Labels, for a conditional model only.
        batch_size : int
            Examples per forward pass, at most (see :meth:`transform`).

        Returns
        -------
        z_mean, z_log_var : numpy.ndarray, shape (n, latent_dim)
        """
        return self._encoded(x, y, batch_size)

    def get_config(self):
        return {**super().get_config(), "binarize": self.binarize}


@networks.serializable
class ConditionalVAE(VAE):
    """A VAE whose encoder q(z | x, y) and decoder p(x | z, y) both see the label y.

    The label no longer has to be stored in z, which is left to hold the *style* (slant,
    thickness, ...); ``sample(n_samples, y=7)`` draws z from the prior and decodes it as the
    class asked for. It stands in for a :class:`VAE` wherever the labels are passed as
    ``y``: ``fit(x, y)``, ``evaluate(x, y)``, ``encode(x, y)``, ``decode(z, y)``,
    ``vaelearn.evaluation.elbo(model, x, y)``. Labels are integers ``(n,)`` or one-hot rows
    ``(n, n_classes)``.

    Parameters
    ----------
    encoder, decoder : keras.Model
        Networks built with ``n_classes`` (inputs ``[x, y]`` and ``[z, y]``).
    n_classes : int
    **kwargs
        As :class:`VAE`.
    """

    def __init__(self, encoder, decoder, *, n_classes=10, **kwargs):
        super().__init__(encoder, decoder, n_classes=n_classes, **kwargs)


def _compiled(model, learning_rate, warmup_steps):
    model.compile_with_defaults(learning_rate=learning_rate, warmup_steps=warmup_steps)
    return model


def make_vae(example_shape, *, latent_dim=2, arch="mlp", hidden=HIDDEN, n_classes=None,
             beta=1.0, likelihood="bernoulli", decoder_std=1.0, free_bits=0.0, binarize=False,
             seed=None, learning_rate=LEARNING_RATE, warmup_steps=WARMUP_STEPS):
    """Build and compile a :class:`VAE` (a :class:`ConditionalVAE` with ``n_classes``) with
    the course's defaults.

    Parameters
    ----------
    example_shape : tuple of int
        The shape of one example, e.g. ``data.example_shape``.
    latent_dim : int
    arch : {"mlp", "conv"}
    hidden : tuple of int
        Hidden layer sizes (see :func:`~vaelearn.networks.build_encoder`).
    n_classes : int, optional
        Build a conditional VAE for labels of this many classes.
    beta : float
        Weight of the KL term.
    likelihood : {"bernoulli", "gaussian", "logistic"}
        As in :class:`LatentModel`.
    decoder_std : float, "learned" or "predicted"
        The Gaussian likelihood's standard deviation, or "predicted" (Gaussian or logistic):
        a scale for every pixel from the decoder, which then outputs twice the channels.
    free_bits : float
        Nats below which no latent dimension's KL is pushed.
    binarize : bool
        Dynamic binarisation (Bernoulli likelihood only).
    seed : int, optional
        Seeds the initial weights and the model's draws while it trains.
    learning_rate : float
        Adam's learning rate after its warmup.
    warmup_steps : int
        Updates over which the learning rate rises to ``learning_rate``
        (:meth:`~vaelearn.course_model.CourseModel.compile_with_defaults`).

    Returns
    -------
    VAE or ConditionalVAE
    """
    encoder_seed, decoder_seed, model_seed = spawn_seeds(seed, 3)
    architecture = dict(arch=arch, hidden=hidden, n_classes=n_classes)
    options = dict(beta=beta, likelihood=likelihood, decoder_std=decoder_std,
                   free_bits=free_bits, binarize=binarize, seed=model_seed)
    encoder = networks.build_encoder(example_shape, latent_dim, seed=encoder_seed, **architecture)
    decoder_channels = example_shape[-1] * (2 if decoder_std == "predicted" else 1)
    decoder = networks.build_decoder(latent_dim, (*example_shape[:-1], decoder_channels),
                                     seed=decoder_seed, **architecture)
    vae = (VAE(encoder, decoder, **options) if n_classes is None
           else ConditionalVAE(encoder, decoder, n_classes=n_classes, **options))
    return _compiled(vae, learning_rate, warmup_steps)


def make_autoencoder(example_shape, *, latent_dim=2, arch="mlp", hidden=HIDDEN,
                     likelihood="bernoulli", decoder_std=1.0, seed=None,
                     learning_rate=LEARNING_RATE, warmup_steps=WARMUP_STEPS):
    """Build and compile a plain :class:`Autoencoder` with the same layers as :func:`make_vae`.

    Parameters
    ----------
    example_shape : tuple of int
    latent_dim : int
    arch : {"mlp", "conv"}
    hidden : tuple of int
    likelihood : {"bernoulli", "gaussian", "logistic"}
        As in :class:`LatentModel`.
    decoder_std : float
    seed : int, optional
        Seeds the initial weights.
    learning_rate : float
    warmup_steps : int

    Returns
    -------
    Autoencoder
    """
    encoder_seed, decoder_seed = spawn_seeds(seed, 2)
    encoder = networks.build_encoder(example_shape, latent_dim, arch=arch, hidden=hidden,
                                     variational=False, seed=encoder_seed)
    decoder = networks.build_decoder(latent_dim, example_shape, arch=arch, hidden=hidden,
                                     seed=decoder_seed)
    ae = Autoencoder(encoder, decoder, likelihood=likelihood, decoder_std=decoder_std)
    return _compiled(ae, learning_rate, warmup_steps)


__getattr__ = forward_moved_names("vaelearn.models", {
    "DEFAULT_BATCH_SIZE": "vaelearn.defaults:BATCH_SIZE",
    "DEFAULT_LEARNING_RATE": "vaelearn.defaults:LEARNING_RATE",
    "DEFAULT_WARMUP_STEPS": "vaelearn.defaults:WARMUP_STEPS",
    "ARCHITECTURES": "vaelearn.networks:ARCHITECTURES",
    "Sampling": "vaelearn.networks:Sampling",
    "build_encoder": "vaelearn.networks:build_encoder",
    "build_decoder": "vaelearn.networks:build_decoder",
    "CourseModel": "vaelearn.course_model:CourseModel",
    "load_model": "vaelearn.saving:load_model",
})
