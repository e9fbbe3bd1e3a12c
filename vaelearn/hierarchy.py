"""A VAE with two stochastic layers, and its factory.

The generative model is a chain from the top down,

    p(x, z1, z2) = p(z2) p(z1 | z2) p(x | z1),    p(z2) = N(0, I),

with p(z1 | z2) a diagonal Gaussian whose mean and log-variance a small network computes
from z2, and p(x | z1) one of the course's likelihoods (:class:`~vaelearn.models.LatentModel`).
Inference runs **bottom-up**, as in the two-layer models of Burda et al. (2015):

    q(z1, z2 | x) = q(z1 | x) q(z2 | z1),

both diagonal Gaussians. The ELBO is then

    log p(x) >= E_q[log p(x | z1)] - E_q[log q(z1 | x) - log p(z1 | z2)]
                                   - E_q[log q(z2 | z1) - log p(z2)],

and the model logs its two KL terms separately:

- ``kl_loss_1`` = E_q[log q(z1 | x) - log p(z1 | z2)], estimated with the one pair (z1, z2)
  drawn per example (no closed form: z2 was drawn from z1, so z1 cannot be integrated out
  while z2 is held fixed);
- ``kl_loss_2`` = E_q(z1|x)[KL(q(z2 | z1) || N(0, I))], closed form in z2 given the drawn z1;
- ``kl_loss`` = ``kl_loss_1 + kl_loss_2``, the whole KL term of the ELBO.

Top-down inference (the Ladder VAE, Sønderby et al. 2016; NVAE, Vahdat & Kautz 2020) would
instead draw z2 first, from q(z2 | x), then z1 from q(z1 | z2, x), which combines the
encoder's bottom-up features with the prior p(z1 | z2): the inference and generative paths
share the top-down network, and each layer's KL given the layers above is a KL between two
Gaussians, in closed form. This module keeps the simpler bottom-up model.

Typical use::

    model = make_two_layer_vae(data.example_shape, latent_dims=(32, 8), seed=0)
    model.fit(data.x_train, epochs=10)
    z1_mean, z1_log_var, z2_mean, z2_log_var = model.encode(data.x_test)
    vaelearn.evaluation.iwae_bound(model, data.x_test)   # through log_importance_weights
    images = model.sample(16, seed=1)
"""

import math
import numbers

import keras
import numpy as np
from keras import layers, ops

from . import networks, objectives
from .batching import in_batches
from .defaults import HIDDEN, LEARNING_RATE, PREDICT_BATCH_SIZE, WARMUP_STEPS
from .models import LatentModel
from .randomness import numpy_generator, spawn_seeds
from .validation import check_count

__all__ = ["LOG_VAR_BOUND", "TOP_HIDDEN", "TwoLayerVAE", "gaussian_network",
           "hierarchical_kl_terms", "make_two_layer_vae"]

TOP_HIDDEN = (64,)
"""The hidden layer sizes of the two small networks between z1 and z2."""


LOG_VAR_BOUND = 10.0
"""The log-variances of q(z2|z1) and p(z1|z2) are LOG_VAR_BOUND tanh(v / LOG_VAR_BOUND) of
the networks' outputs v: while the KL weighs little (a warm-up from beta = 0), nothing else
holds those networks, whose inputs grow with the codes, and a variance of exp(200) is inf."""


def _bounded(log_var):
    return LOG_VAR_BOUND * ops.tanh(log_var / LOG_VAR_BOUND)


def _log_normal_per_dimension(z, mean, log_var):
    """log N(z_j; mean_j, exp(log_var_j)) for each dimension: shape of ``z``, nats."""
    return -0.5 * (objectives.LOG_2PI + log_var + ops.square(z - mean) * ops.exp(-log_var))


