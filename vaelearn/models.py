"""Encoders, decoders, the VAE and a plain autoencoder, in Keras 3.

Typical use::

    vae = make_vae(data.image_shape, latent_dim=2)
    history = vae.fit(data.x_train, epochs=30, batch_size=128)
    z_mean, z_log_var = vae.encode(data.x_test)
    images = vae.sample(16)

The decoder outputs Bernoulli logits (``likelihood="bernoulli"``) or Gaussian means
(``likelihood="gaussian"``); ``decode``, ``reconstruct`` and ``sample`` always return
mean images in data space. ``model.save("vae.keras")`` writes the file atomically, and
:func:`load_model` (or ``keras.saving.load_model`` after ``import vaelearn``) reads it back.
"""

import math
import numbers
import warnings

import keras
import numpy as np
from keras import layers, ops

from . import losses, saving
from .backend import steps_per_execution
from .batching import check_batch_size, check_count, in_batches
from .saving import load_model
from .training import fit_with_course_callbacks

__all__ = [
    "ARCHITECTURES", "DEFAULT_BATCH_SIZE", "DEFAULT_LEARNING_RATE", "DEFAULT_WARMUP_STEPS",
    "LIKELIHOODS", "Autoencoder",
    "CourseModel", "LatentModel", "Sampling", "VAE", "build_decoder", "build_encoder", "load_model",
    "make_autoencoder", "make_vae",
]

LIKELIHOODS = ("bernoulli", "gaussian")
ARCHITECTURES = ("mlp", "conv")
DEFAULT_LEARNING_RATE = 2.5e-3
# Adam's first updates move every weight by about the learning rate whatever its gradient; at
# 2.5e-3 they killed 15 of the 16 ReLU units of the keras.io encoder's bottleneck (posterior
# collapse) for some seeds. Rising to it over 100 updates prevented that (BENCHMARKS.md).
DEFAULT_WARMUP_STEPS = 100
# Small batches leave the early plateau sooner; with steps_per_execution they cost little
# throughput on a laptop CPU. On the bundled MNIST, 16 reached the held-out target sooner
# than 8, 32, 64 and 128 (bench/time_to_quality.py, BENCHMARKS.md).
DEFAULT_BATCH_SIZE = 16
serializable = keras.saving.register_keras_serializable(package="vaelearn")


