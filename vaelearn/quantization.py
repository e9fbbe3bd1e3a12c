"""Discrete codes: the vector quantiser, the VQ-VAE and its factory, and a prior over its codes.

The VQ-VAE (van den Oord et al., 2017) replaces the VAE's Gaussian code by ``n_positions``
choices among the ``n_codes`` vectors of a learned codebook::

    vq = make_vq_vae(data.example_shape, n_positions=8, n_codes=16, code_dim=4, seed=0)
    vq.initialize_codebook(data.x_train, seed=0)   # the dead-code remedy: k-means on z_e
    vq.fit(data.x_train, epochs=20)
    indices = vq.encode(data.x_test)               # (n, n_positions) ints in 0..n_codes-1
    images = vq.decode(indices)
    vq.fit_code_prior(data.x_train)                # a prior over codes, for sampling
    samples = vq.sample(16, seed=1)

The encoder maps x to ``n_positions`` vectors z_e of ``code_dim`` numbers; the quantiser
replaces each by its nearest codebook vector e (squared Euclidean distance); the decoder reads
the chosen vectors z_q. The code of an example is the tuple of chosen indices: at most
n_positions * log2(n_codes) bits, whatever the data.
"""

import math

import keras
import numpy as np
from keras import layers, ops

from . import networks
from .batching import in_batches
from .defaults import HIDDEN, LEARNING_RATE, PREDICT_BATCH_SIZE, WARMUP_STEPS
from .models import LatentModel
from .objectives import batch_mean
from .randomness import numpy_generator, spawn_seeds
from .validation import check_count

__all__ = ["CodePrior", "VQVAE", "VectorQuantizer", "fit_code_prior", "make_vq_vae"]

# Commitment weight of van den Oord et al. (2017): results were robust from 0.1 to 2.0.
COMMITMENT_WEIGHT = 0.25


def _per_example_sum(values):
    """Sum over every axis but the first: (n, ...) -> (n,)."""
    return ops.sum(ops.reshape(values, (ops.shape(values)[0], -1)), axis=1)