def hierarchical_kl_terms(z1, z2, q1_mean, q1_log_var, q2_mean, q2_log_var, p1_mean,
                          p1_log_var):
    """The two KL terms of a two-layer VAE's ELBO, estimated from one draw (z1, z2) ~ q.

    layer 1: log q(z1 | x) - log p(z1 | z2); layer 2: log q(z2 | z1) - log N(z2; 0, I).
    Their sum is the Monte Carlo estimate of KL(q(z1, z2 | x) || p(z1, z2)); each term's
    expectation under q is that layer's share of it.

    Parameters
    ----------
    z1, q1_mean, q1_log_var, p1_mean, p1_log_var : array_like or tensor, shape (n, d1)
        The drawn z1, the parameters of q(z1 | x) and of p(z1 | z2).
    z2, q2_mean, q2_log_var : array_like or tensor, shape (n, d2)
        The drawn z2 and the parameters of q(z2 | z1).

    Returns
    -------
    kl_1, kl_2 : tensor, shape (n,)
        Nats per example.
    """
    kl_1 = (objectives.log_normal(z1, q1_mean, q1_log_var)
            - objectives.log_normal(z1, p1_mean, p1_log_var))
    kl_2 = objectives.log_normal(z2, q2_mean, q2_log_var) - objectives.log_standard_normal(z2)
    return kl_1, kl_2


def _per_layer(value, what):
    """A pair of non-negative floats from one number (both layers) or a pair."""
    values = (value, value) if isinstance(value, numbers.Real) else tuple(value)
    if len(values) != 2 or not all(isinstance(v, numbers.Real) and 0 <= v < math.inf
                                   for v in values):
        raise ValueError(f"{what} must be a number >= 0 or a pair of them (layer 1, layer 2), "
                         f"got {value!r}.")
    return tuple(float(v) for v in values)


def gaussian_network(input_dim, output_dim, *, hidden=TOP_HIDDEN, name, seed=None):
    """A small MLP between two layers of latents: ``(n, input_dim)`` -> [mean, log_var],
    each ``(n, output_dim)``, the parameters of a diagonal Gaussian.

    Parameters
    ----------
    input_dim, output_dim : int
    hidden : tuple of int
        Units of the ReLU layers.
    name : str
        The network's name; its output layers are ``f"{name}_mean"`` and
        ``f"{name}_log_var"``.
    seed : int, optional
        Seeds the initial weights.

    Returns
    -------
    keras.Model
    """
    initializers = iter([keras.initializers.GlorotUniform(s) if s is not None else "glorot_uniform"
                         for s in spawn_seeds(seed, len(hidden) + 2)])
    inputs = keras.Input((input_dim,), name=f"{name}_input")
    h = inputs
    for units in hidden:
        h = layers.Dense(units, activation="relu", kernel_initializer=next(initializers))(h)
    mean = layers.Dense(output_dim, name=f"{name}_mean", kernel_initializer=next(initializers))(h)
    log_var = layers.Dense(output_dim, name=f"{name}_log_var",
                           kernel_initializer=next(initializers))(h)
    return keras.Model(inputs, [mean, log_var], name=name)