@serializable
class Sampling(layers.Layer):
    """The reparameterization trick: z = mu + exp(log_var / 2) * eps with eps ~ N(0, I).

    The randomness lives in eps, which does not depend on the weights, so gradients flow
    to mu and log_var through an ordinary sum and product.
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        eps = keras.random.normal(ops.shape(z_mean), dtype=z_mean.dtype, seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * eps

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def _check_choice(value, allowed, what):
    if value not in allowed:
        raise ValueError(f"Unknown {what} {value!r}; choose one of {', '.join(allowed)}.")


def _conv_base_shape(shape):
    if len(shape) != 3 or shape[0] % 4 or shape[1] % 4:
        raise ValueError(
            f"arch='conv' needs images shaped (H, W, C) with H and W divisible by 4, got {shape}; "
            "use arch='mlp' for other shapes."
        )
    return shape[0] // 4, shape[1] // 4


def build_encoder(input_shape, latent_dim, arch="mlp", hidden=(256, 128), variational=True):
    """The encoder: x ``(n, *input_shape)`` -> [z_mean, z_log_var], each ``(n, latent_dim)``.

    Parameters
    ----------
    input_shape : tuple of int
        One example's shape, e.g. ``(28, 28, 1)``.
    latent_dim : int
    arch : {"mlp", "conv"}
        "mlp": dense layers of ``hidden`` units; "conv": two stride-2 convolutions (32, 64
        filters) then a dense layer of ``hidden[-1]`` units, as in the Keras reference VAE
        (H and W divisible by 4).
    hidden : tuple of int
    variational : bool
        False: one output, the code z ``(n, latent_dim)`` (a plain autoencoder's encoder).

    Returns
    -------
    keras.Model
    """
    _check_choice(arch, ARCHITECTURES, "arch")
    inputs = keras.Input(tuple(input_shape), name="x")
    if arch == "conv":
        _conv_base_shape(tuple(input_shape))
        h = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(inputs)
        h = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(h)
        h = layers.Flatten()(h)
        h = layers.Dense(hidden[-1], activation="relu")(h)
    else:
        h = layers.Flatten()(inputs)
        for units in hidden:
            h = layers.Dense(units, activation="relu")(h)
    if not variational:
        return keras.Model(inputs, layers.Dense(latent_dim, name="z")(h), name="encoder")
    z_mean = layers.Dense(latent_dim, name="z_mean")(h)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    return keras.Model(inputs, [z_mean, z_log_var], name="encoder")


def build_decoder(latent_dim, output_shape, arch="mlp", hidden=(256, 128)):
    """The decoder: z ``(n, latent_dim)`` -> logits or means ``(n, *output_shape)``.

    Mirrors :func:`build_encoder`; no output activation.

    Parameters
    ----------
    latent_dim : int
    output_shape : tuple of int
        One example's shape.
    arch : {"mlp", "conv"}
    hidden : tuple of int

    Returns
    -------
    keras.Model
    """
    _check_choice(arch, ARCHITECTURES, "arch")
    output_shape = tuple(output_shape)
    z = keras.Input((latent_dim,), name="z")
    if arch == "conv":
        h0, w0 = _conv_base_shape(output_shape)
        h = layers.Dense(h0 * w0 * 64, activation="relu")(z)
        h = layers.Reshape((h0, w0, 64))(h)
        h = layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu")(h)
        h = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(h)
        outputs = layers.Conv2DTranspose(output_shape[-1], 3, padding="same")(h)
    else:
        h = z
        for units in reversed(hidden):
            h = layers.Dense(units, activation="relu")(h)
        h = layers.Dense(math.prod(output_shape))(h)
        outputs = layers.Reshape(output_shape)(h)
    return keras.Model(z, outputs, name="decoder")


class CourseModel(keras.Model):
    """What every model of the course shares: an atomic ``.keras`` save and the course's
    compile defaults."""

    def save(self, filepath, overwrite=True, **kwargs):
        """Save the model as a ``.keras`` file, atomically: a save that is interrupted or
        fails (kill -9, full disk) leaves any earlier file at ``filepath`` as it was.
        See ``keras.Model.save``; load it back with :func:`load_model`."""
        with saving.model_file(filepath, overwrite=overwrite) as tmp:
            super().save(tmp, **kwargs)

    def compile_with_defaults(self, learning_rate=DEFAULT_LEARNING_RATE, *,
                              warmup_steps=DEFAULT_WARMUP_STEPS):
        """Compile with the course's defaults: Adam whose learning rate rises linearly from 0
        to ``learning_rate`` over the first ``warmup_steps`` updates and then stays there
        (``warmup_steps=0``: constant from the start), and 16 training steps per compiled
        call where the backend allows it (not on PyTorch).

        Several batches per compiled call cut Keras' per-batch overhead on small CPUs
        (BENCHMARKS.md); batch-level callbacks then run once per 16 batches."""
        if warmup_steps:
            # A cosine decay from the target to alpha * target = the target is constant:
            # only its linear warmup acts.
            learning_rate = keras.optimizers.schedules.CosineDecay(
                0.0, decay_steps=1, alpha=1.0, warmup_target=learning_rate,
                warmup_steps=warmup_steps)
        self.compile(optimizer=keras.optimizers.Adam(learning_rate),
                     steps_per_execution=steps_per_execution(16))


class LatentModel(CourseModel):
    """What the autoencoder and the VAE share: a likelihood, decoding, input checks and
    batched NumPy-in, NumPy-out helpers."""

    def __init__(self, encoder, decoder, likelihood="bernoulli", decoder_std=1.0, **kwargs):
        super().__init__(**kwargs)
        _check_choice(likelihood, LIKELIHOODS, "likelihood")
        if likelihood == "gaussian" and decoder_std != "learned" and not (
                isinstance(decoder_std, numbers.Real) and 0 < decoder_std < math.inf):
            raise ValueError(f"decoder_std must be a positive number or 'learned', got "
                             f"{decoder_std!r}: it is the standard deviation of the pixels "
                             "around the decoder's mean (1.0 by default).")
        self.encoder, self.decoder = encoder, decoder
        self.likelihood = likelihood
        self.decoder_std = decoder_std
        if likelihood == "gaussian":
            learned = decoder_std == "learned"
            self.decoder_log_std = self.add_weight(
                shape=(), name="decoder_log_std", trainable=learned,
                initializer=keras.initializers.Constant(0.0 if learned else math.log(decoder_std)),
            )
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")

    @property
    def latent_dim(self):
        return self.decoder.input_shape[-1]

    @property
    def example_shape(self):
        return tuple(self.encoder.input_shape[1:])

    def build(self, input_shape=None):
        # Encoder and decoder are functional models, built at construction.
        self.built = True

    def log_likelihood(self, x, decoder_output):
        """log p(x|z) per example in nats, from the decoder's raw output. ``(n,)``."""
        # Losses are summed in float32 even under a mixed-precision policy.
        x, decoder_output = ops.cast(x, "float32"), ops.cast(decoder_output, "float32")
        if self.likelihood == "bernoulli":
            return losses.bernoulli_log_likelihood(x, decoder_output)
        return losses.gaussian_log_likelihood(x, decoder_output, self.decoder_log_std)

    def _mean_image(self, decoder_output):
        return ops.sigmoid(decoder_output) if self.likelihood == "bernoulli" else decoder_output

    def check_inputs(self, x):
        """Raise a ValueError that says how to fix inputs that are empty, of the wrong shape
        or out of range. ``x``: an array or a tensor."""
        x = ops.convert_to_numpy(x) if ops.is_tensor(x) else np.asarray(x)  # NumPy reads others
        if x.ndim == 0 or len(x) == 0:
            raise ValueError(f"Got no examples (an array shaped {x.shape}); pass at least one, "
                             f"shaped (n, {', '.join(map(str, self.example_shape))}).")
        if x.shape[1:] != self.example_shape:
            hint = ""
            if math.prod(x.shape[1:]) == math.prod(self.example_shape):
                hint = f" Reshape them with x.reshape(-1, {', '.join(map(str, self.example_shape))})."
            raise ValueError(
                f"This model expects examples shaped {self.example_shape}, got {x.shape[1:]} "
                f"(an array shaped {x.shape}).{hint}"
            )
        if not np.all(np.isfinite(x)):
            raise ValueError("The inputs contain NaN or infinite values.")
        if self.likelihood == "bernoulli" and (x.min() < 0 or x.max() > 1):
            raise ValueError(
                f"A Bernoulli likelihood needs inputs in [0, 1], got values in [{x.min():.3g}, "
                f"{x.max():.3g}]. Scale the data (e.g. x / 255) or use likelihood='gaussian'."
            )

    def fit(self, x=None, y=None, batch_size=None, *, callbacks=None, validation_data=None,
            **kwargs):
        """keras.Model.fit, plus input checks and a clear stop if the loss becomes NaN.

        Arrays and tensors are checked whole (shape, finite values, the likelihood's range);
        a ``tf.data.Dataset`` or ``keras.utils.PyDataset`` on its first batch; other inputs
        (generators) cannot be checked without consuming them, and a warning says so.
        If the loss becomes NaN or infinite, :class:`~vaelearn.training.NaNGuard` restores
        the last finite weights and raises ``TrainingDivergedError``.

        ``batch_size`` defaults to ``DEFAULT_BATCH_SIZE`` for array inputs;
        ``validation_data`` may be a plain array of inputs; ``sample_weight`` ``(n,)``
        weights each example's loss (see :func:`vaelearn.losses.batch_mean`). Options after
        ``batch_size`` are keyword-only (``keras.Model.fit``'s 4th is ``epochs``).

        Without ``verbose``, a :class:`~vaelearn.progress.TrainingProgress` shows the
        training (in a notebook, a progress bar that ends as a one-line summary) instead of
        Keras' printing; ``verbose=0`` trains silently, ``verbose=1`` or ``2`` prints as
        Keras does, and ``VAELEARN_PROGRESS=0`` makes silence the default."""
        self._check_fit_inputs(x)
        if (isinstance(x, (list, tuple)) or _array_like(x)) and batch_size is None:
            batch_size = DEFAULT_BATCH_SIZE
        if batch_size is not None:
            check_batch_size(batch_size)
        if _array_like(validation_data):
            self.check_inputs(validation_data)
            validation_data = (validation_data,)
        if y is None and kwargs.get("sample_weight") is not None:
            # Keras drops sample weights given without targets; unused targets carry them.
            y = np.zeros(len(keras.tree.flatten(x)[0]), "float32")
        return fit_with_course_callbacks(super().fit, x, y, batch_size=batch_size,
                                         callbacks=callbacks, validation_data=validation_data,
                                         **kwargs)

    def _check_fit_inputs(self, x):
        if x is None or isinstance(x, (list, tuple)):  # several inputs: a subclass checks them
            return
        if _array_like(x):
            self.check_inputs(x)
            return
        first = _first_batch(x)
        if first is None:
            warnings.warn(f"fit() cannot check inputs given as {type(x).__name__} without "
                          "consuming them: their shape and range were not checked. Pass an "
                          "array, a tensor or a tf.data.Dataset to have them checked.",
                          stacklevel=3)
        else:
            self.check_inputs(first)

    def transform(self, x, batch_size=1024):
        """The point code of each input ``(n, *example_shape)``. ``(n, latent_dim)``.

        Every model defines it: the autoencoder's code, the VAE's posterior mean."""
        raise NotImplementedError(f"{type(self).__name__} does not define transform()")

    def decode(self, z, batch_size=1024):
        """Mean images for codes ``z`` ``(n, latent_dim)`` -> ``(n, *example_shape)``."""
        return in_batches(lambda zb: self._mean_image(self.decoder(zb)), z, batch_size=batch_size)

    def reconstruct(self, x, batch_size=1024):
        """Decode the point code of each input: a deterministic reconstruction."""
        return self.decode(self.transform(x, batch_size), batch_size)

    def draw(self, z, *, seed=None, batch_size=1024):
        """Draw one example x ~ p(x|z) per code ``z`` ``(n, latent_dim)`` -> ``(n, *example_shape)``.

        ``decode`` returns the mean of p(x|z); this draws from it: binary pixels for a
        Bernoulli likelihood, the mean plus Gaussian noise of the decoder's std for a Gaussian.
        """
        mean = self.decode(z, batch_size)
        rng = np.random.default_rng(seed)
        if self.likelihood == "bernoulli":
            return (rng.random(mean.shape) < mean).astype("float32")
        std = float(np.exp(keras.ops.convert_to_numpy(self.decoder_log_std)))
        return (mean + std * rng.standard_normal(mean.shape)).astype("float32")

    def sample(self, n, *, temperature=1.0, seed=None, draw=False):
        """Decode ``n`` codes drawn from the prior N(0, temperature^2 I): their mean images,
        or with ``draw=True`` one draw x ~ p(x|z) each.

        Lower temperatures stay near the centre of the latent space: typical-looking but
        less varied images ("annealed" sampling)."""
        check_count(n, "images to sample")
        rng = np.random.default_rng(seed)
        z = (temperature * rng.standard_normal((n, self.latent_dim))).astype("float32")
        return self.draw(z, seed=rng) if draw else self.decode(z)

    def get_config(self):
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "likelihood": self.likelihood,
            "decoder_std": self.decoder_std,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("encoder", "decoder"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


@serializable
class Autoencoder(LatentModel):
    """A plain deterministic autoencoder, trained on the reconstruction loss alone.

    Nothing shapes its latent space, which is the point of comparing it with a VAE."""

    def call(self, x, training=False):
        return {"reconstruction": self.decoder(self.encoder(x, training=training), training=training)}

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        rec = losses.batch_mean(-self.log_likelihood(x, y_pred["reconstruction"]), sample_weight)
        self.reconstruction_loss_tracker.update_state(rec, sample_weight=ops.shape(x)[0])
        return rec

    def transform(self, x, batch_size=1024):
        """The code z of each input. ``(n, latent_dim)``."""
        return in_batches(self.encoder, x, batch_size=batch_size)


@serializable
class VAE(LatentModel):
    """A variational autoencoder trained on loss = reconstruction_loss + beta * kl_loss.

    reconstruction_loss = -E_q[log p(x|z)] with one reparameterized sample, and
    kl_loss = KL(q(z|x) || N(0, I)), each summed over pixels / latent dimensions and
    averaged over the batch, in nats. With ``free_bits`` = lambda > 0 the KL term becomes
    sum_j max(lambda, batch-mean KL_j), so no dimension is pushed below lambda nats.

    ``beta`` is a non-trainable variable: a callback may ``assign`` it between epochs.

    With ``binarize=True`` (dynamic binarisation) every training step sees a fresh draw of
    binary pixels x_bin ~ Bernoulli(x) as both input and target, so that the Bernoulli
    likelihood is a normalised probability and its ELBO a bound on a real log p(x);
    evaluate such a model on one fixed draw, ``vaelearn.data.binarize(x_test)``.
    """

    def __init__(self, encoder, decoder, beta=1.0, likelihood="bernoulli", decoder_std=1.0,
                 free_bits=0.0, binarize=False, seed=None, **kwargs):
        super().__init__(encoder, decoder, likelihood=likelihood, decoder_std=decoder_std,
                         **kwargs)
        if binarize and likelihood != "bernoulli":
            raise ValueError("binarize=True draws binary pixels for a Bernoulli likelihood; "
                             "use likelihood='bernoulli' or binarize=False.")
        self.free_bits = float(free_bits)
        self.binarize = bool(binarize)
        self.seed = seed
        self.sampling = Sampling(seed=seed)
        self.binarize_seed = keras.random.SeedGenerator(None if seed is None else seed + 1)
        self.beta = self.add_weight(shape=(), name="beta", trainable=False,
                                    initializer=keras.initializers.Constant(beta))
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    def call(self, x, training=False):
        if self.binarize and training:
            x = ops.cast(keras.random.uniform(ops.shape(x), seed=self.binarize_seed) < x, x.dtype)
        z_mean, z_log_var = self.encoder(x, training=training)
        z = self.sampling([z_mean, z_log_var])
        return {"reconstruction": self.decoder(z, training=training),
                "z_mean": z_mean, "z_log_var": z_log_var, "target": x}

    def kl_term(self, z_mean, z_log_var, sample_weight=None):
        """The KL penalty of the objective for one batch (a scalar), free bits included.

        Parameters
        ----------
        z_mean, z_log_var : tensor, shape (n, latent_dim)
            The posterior parameters of the batch.
        sample_weight : tensor, shape (n,), optional
            Weights of the examples in the batch mean, as in :func:`vaelearn.losses.batch_mean`.
        """
        kl_dims = losses.gaussian_kl_per_dimension(
            ops.cast(z_mean, "float32"), ops.cast(z_log_var, "float32"))
        kl_dims = losses.batch_mean(kl_dims, sample_weight)
        if self.free_bits > 0:
            kl_dims = ops.maximum(kl_dims, self.free_bits)
        return ops.sum(kl_dims)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        rec = losses.batch_mean(
            -self.log_likelihood(y_pred["target"], y_pred["reconstruction"]), sample_weight)
        kl = self.kl_term(y_pred["z_mean"], y_pred["z_log_var"], sample_weight)
        batch = ops.shape(x)[0]
        self.reconstruction_loss_tracker.update_state(rec, sample_weight=batch)
        self.kl_loss_tracker.update_state(kl, sample_weight=batch)
        return rec + self.beta * kl

    def encode(self, x, batch_size=1024):
        """Posterior parameters (z_mean, z_log_var), each ``(n, latent_dim)``."""
        return in_batches(self.encoder, x, batch_size=batch_size)

    def transform(self, x, batch_size=1024):
        """The posterior mean of each input: its point code. ``(n, latent_dim)``."""
        return self.encode(x, batch_size)[0]

    def get_config(self):
        return {**super().get_config(), "beta": float(self.beta.numpy()),
                "free_bits": self.free_bits, "binarize": self.binarize, "seed": self.seed}


def _array_like(data):
    """Whether ``data`` is an array or a tensor: of this backend, or of another library that
    Keras accepts too (a ``tf.Tensor`` with the JAX or PyTorch backend)."""
    return (isinstance(data, np.ndarray) or ops.is_tensor(data)
            or (hasattr(data, "__array__") and hasattr(data, "shape")))


def _first_batch(data):
    """The inputs of the first batch of a tf.data.Dataset or keras.utils.PyDataset, as an
    array; None for other data (generators), which cannot be read without consuming it."""
    if isinstance(data, keras.utils.PyDataset):
        batch = data[0]
    elif type(data).__module__.startswith("tensorflow") and hasattr(data, "take"):
        batch = next(iter(data.take(1)), None)
    else:
        return None
    if isinstance(batch, (tuple, list)):
        batch = batch[0] if batch else None
    return None if batch is None or isinstance(batch, dict) else ops.convert_to_numpy(batch)


def make_vae(input_shape, latent_dim=2, arch="mlp", hidden=(256, 128), beta=1.0,
             likelihood="bernoulli", decoder_std=1.0, free_bits=0.0, binarize=False, seed=0,
             learning_rate=DEFAULT_LEARNING_RATE):
    """Build and compile a :class:`VAE` with the course's defaults.

    Parameters
    ----------
    input_shape : tuple of int
        One example's shape, e.g. ``data.image_shape``.
    latent_dim : int
    arch : {"mlp", "conv"}
    hidden : tuple of int
        Hidden layer sizes (see :func:`build_encoder`).
    beta : float
        Weight of the KL term.
    likelihood : {"bernoulli", "gaussian"}
    decoder_std : float or "learned"
        The Gaussian likelihood's standard deviation.
    free_bits : float
        Nats below which no latent dimension's KL is pushed.
    binarize : bool
        Dynamic binarisation (Bernoulli likelihood only).
    seed : int
        Seeds the sampling noise.
    learning_rate : float
        Adam's learning rate after its warmup (:meth:`CourseModel.compile_with_defaults`).

    Returns
    -------
    VAE
    """
    vae = VAE(build_encoder(input_shape, latent_dim, arch, hidden),
              build_decoder(latent_dim, input_shape, arch, hidden),
              beta=beta, likelihood=likelihood, decoder_std=decoder_std,
              free_bits=free_bits, binarize=binarize, seed=seed)
    vae.compile_with_defaults(learning_rate)
    return vae


def make_autoencoder(input_shape, latent_dim=2, arch="mlp", hidden=(256, 128),
                     likelihood="bernoulli", learning_rate=DEFAULT_LEARNING_RATE):
    """Build and compile a plain :class:`Autoencoder` with the same layers as :func:`make_vae`.

    Parameters
    ----------
    input_shape : tuple of int
    latent_dim : int
    arch : {"mlp", "conv"}
    hidden : tuple of int
    likelihood : {"bernoulli", "gaussian"}
    learning_rate : float

    Returns
    -------
    Autoencoder
    """
    ae = Autoencoder(build_encoder(input_shape, latent_dim, arch, hidden, variational=False),
                     build_decoder(latent_dim, input_shape, arch, hidden), likelihood=likelihood)
    ae.compile_with_defaults(learning_rate)
    return ae


# The conditional VAE subclasses VAE, and the sequence VAE uses its Sampling layer; importing
# them here registers them with Keras along with the classes above, whichever module is
# imported first.
from . import conditional, text  # noqa: E402,F401