@networks.serializable
class VectorQuantizer(layers.Layer):
    """The vector quantiser: each input vector z_e becomes its nearest codebook vector e.

    ``call(z_e)`` with z_e shaped ``(n, n_positions, code_dim)`` returns

    - ``z_q``: the chosen codebook vectors with the straight-through gradient,
      z_q = z_e + stop_gradient(e - z_e): its value is e, its gradient passes to z_e as if
      the quantiser were the identity;
    - ``indices`` ``(n, n_positions)``: the chosen codes, argmin_k ||z_e - e_k||^2;
    - ``codebook_loss`` ``(n,)``: ||stop_gradient(z_e) - e||^2, which moves the codebook
      toward the encoder's outputs;
    - ``commitment_loss`` ``(n,)``: commitment_weight * ||z_e - stop_gradient(e)||^2, which
      keeps the encoder's outputs near the codes they chose.

    Both losses are squared Euclidean distances in the code space, summed over the code's
    dimensions and positions: not nats, and not comparable across models with other code
    scales. The model averages them over the batch beside its reconstruction loss in nats.

    Parameters
    ----------
    n_codes : int
        K, the number of codebook vectors.
    code_dim : int
        The dimensions of each codebook vector.
    commitment_weight : float
        beta_c, the commitment loss's weight (0.25 in the paper).
    seed : int, optional
        Seeds the codebook's initial values, uniform in [-1/K, 1/K] as in common
        implementations of the paper.
    """

    def __init__(self, n_codes, code_dim, *, commitment_weight=COMMITMENT_WEIGHT, seed=None,
                 **kwargs):
        super().__init__(**kwargs)
        check_count(n_codes, "codebook vectors")
        check_count(code_dim, "dimensions of a code")
        if n_codes < 1 or code_dim < 1:
            raise ValueError(f"A codebook needs at least one vector of at least one dimension; got "
                             f"n_codes={n_codes}, code_dim={code_dim}.")
        self.n_codes, self.code_dim = int(n_codes), int(code_dim)
        self.commitment_weight = float(commitment_weight)
        self.seed = seed
        self.codebook = self.add_weight(
            shape=(self.n_codes, self.code_dim), name="codebook",
            initializer=keras.initializers.RandomUniform(-1.0 / n_codes, 1.0 / n_codes, seed=seed))

    def build(self, input_shape=None):
        self.built = True  # the codebook is made at construction

    def distances(self, z_e):
        """Squared Euclidean distances from each vector to every codebook vector.

        Parameters
        ----------
        z_e : tensor, shape (..., code_dim)

        Returns
        -------
        tensor, shape (..., n_codes)
        """
        z_e = ops.cast(z_e, "float32")
        # ||z - e||^2 = ||z||^2 - 2 z.e + ||e||^2, without an (..., K, code_dim) tensor.
        cross = ops.tensordot(z_e, ops.transpose(self.codebook), axes=1)
        return (ops.sum(ops.square(z_e), axis=-1, keepdims=True) - 2.0 * cross
                + ops.sum(ops.square(self.codebook), axis=-1))

    def nearest(self, z_e):
        """The index of the nearest codebook vector (the first one on a tie).

        Parameters
        ----------
        z_e : tensor, shape (..., code_dim)

        Returns
        -------
        tensor of int32, shape (...)
        """
        return ops.cast(ops.argmin(self.distances(z_e), axis=-1), "int32")

    def lookup(self, indices):
        """The codebook vectors of ``indices``.

        Parameters
        ----------
        indices : tensor of int, shape (...)

        Returns
        -------
        tensor, shape (..., code_dim)
        """
        return ops.take(self.codebook, ops.cast(indices, "int32"), axis=0)

    def call(self, z_e):
        z_e = ops.cast(z_e, "float32")
        indices = self.nearest(z_e)
        e = self.lookup(indices)
        codebook_loss = _per_example_sum(ops.square(ops.stop_gradient(z_e) - e))
        commitment_loss = self.commitment_weight * _per_example_sum(
            ops.square(z_e - ops.stop_gradient(e)))
        z_q = z_e + ops.stop_gradient(e - z_e)
        return z_q, indices, codebook_loss, commitment_loss

    def get_config(self):
        return {**super().get_config(), "n_codes": self.n_codes, "code_dim": self.code_dim,
                "commitment_weight": self.commitment_weight, "seed": self.seed}