@networks.serializable
class TwoLayerVAE(LatentModel):
    """A VAE with two stochastic layers, z1 (next to x) and z2 (on top), inferred bottom-up.

    Trained on loss = reconstruction_loss + beta * (w1 kl_loss_1 + w2 kl_loss_2), with
    (w1, w2) = ``layer_betas`` (1, 1 by default, the ELBO's weights) and the terms of the
    module docstring, each averaged over the batch, in nats; ``kl_loss`` = kl_loss_1 +
    kl_loss_2 is logged too (the history then adds up as loss = reconstruction_loss + beta *
    kl_loss when ``layer_betas`` is (1, 1)), plus every penalty its layers add.

    With free bits lambda_l > 0 for layer l, that layer's term is sum_j max(lambda_l,
    batch-mean KL_lj) over its dimensions j (layer 1: the one-draw estimate per dimension,
    log q(z1j | x) - log p(z1j | z2); layer 2: the closed form), and the logged kl_loss_l is
    that penalty. ``beta`` is a variable that :class:`vaelearn.training.KLAnnealing` can
    drive (a warm-up of both layers' KL).

    Parameters
    ----------
    encoder : keras.Model
        q(z1 | x): x -> [z1_mean, z1_log_var] (:func:`~vaelearn.networks.build_encoder`).
    upper_encoder : keras.Model
        q(z2 | z1): z1 -> [z2_mean, z2_log_var].
    upper_decoder : keras.Model
        p(z1 | z2): z2 -> [mean, log_var] of z1.
    decoder : keras.Model
        p(x | z1): z1 -> the likelihood's parameters (:func:`~vaelearn.networks.build_decoder`).
    beta : float
        Weight of the KL term; a non-trainable variable.
    layer_betas : pair of float
        The weight of each layer's KL relative to ``beta``.
    free_bits : float or pair of float
        Nats per dimension below which a layer's KL is not penalised: one number for both
        layers, or (layer 1, layer 2).
    likelihood, decoder_std
        As in :class:`~vaelearn.models.LatentModel`.
    seed : int, optional
        Seeds the draws of z1 and z2 while the model trains.
    """

    def __init__(self, encoder, upper_encoder, upper_decoder, decoder, *, beta=1.0,
                 layer_betas=(1.0, 1.0), free_bits=0.0, **kwargs):
        if kwargs.get("n_classes") is not None:
            raise ValueError("TwoLayerVAE is not conditional: it takes no n_classes.")
        self._free_bits_pair = _per_layer(free_bits, "free_bits")
        self._layer_betas = _per_layer(layer_betas, "layer_betas")
        super().__init__(encoder, decoder, beta=beta, **kwargs)
        self.free_bits = free_bits if isinstance(free_bits, numbers.Real) else list(free_bits)
        self.layer_betas = list(layer_betas)
        self.upper_encoder, self.upper_decoder = upper_encoder, upper_decoder
        self.latent_dims = (int(encoder.outputs[0].shape[-1]),
                            int(upper_encoder.outputs[0].shape[-1]))
        if int(upper_decoder.outputs[0].shape[-1]) != self.latent_dims[0] or int(
                upper_decoder.inputs[0].shape[-1]) != self.latent_dims[1] or int(
                upper_encoder.inputs[0].shape[-1]) != self.latent_dims[0]:
            raise ValueError(
                f"The networks do not fit together: q(z1|x) gives {self.latent_dims[0]} "
                f"dimensions, q(z2|z1) maps {upper_encoder.inputs[0].shape[-1]} to "
                f"{self.latent_dims[1]}, p(z1|z2) maps {upper_decoder.inputs[0].shape[-1]} to "
                f"{upper_decoder.outputs[0].shape[-1]}.")
        self.seed_generator = keras.random.SeedGenerator(seed=self.seed)
        self.kl_loss_1_tracker = keras.metrics.Mean(name="kl_loss_1")
        self.kl_loss_2_tracker = keras.metrics.Mean(name="kl_loss_2")

    # The two layers -------------------------------------------------------------------------

    def _draws(self, x, *, n_samples=None, seed=None, training=False):
        """(z1, z2) ~ q(z1|x) q(z2|z1) and every distribution's parameters, as tensors; with
        ``n_samples``, a leading axis of that many draws."""
        seed = self.seed_generator if seed is None else seed
        q1_mean, q1_log_var = self.encoder(x, training=training)
        if n_samples is not None:  # q(z1|x)'s parameters, once per draw
            q1_mean, q1_log_var = (
                ops.reshape(ops.repeat(ops.expand_dims(v, 0), n_samples, axis=0),
                            (-1, self.latent_dims[0])) for v in (q1_mean, q1_log_var))
        # z1 = mean + std * eps, and log q(z1|x) computed from eps itself: (z1 - mean) / std
        # in float32 is 0 / 0 once a posterior's variance underflows (at beta = 0, say).
        eps1 = keras.random.normal(ops.shape(q1_mean), seed=seed)
        z1 = q1_mean + ops.exp(0.5 * q1_log_var) * eps1
        q2_mean, q2_log_var = self.upper_encoder(z1, training=training)
        q2_log_var = _bounded(q2_log_var)
        eps2 = keras.random.normal(ops.shape(q2_mean), seed=seed)
        z2 = q2_mean + ops.exp(0.5 * q2_log_var) * eps2
        p1_mean, p1_log_var = self.upper_decoder(z2, training=training)
        p1_log_var = _bounded(p1_log_var)
        return dict(z1=z1, z2=z2, q1_mean=q1_mean, q1_log_var=q1_log_var, q2_mean=q2_mean,
                    q2_log_var=q2_log_var, p1_mean=p1_mean, p1_log_var=p1_log_var,
                    log_q1=-0.5 * (objectives.LOG_2PI + q1_log_var + ops.square(eps1)),
                    log_q2=-0.5 * (objectives.LOG_2PI + q2_log_var + ops.square(eps2)))

    def call(self, inputs, training=False):
        x = inputs
        draws = self._draws(x, training=training)
        return {"reconstruction": self.decoder(draws["z1"], training=training), "target": x,
                **draws}

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        p = {k: ops.cast(v, "float32") for k, v in y_pred.items()}
        reconstruction = objectives.batch_mean(
            -self.decoder_log_likelihood(p["target"], p["reconstruction"]),
            sample_weight=sample_weight)
        kl_1_dims = p["log_q1"] - _log_normal_per_dimension(p["z1"], p["p1_mean"],
                                                            p["p1_log_var"])
        kl_2_dims = objectives.gaussian_kl_per_dimension(p["q2_mean"], p["q2_log_var"])
        terms = []
        for dims, free in zip((kl_1_dims, kl_2_dims), self._free_bits_pair):
            dims = objectives.batch_mean(dims, sample_weight=sample_weight)
            if free > 0:
                dims = ops.maximum(dims, free)
            terms.append(ops.sum(dims))
        kl_1, kl_2 = terms
        w1, w2 = self._layer_betas
        loss = reconstruction + ops.cast(self.beta, "float32") * (w1 * kl_1 + w2 * kl_2)
        batch = ops.shape(p["target"])[0]
        self.reconstruction_loss_tracker.update_state(reconstruction, sample_weight=batch)
        self.kl_loss_tracker.update_state(kl_1 + kl_2, sample_weight=batch)
        self.kl_loss_1_tracker.update_state(kl_1, sample_weight=batch)
        self.kl_loss_2_tracker.update_state(kl_2, sample_weight=batch)
        for penalty in self.losses:
            loss = loss + ops.cast(ops.sum(penalty), "float32")
        return loss

    def log_importance_weights(self, x, y=None, *, n_samples=1, seed=None):
        """log w = log p(x, z1, z2) - log q(z1, z2 | x) for ``n_samples`` draws per example.

        What :func:`vaelearn.evaluation.iwae_bound` and :func:`~vaelearn.evaluation.elbo`
        average (their mean is a one-sample ELBO; their log-mean-exp the bound L_k).

        Parameters
        ----------
        x : tensor, shape (n, *example_shape)
        y : None
            This model takes no labels.
        n_samples : int
        seed : int or keras.random.SeedGenerator, optional

        Returns
        -------
        tensor, shape (n_samples, n)
            Nats.
        """
        if y is not None:
            self.labels(y, 1)  # raises: this model takes no labels
        n = ops.shape(x)[0]
        d = self._draws(x, n_samples=n_samples, seed=seed)
        repeated_x = ops.reshape(ops.repeat(ops.expand_dims(x, 0), n_samples, axis=0),
                                 (-1, *self.example_shape))
        log_px_z1 = self.decoder_log_likelihood(repeated_x, self.decoder(d["z1"]))
        kl_1 = (ops.sum(d["log_q1"], axis=-1)
                - objectives.log_normal(d["z1"], d["p1_mean"], d["p1_log_var"]))
        kl_2 = ops.sum(d["log_q2"], axis=-1) - objectives.log_standard_normal(d["z2"])
        return ops.reshape(log_px_z1 - kl_1 - kl_2, (n_samples, n))

    # Arrays in, arrays out ------------------------------------------------------------------

    def posterior_draws(self, x, *, seed=None, batch_size=PREDICT_BATCH_SIZE):
        """One draw (z1, z2) ~ q(z1|x) q(z2|z1) per example, with every density's parameters.

        Parameters
        ----------
        x : array_like, shape (n, *example_shape)
        seed : int, optional
        batch_size : int
            Examples per forward pass.

        Returns
        -------
        dict of numpy.ndarray
            ``z1``, ``q1_mean``, ``q1_log_var``, ``p1_mean``, ``p1_log_var`` shaped (n, d1):
            the draw of z1, q(z1|x)'s and p(z1|z2)'s parameters; ``z2``, ``q2_mean``,
            ``q2_log_var`` shaped (n, d2): the draw of z2 and q(z2|z1)'s parameters.
        """
        self.check_inputs(x, allow_empty=True)
        seed = keras.random.SeedGenerator(seed)
        keys = ("z1", "z2", "q1_mean", "q1_log_var", "q2_mean", "q2_log_var", "p1_mean",
                "p1_log_var")

        def batch(xb):
            draws = self._draws(xb, seed=seed)
            return tuple(draws[k] for k in keys)

        return dict(zip(keys, in_batches(batch, x, batch_size=batch_size)))

    def encode(self, x, y=None, *, batch_size=PREDICT_BATCH_SIZE):
        """The posterior of each layer: q(z1 | x), and q(z2 | z1) at z1 = its mean.

        Parameters
        ----------
        x : array_like, shape (n, *example_shape)
        y : None
            This model takes no labels.
        batch_size : int
            Examples per forward pass.

        Returns
        -------
        z1_mean, z1_log_var : numpy.ndarray, shape (n, d1)
        z2_mean, z2_log_var : numpy.ndarray, shape (n, d2)
        """
        self.check_inputs(x, allow_empty=True)
        self.labels(y, len(x))

        def batch(xb):
            z1_mean, z1_log_var = self.encoder(xb)
            z2_mean, z2_log_var = self.upper_encoder(z1_mean)
            return z1_mean, z1_log_var, z2_mean, _bounded(z2_log_var)

        return in_batches(batch, x, batch_size=batch_size)

    def sample(self, n_samples, *, y=None, temperature=1.0, seed=None, draw=False):
        """Decode ``n_samples`` codes drawn top-down from the prior at ``temperature`` T:
        z2 ~ N(0, T^2 I), then z1 = mean(z2) + T std(z2) eps with p(z1 | z2)'s mean and
        standard deviation; their mean images, or with ``draw=True`` one draw x ~ p(x|z1).

        Parameters
        ----------
        n_samples : int
        y : None
            This model takes no labels.
        temperature : float
            Scales the standard deviation of both layers' draws.
        seed : int, optional
        draw : bool

        Returns
        -------
        numpy.ndarray, shape (n_samples, *example_shape)
        """
        check_count(n_samples, "images to sample")
        self.labels(y, n_samples)
        rng = numpy_generator(seed)
        z1 = self._prior_codes(n_samples, temperature, rng)
        return self.draw(z1, seed=rng) if draw else self.decode(z1)

    def _prior_codes(self, n_samples, temperature, seed):
        """Codes z1 drawn top-down from the prior at ``temperature``, as :meth:`sample` says."""
        rng = numpy_generator(seed)
        d1, d2 = self.latent_dims
        z2 = (temperature * rng.standard_normal((n_samples, d2))).astype("float32")
        eps = rng.standard_normal((n_samples, d1)).astype("float32")
        if n_samples == 0:
            return np.zeros((0, d1), "float32")
        mean, log_var = self.upper_decoder(z2)
        mean, log_var = ops.convert_to_numpy(mean), ops.convert_to_numpy(_bounded(log_var))
        return (mean + temperature * np.exp(0.5 * log_var) * eps).astype("float32")

    def get_config(self):
        config = super().get_config()
        config.update(
            upper_encoder=keras.saving.serialize_keras_object(self.upper_encoder),
            upper_decoder=keras.saving.serialize_keras_object(self.upper_decoder),
            layer_betas=self.layer_betas, free_bits=self.free_bits)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("encoder", "upper_encoder", "upper_decoder", "decoder"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


def make_two_layer_vae(example_shape, *, latent_dims=(32, 8), hidden=HIDDEN,
                       top_hidden=TOP_HIDDEN, likelihood="bernoulli", decoder_std=1.0, beta=1.0,
                       layer_betas=(1.0, 1.0), free_bits=0.0, seed=None,
                       learning_rate=LEARNING_RATE, warmup_steps=WARMUP_STEPS):
    """Build and compile a :class:`TwoLayerVAE` with the course's defaults.

    x -> q(z1|x) is :func:`~vaelearn.networks.build_encoder`'s MLP of ``hidden`` units and
    p(x|z1) its mirror (:func:`~vaelearn.networks.build_decoder`), as in
    :func:`~vaelearn.models.make_vae`; q(z2|z1) and p(z1|z2) are MLPs of ``top_hidden`` units.

    Parameters
    ----------
    example_shape : tuple of int
    latent_dims : pair of int
        (d1, d2): the dimensions of z1 and z2.
    hidden : tuple of int
        Hidden layer sizes between x and z1.
    top_hidden : tuple of int
        Hidden layer sizes between z1 and z2.
    likelihood : {"bernoulli", "gaussian", "logistic"}
    decoder_std : float or "learned"
    beta : float
    layer_betas : pair of float
    free_bits : float or pair of float
        As in :class:`TwoLayerVAE`.
    seed : int, optional
        Seeds the initial weights and the model's draws while it trains.
    learning_rate : float
    warmup_steps : int
        See :meth:`~vaelearn.course_model.CourseModel.compile_with_defaults`.

    Returns
    -------
    TwoLayerVAE
    """
    if len(tuple(latent_dims)) != 2 or not all(
            isinstance(d, numbers.Integral) and d > 0 for d in latent_dims):
        raise ValueError(f"latent_dims must be a pair of positive ints (d1, d2), got "
                         f"{latent_dims!r}.")
    if decoder_std == "predicted":
        raise ValueError("make_two_layer_vae does not build decoders that predict their scale; "
                         "use decoder_std=1.0 or 'learned'.")
    d1, d2 = (int(d) for d in latent_dims)
    seeds = spawn_seeds(seed, 5)
    encoder = networks.build_encoder(example_shape, d1, hidden=hidden, seed=seeds[0])
    upper_encoder = gaussian_network(d1, d2, hidden=top_hidden, name="upper_encoder",
                                     seed=seeds[1])
    upper_decoder = gaussian_network(d2, d1, hidden=top_hidden, name="upper_decoder",
                                     seed=seeds[2])
    decoder = networks.build_decoder(d1, example_shape, hidden=hidden, seed=seeds[3])
    model = TwoLayerVAE(encoder, upper_encoder, upper_decoder, decoder, beta=beta,
                        layer_betas=layer_betas, free_bits=free_bits, likelihood=likelihood,
                        decoder_std=decoder_std, seed=seeds[4])
    model.compile_with_defaults(learning_rate=learning_rate, warmup_steps=warmup_steps)
    return model