@networks.serializable
class VQVAE(LatentModel):
    """A VQ-VAE: encoder, vector quantiser, decoder, trained on
    loss = reconstruction_loss + codebook_loss + commitment_loss (+ ``self.losses``).

    reconstruction_loss = -log p(x | z_q) in nats per example (the decoder's likelihood, as
    the other image models read it: :meth:`~vaelearn.models.LatentModel.decoder_log_likelihood`);
    codebook_loss and commitment_loss (the latter already weighted by the quantiser's
    commitment weight) are squared distances in the code space (:class:`VectorQuantizer`).
    Each is averaged over the batch, and the history logs all three, so that they add up to
    ``loss``. There is no KL term: the code is deterministic, and carries at most
    n_positions * log2(n_codes) bits.

    Parameters
    ----------
    encoder : keras.Model
        x ``(n, *example_shape)`` -> ``(n, n_positions * code_dim)``, reshaped into
        ``n_positions`` vectors.
    decoder : keras.Model
        ``(n, n_positions * code_dim)`` -> the decoder's raw output, as for
        :class:`~vaelearn.models.LatentModel`.
    quantizer : VectorQuantizer
    likelihood, decoder_std
        As in :class:`~vaelearn.models.LatentModel`.
    seed : int, optional
        Kept for the course's models' signature; a VQ-VAE draws nothing while it trains.
    """

    def __init__(self, encoder, decoder, quantizer, **kwargs):
        super().__init__(encoder, decoder, **kwargs)
        if self.n_classes is not None:
            raise ValueError("A VQVAE is not conditional: it takes no n_classes.")
        self.quantizer = quantizer
        width = int(self.encoder.outputs[0].shape[-1])
        if width % quantizer.code_dim or int(self.decoder.inputs[0].shape[-1]) != width:
            raise ValueError(
                f"The encoder outputs {width} numbers and the decoder takes "
                f"{self.decoder.inputs[0].shape[-1]}; both must be n_positions * code_dim "
                f"with code_dim = {quantizer.code_dim}.")
        self.codebook_loss_tracker = keras.metrics.Mean(name="codebook_loss")
        self.commitment_loss_tracker = keras.metrics.Mean(name="commitment_loss")
        self.code_prior = None

    @property
    def n_codes(self):
        """K, the number of codebook vectors."""
        return self.quantizer.n_codes

    @property
    def code_dim(self):
        """The dimensions of each codebook vector."""
        return self.quantizer.code_dim

    @property
    def n_positions(self):
        """The codebook choices per example."""
        return self.latent_dim // self.code_dim

    @property
    def code_bits(self):
        """n_positions * log2(n_codes): the most information a code can hold, in bits."""
        return self.n_positions * math.log2(self.n_codes)

    def _z_e(self, x, training=False):
        flat = self.encoder(x, training=training)
        return ops.reshape(flat, (ops.shape(flat)[0], self.n_positions, self.code_dim))

    def _decoder_output_of(self, z_q):
        return self.decoder(ops.reshape(z_q, (ops.shape(z_q)[0], self.latent_dim)))

    def call(self, inputs, training=False):
        z_q, indices, codebook_loss, commitment_loss = self.quantizer(self._z_e(inputs, training))
        return {"reconstruction": self._decoder_output_of(z_q), "target": inputs,
                "indices": indices, "codebook_loss": codebook_loss,
                "commitment_loss": commitment_loss}

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        log_likelihood = self.decoder_log_likelihood(y_pred["target"], y_pred["reconstruction"])
        reconstruction = batch_mean(-log_likelihood, sample_weight=sample_weight)
        codebook = batch_mean(y_pred["codebook_loss"], sample_weight=sample_weight)
        commitment = batch_mean(y_pred["commitment_loss"], sample_weight=sample_weight)
        batch = ops.shape(y_pred["target"])[0]
        self.reconstruction_loss_tracker.update_state(reconstruction, sample_weight=batch)
        self.codebook_loss_tracker.update_state(codebook, sample_weight=batch)
        self.commitment_loss_tracker.update_state(commitment, sample_weight=batch)
        loss = reconstruction + codebook + commitment
        for penalty in self.losses:
            loss = loss + ops.cast(ops.sum(penalty), "float32")
        return loss

    # Arrays in, arrays out ------------------------------------------------------------------

    def encoder_outputs(self, x, *, batch_size=PREDICT_BATCH_SIZE):
        """The encoder's vectors z_e, before quantisation.

        Parameters
        ----------
        x : array_like, shape (n, *example_shape)
        batch_size : int
            Examples per forward pass.

        Returns
        -------
        numpy.ndarray, shape (n, n_positions, code_dim)
        """
        self.check_inputs(x, allow_empty=True)
        return in_batches(self._z_e, x, batch_size=batch_size)

    def encode(self, x, *, batch_size=PREDICT_BATCH_SIZE):
        """The code of each example: the index of the nearest codebook vector at each position.

        Parameters
        ----------
        x : array_like, shape (n, *example_shape)
        batch_size : int
            Examples per forward pass.

        Returns
        -------
        numpy.ndarray of int64, shape (n, n_positions)
            Integers in 0..n_codes-1.
        """
        self.check_inputs(x, allow_empty=True)
        return in_batches(lambda xb: self.quantizer.nearest(self._z_e(xb)), x,
                          batch_size=batch_size).astype("int64")

    def transform(self, x, y=None, *, batch_size=PREDICT_BATCH_SIZE):
        """The quantised code vectors z_q the decoder reads, flattened.

        Parameters
        ----------
        x : array_like, shape (n, *example_shape)
        y : None
            Not conditional: no labels.
        batch_size : int
            Examples per forward pass.

        Returns
        -------
        numpy.ndarray, shape (n, n_positions * code_dim)
        """
        self.labels(y, len(x))  # raises for labels
        indices = self.encode(x, batch_size=batch_size)
        return ops.convert_to_numpy(self.quantizer.lookup(indices)).reshape(len(indices), -1)

    def decode(self, indices, y=None, *, batch_size=PREDICT_BATCH_SIZE):
        """The mean image of p(x | z_q) for each code.

        Parameters
        ----------
        indices : array_like of int, shape (n, n_positions)
            Codes, integers in 0..n_codes-1.
        y : None
            Not conditional: no labels.
        batch_size : int
            Codes per forward pass.

        Returns
        -------
        numpy.ndarray, shape (n, *example_shape)
        """
        self.labels(y, len(indices))
        indices = self._checked_indices(indices)
        return in_batches(
            lambda ib: self._mean_image(self._decoder_output_of(self.quantizer.lookup(ib))),
            indices, batch_size=batch_size)

    def reconstruct(self, x, y=None, *, batch_size=PREDICT_BATCH_SIZE):
        """Decode the code of each example.

        Parameters
        ----------
        x : array_like, shape (n, *example_shape)
        y : None
            Not conditional: no labels.
        batch_size : int
            Examples per forward pass.

        Returns
        -------
        numpy.ndarray, shape (n, *example_shape)
        """
        self.labels(y, len(x))
        return self.decode(self.encode(x, batch_size=batch_size), batch_size=batch_size)

    def reconstruction_log_likelihood(self, x, *, batch_size=PREDICT_BATCH_SIZE):
        """log p(x | z_q(x)) of each example, with its own code: minus the reconstruction loss.

        Parameters
        ----------
        x : array_like, shape (n, *example_shape)
        batch_size : int
            Examples per forward pass.

        Returns
        -------
        numpy.ndarray, shape (n,)
            Nats.
        """
        return self.log_likelihood(x, self.transform(x, batch_size=batch_size),
                                   batch_size=batch_size)

    def _checked_indices(self, indices):
        indices = np.asarray(indices)
        if indices.ndim != 2 or indices.shape[1] != self.n_positions:
            raise ValueError(f"Codes must be shaped (n, {self.n_positions}): one codebook index "
                             f"per position; got shape {indices.shape}.")
        if indices.size and (not np.issubdtype(indices.dtype, np.integer)
                             or indices.min() < 0 or indices.max() >= self.n_codes):
            raise ValueError(f"Codes must be integers in 0..{self.n_codes - 1}.")
        return indices

    # The codebook and the prior over codes ----------------------------------------------------

    def initialize_codebook(self, x, *, seed=None):
        """Set the codebook to the k-means centres of the encoder's vectors z_e on ``x``.

        The remedy for dead codes this course measures: a codebook drawn at random near the
        origin leaves the codes far from every z_e unused, and no loss ever moves them (only
        a chosen code gets a codebook-loss gradient). Centres taken where the encoder's
        outputs are start every code in use. Call it before training.

        Parameters
        ----------
        x : array_like, shape (n, *example_shape)
            At least ``n_codes`` vectors z_e in all: n * n_positions >= n_codes.
        seed : int, optional
            Seeds k-means' initial centres.

        Returns
        -------
        numpy.ndarray, shape (n_codes, code_dim)
            The new codebook.
        """
        from sklearn.cluster import KMeans

        vectors = self.encoder_outputs(x).reshape(-1, self.code_dim)
        if len(vectors) < self.n_codes:
            raise ValueError(f"k-means needs at least n_codes = {self.n_codes} encoder vectors; "
                             f"{len(x)} examples give {len(vectors)}.")
        random_state = int(numpy_generator(seed).integers(2**31 - 1))
        centres = KMeans(self.n_codes, n_init=1, random_state=random_state).fit(vectors)
        codebook = centres.cluster_centers_.astype("float32")
        self.quantizer.codebook.assign(codebook)
        return codebook

    def fit_code_prior(self, x, *, pseudocount=1.0):
        """Fit a per-position categorical prior to the codes of ``x`` (:func:`fit_code_prior`)
        and keep it for :meth:`sample`.

        Parameters
        ----------
        x : array_like, shape (n, *example_shape)
            Training examples.
        pseudocount : float
            Added to every code's count at every position.

        Returns
        -------
        CodePrior
        """
        self.code_prior = fit_code_prior(self.encode(x), self.n_codes, pseudocount=pseudocount)
        return self.code_prior

    def sample(self, n_samples, *, seed=None):
        """Decode ``n_samples`` codes drawn from the fitted prior over codes.

        Needs :meth:`fit_code_prior` first (the prior is not saved with the model).

        Parameters
        ----------
        n_samples : int
            Images to draw.
        seed : int, optional

        Returns
        -------
        numpy.ndarray, shape (n_samples, *example_shape)
        """
        if self.code_prior is None:
            raise ValueError("A VQ-VAE has no prior over its codes until you fit one: "
                             "model.fit_code_prior(x_train), then sample.")
        return self.decode(self.code_prior.sample(n_samples, seed=seed))

    def get_config(self):
        return {**super().get_config(),
                "quantizer": keras.saving.serialize_keras_object(self.quantizer)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["quantizer"] = keras.saving.deserialize_keras_object(config["quantizer"])
        return super().from_config(config)


def make_vq_vae(example_shape, *, n_positions=8, n_codes=16, code_dim=4, arch="mlp",
                hidden=HIDDEN, commitment_weight=COMMITMENT_WEIGHT, likelihood="bernoulli",
                decoder_std=1.0, seed=None, learning_rate=LEARNING_RATE,
                warmup_steps=WARMUP_STEPS):
    """Build and compile a :class:`VQVAE` with the course's defaults.

    Parameters
    ----------
    example_shape : tuple of int
        The shape of one example, e.g. ``data.example_shape``.
    n_positions : int
        Codebook choices per example.
    n_codes : int
        K, the codebook's size.
    code_dim : int
        The dimensions of each codebook vector.
    arch : {"mlp", "conv"}
    hidden : tuple of int
        Hidden layer sizes (see :func:`~vaelearn.networks.build_encoder`).
    commitment_weight : float
        beta_c, the commitment loss's weight.
    likelihood : {"bernoulli", "gaussian", "logistic"}
        As in :class:`~vaelearn.models.LatentModel`.
    decoder_std : float or "learned"
        The Gaussian likelihood's standard deviation.
    seed : int, optional
        Seeds the initial weights and the codebook.
    learning_rate : float
    warmup_steps : int

    Returns
    -------
    VQVAE
    """
    check_count(n_positions, "codebook choices per example")
    if n_positions < 1:
        raise ValueError("n_positions must be at least 1.")
    encoder_seed, decoder_seed, codebook_seed = spawn_seeds(seed, 3)
    width = n_positions * code_dim
    encoder = networks.build_encoder(example_shape, width, arch=arch, hidden=hidden,
                                     variational=False, seed=encoder_seed)
    decoder = networks.build_decoder(width, example_shape, arch=arch, hidden=hidden,
                                     seed=decoder_seed)
    quantizer = VectorQuantizer(n_codes, code_dim, commitment_weight=commitment_weight,
                                seed=codebook_seed)
    model = VQVAE(encoder, decoder, quantizer, likelihood=likelihood, decoder_std=decoder_std,
                  seed=seed)
    model.compile_with_defaults(learning_rate=learning_rate, warmup_steps=warmup_steps)
    return model


class CodePrior:
    """A prior over codes: an independent categorical distribution at each position,
    p(c) = prod_p pi_p(c_p).

    It ignores every dependency between positions (that a stroke at one position implies a
    stroke at the next): its samples have the right code frequencies at each position, in
    combinations real images rarely use. The VQ-VAE paper fits an autoregressive PixelCNN
    over the codes instead, p(c) = prod_p p(c_p | c_<p), which models those dependencies.

    Parameters
    ----------
    probs : array_like, shape (n_positions, n_codes)
        pi_p(k): each row sums to 1.
    """

    def __init__(self, probs):
        probs = np.asarray(probs, dtype="float64")
        if probs.ndim != 2 or np.any(probs < 0) or not np.allclose(probs.sum(axis=1), 1.0):
            raise ValueError("probs must be shaped (n_positions, n_codes), non-negative, each "
                             "row summing to 1.")
        self.probs = probs

    @property
    def n_positions(self):
        return self.probs.shape[0]

    @property
    def n_codes(self):
        return self.probs.shape[1]

    def log_prob(self, indices):
        """log p(c) of each code, in nats.

        Parameters
        ----------
        indices : array_like of int, shape (n, n_positions)

        Returns
        -------
        numpy.ndarray, shape (n,)
            Nats (-inf for a code of probability 0).
        """
        indices = np.asarray(indices)
        if indices.ndim != 2 or indices.shape[1] != self.n_positions:
            raise ValueError(f"Codes must be shaped (n, {self.n_positions}); got {indices.shape}.")
        with np.errstate(divide="ignore"):
            log_probs = np.log(self.probs)
        return log_probs[np.arange(self.n_positions), indices].sum(axis=1)

    def sample(self, n_samples, *, seed=None):
        """Draw codes, each position independently.

        Parameters
        ----------
        n_samples : int
        seed : int, optional

        Returns
        -------
        numpy.ndarray of int64, shape (n_samples, n_positions)
        """
        check_count(n_samples, "codes to draw")
        u = numpy_generator(seed).random((n_samples, self.n_positions, 1))
        cumulative = np.cumsum(self.probs, axis=1)
        cumulative[:, -1] = 1.0
        return np.minimum((u > cumulative[None]).sum(axis=2), self.n_codes - 1).astype("int64")


def fit_code_prior(indices, n_codes, *, pseudocount=1.0):
    """The per-position categorical prior fitted to codes: the frequency of each code at each
    position, with ``pseudocount`` added to every count (so that no code has probability 0).

    Parameters
    ----------
    indices : array_like of int, shape (n, n_positions)
        Training codes (``model.encode(x_train)``).
    n_codes : int
    pseudocount : float
        >= 0; 0 gives the plain frequencies.

    Returns
    -------
    CodePrior
    """
    indices = np.asarray(indices)
    if indices.ndim != 2 or not np.issubdtype(indices.dtype, np.integer):
        raise ValueError(f"Codes must be integers shaped (n, n_positions); got dtype "
                         f"{indices.dtype}, shape {indices.shape}.")
    if indices.size and (indices.min() < 0 or indices.max() >= n_codes):
        raise ValueError(f"Codes must lie in 0..{n_codes - 1}.")
    if pseudocount < 0 or (pseudocount == 0 and len(indices) == 0):
        raise ValueError("pseudocount must be >= 0, and > 0 when there are no codes.")
    counts = np.stack([np.bincount(column, minlength=n_codes) for column in indices.T])
    counts = counts.astype("float64") + pseudocount
    return CodePrior(counts / counts.sum(axis=1, keepdims=True))
