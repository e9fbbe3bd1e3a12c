"""A small diffusion model seen as a hierarchical VAE with a fixed Gaussian encoder: its noise
schedule, its ELBO in nats, training and sampling.

The forward process (the *encoder*, fixed, with no parameters) adds Gaussian noise in
``n_steps`` = T steps (Ho et al., 2020, variance preserving)::

    q(x_t | x_{t-1}) = N(sqrt(alpha_t) x_{t-1}, beta_t I),   beta_t = 1 - alpha_t,
    q(x_t | x_0)     = N(sqrt(alpha_bar_t) x_0, (1 - alpha_bar_t) I),
    alpha_bar_t      = prod_{s<=t} alpha_s.

The schedule is the array ``alpha_bar`` of shape ``(T + 1,)``, indexed by the step t = 0..T,
with ``alpha_bar[0] = 1`` (x_0 is the data) and ``alpha_bar[T]`` near 0 (x_T is noise).
The reverse process (the *decoder*) is learned: p(x_T) = N(0, I) and, for t >= 2,
p(x_{t-1} | x_t) = N(mu_theta(x_t, t), beta_tilde_t I), with the mean written through a noise
predictor eps_theta(x_t, t) (:func:`build_noise_predictor`); the last step
p(x_0 | x_1) = N(mu_theta(x_1, 1), beta_1 I) is the likelihood of the data. Its ELBO
(:func:`elbo_terms`) is a VAE's: a prior term, T - 1 denoising KLs and a reconstruction term.

Typical use::

    model = make_diffusion_model(ring.example_shape, n_steps=100, seed=0)
    model.fit(ring.x_train, epochs=60, batch_size=128)
    points = model.sample(2000, seed=1)
    bound = model.elbo(ring.x_test, seed=2)      # ELBOTerms, nats per example
    print(bound.mean, bound.standard_error)

Examples are flat vectors ``(n, d)`` (2-D points, or flattened images). Everything is in
nats per example.
"""

import math
from dataclasses import dataclass

import keras
import numpy as np
from keras import layers, ops

from . import course_model, networks
from .batching import in_batches
from .defaults import LEARNING_RATE, PREDICT_BATCH_SIZE, WARMUP_STEPS
from .objectives import batch_mean, gaussian_kl, log_normal
from .randomness import numpy_generator, spawn_seeds
from .validation import check_choice, check_count, check_examples, first_batch, is_array_like

__all__ = ["ELBOTerms", "OBJECTIVES", "SCHEDULES", "DiffusionModel", "FourierFeatures",
           "build_noise_predictor", "denoising_weights", "diffuse", "elbo_terms",
           "ideal_denoiser", "make_diffusion_model", "noise_schedule", "posterior"]

SCHEDULES = ("linear", "cosine")
OBJECTIVES = ("simple", "elbo")
# Nichol & Dhariwal (2021): the cosine schedule's offset, and the cap on each beta_t.
COSINE_OFFSET = 0.008
MAX_BETA = 0.999


def noise_schedule(n_steps, *, schedule="linear"):
    """The noise schedule alpha_bar_t, t = 0..T, of a variance-preserving diffusion.

    - ``"cosine"`` (Nichol & Dhariwal, 2021): alpha_bar_t = f(t) / f(0) with
      f(t) = cos^2((t / T + s) / (1 + s) * pi / 2), s = 0.008;
    - ``"linear"`` (Ho et al., 2020): beta_t rising linearly from 1e-4 to 0.02 for T = 1000,
      both ends scaled by 1000 / T for other T (so the total noise is about the same).

    Either way each beta_t = 1 - alpha_bar_t / alpha_bar_{t-1} is capped at 0.999.

    Parameters
    ----------
    n_steps : int
        T, the number of noising steps (at least 2).
    schedule : {"linear", "cosine"}
        The cosine's capped last step, beta_T = 0.999, takes alpha_bar_T from about 1e-3
        to about 1e-6 in one step; that step's term of the ELBO then weighs about 500 times
        the squared error of the noise predictor (:func:`denoising_weights`).

    Returns
    -------
    numpy.ndarray, shape (n_steps + 1,), float64
        alpha_bar, with alpha_bar[0] = 1 (the data) decreasing to alpha_bar[T] near 0.
    """
    check_count(n_steps, "noising steps")
    if n_steps < 2:
        raise ValueError(f"A diffusion needs at least 2 steps, got n_steps={n_steps}.")
    check_choice(schedule, SCHEDULES, "schedule")
    if schedule == "cosine":
        u = np.arange(n_steps + 1) / n_steps
        f = np.cos((u + COSINE_OFFSET) / (1 + COSINE_OFFSET) * np.pi / 2) ** 2
        betas = 1.0 - f[1:] / f[:-1]
    else:
        scale = 1000.0 / n_steps
        betas = np.linspace(1e-4 * scale, 0.02 * scale, n_steps)
    betas = np.clip(betas, 0.0, MAX_BETA)
    return np.concatenate([[1.0], np.cumprod(1.0 - betas)])


def _check_schedule(alpha_bar):
    alpha_bar = np.asarray(alpha_bar, dtype="float64")
    if alpha_bar.ndim != 1 or len(alpha_bar) < 3 or alpha_bar[0] != 1.0:
        raise ValueError("alpha_bar must be the schedule shaped (T + 1,), indexed by the step "
                         "t = 0..T with alpha_bar[0] = 1 (see noise_schedule).")
    if not (np.all(np.diff(alpha_bar) < 0) and alpha_bar[-1] > 0):
        raise ValueError("alpha_bar must decrease strictly from 1 and stay above 0.")
    return alpha_bar


def _steps(t, n, n_steps, *, lowest=0):
    t = np.broadcast_to(np.asarray(t), (n,))
    if not np.issubdtype(t.dtype, np.integer) or t.min(initial=lowest) < lowest or \
            t.max(initial=lowest) > n_steps:
        raise ValueError(f"The steps t must be integers in {lowest}..{n_steps}, one per example.")
    return t


def _per_example(values, ndim):
    """A value per example ``(n,)`` shaped to broadcast against examples of ``ndim`` axes."""
    return np.reshape(values, (-1,) + (1,) * (ndim - 1))


def diffuse(x, t, alpha_bar, eps):
    """The forward process in one draw: x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps.

    Parameters
    ----------
    x : array_like, shape (n, ...)
        The data x_0.
    t : int or array_like of int, shape (n,)
        The step of each example, 0..T (t = 0 returns ``x``).
    alpha_bar : array_like, shape (T + 1,)
        The schedule (:func:`noise_schedule`), indexed by t.
    eps : array_like, shape of ``x``
        Standard normal noise.

    Returns
    -------
    numpy.ndarray, shape of ``x``
    """
    alpha_bar = _check_schedule(alpha_bar)
    x = np.asarray(x, dtype="float64")
    t = _steps(t, len(x), len(alpha_bar) - 1)
    a = _per_example(alpha_bar[t], x.ndim)
    return np.sqrt(a) * x + np.sqrt(1.0 - a) * np.asarray(eps, dtype="float64")


def _coefficients(alpha_bar):
    """Per step t = 0..T (index 0 unused): alpha_t, beta_t and the posterior's variance
    beta_tilde_t = beta_t (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t)."""
    previous = np.concatenate([[1.0], alpha_bar[:-1]])
    alpha = alpha_bar / previous
    beta = 1.0 - alpha
    with np.errstate(divide="ignore", invalid="ignore"):
        beta_tilde = np.where(np.arange(len(alpha_bar)) > 0,
                              beta * (1.0 - previous) / (1.0 - alpha_bar), 0.0)
    return alpha, beta, beta_tilde, previous


def posterior(x_t, x, t, alpha_bar):
    """The forward process run backwards given the data: q(x_{t-1} | x_t, x_0) = N(mean, var I).

    mean = sqrt(alpha_bar_{t-1}) beta_t / (1 - alpha_bar_t) x_0
    + sqrt(alpha_t) (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) x_t, and
    var = beta_tilde_t = beta_t (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) (0 at t = 1,
    where x_0 is known).

    Parameters
    ----------
    x_t : array_like, shape (n, ...)
    x : array_like, shape (n, ...)
        The data x_0.
    t : int or array_like of int, shape (n,)
        Steps 1..T.
    alpha_bar : array_like, shape (T + 1,)

    Returns
    -------
    mean : numpy.ndarray, shape of ``x``
    variance : numpy.ndarray, shape (n,)
    """
    alpha_bar = _check_schedule(alpha_bar)
    x, x_t = np.asarray(x, dtype="float64"), np.asarray(x_t, dtype="float64")
    t = _steps(t, len(x), len(alpha_bar) - 1, lowest=1)
    alpha, beta, beta_tilde, previous = _coefficients(alpha_bar)
    c0 = np.sqrt(previous[t]) * beta[t] / (1.0 - alpha_bar[t])
    ct = np.sqrt(alpha[t]) * (1.0 - previous[t]) / (1.0 - alpha_bar[t])
    mean = _per_example(c0, x.ndim) * x + _per_example(ct, x.ndim) * x_t
    return mean, beta_tilde[t]


def _predicted_mean(x_t, eps_hat, t, alpha_bar):
    """mu_theta(x_t, t) = (x_t - beta_t / sqrt(1 - alpha_bar_t) eps_theta) / sqrt(alpha_t)."""
    alpha, beta, _, _ = _coefficients(alpha_bar)
    ndim = np.ndim(x_t)
    return (x_t - _per_example(beta[t] / np.sqrt(1.0 - alpha_bar[t]), ndim) * eps_hat) / \
        _per_example(np.sqrt(alpha[t]), ndim)


def denoising_weights(alpha_bar):
    """The weight w_t that turns the noise predictor's squared error into the ELBO's term t.

    For t >= 2 both p_theta(x_{t-1} | x_t) and q(x_{t-1} | x_t, x_0) have the variance
    beta_tilde_t, so their KL is the squared distance of the means over 2 beta_tilde_t, which
    for an eps-prediction is w_t ||eps - eps_theta||^2 with
    w_t = beta_t / (2 alpha_t (1 - alpha_bar_{t-1})) = (SNR(t-1) / SNR(t) - 1) / 2,
    SNR(t) = alpha_bar_t / (1 - alpha_bar_t) (Kingma et al., 2021). For t = 1,
    -log p(x_0 | x_1) = d/2 log(2 pi beta_1) + w_1 ||eps - eps_theta||^2 with
    w_1 = 1 / (2 alpha_bar_1). Ho et al.'s simplified loss drops the weights: w_t = 1.

    Parameters
    ----------
    alpha_bar : array_like, shape (T + 1,)

    Returns
    -------
    numpy.ndarray, shape (T + 1,), float64
        w_t for t = 0..T (w_0 = 0: no term).
    """
    alpha_bar = _check_schedule(alpha_bar)
    alpha, beta, _, previous = _coefficients(alpha_bar)
    weights = np.zeros_like(alpha_bar)
    weights[1] = 0.5 / alpha_bar[1]
    weights[2:] = beta[2:] / (2.0 * alpha[2:] * (1.0 - previous[2:]))
    return weights


def ideal_denoiser(centers, sigma, alpha_bar):
    """The best possible noise predictor for data from an equal mixture of N(c_k, sigma^2 I).

    The posterior mean E[eps | x_t]: given the component k, x_t ~ N(sqrt(alpha_bar_t) c_k,
    v_t I) with v_t = alpha_bar_t sigma^2 + 1 - alpha_bar_t, and
    E[eps | x_t, k] = sqrt(1 - alpha_bar_t) (x_t - sqrt(alpha_bar_t) c_k) / v_t; these are
    averaged with the components' posterior probabilities given x_t. It minimises the
    expected squared error at every step, so no network trained on such data can have a
    higher ELBO. One centre gives the linear denoiser of Gaussian data N(c, sigma^2 I).

    Parameters
    ----------
    centers : array_like, shape (k, d)
    sigma : float
        The components' standard deviation.
    alpha_bar : array_like, shape (T + 1,)

    Returns
    -------
    callable
        ``predict_noise(x_t, t)``: ``(m, d)`` and steps ``(m,)`` in, ``(m, d)`` out, as
        :func:`elbo_terms` takes it.
    """
    alpha_bar = _check_schedule(alpha_bar)
    centers = np.atleast_2d(np.asarray(centers, dtype="float64"))

    def predict_noise(x_t, t):
        x_t = np.asarray(x_t, dtype="float64")
        a = alpha_bar[_steps(t, len(x_t), len(alpha_bar) - 1, lowest=1)][:, None, None]
        variance = a * sigma**2 + 1.0 - a
        offsets = x_t[:, None, :] - np.sqrt(a) * centers[None]              # (m, k, d)
        logits = -0.5 * np.sum(offsets**2, axis=-1) / variance[:, :, 0]      # (m, k)
        weights = np.exp(logits - logits.max(axis=1, keepdims=True))
        weights /= weights.sum(axis=1, keepdims=True)
        return np.sum(weights[..., None] * np.sqrt(1.0 - a) * offsets / variance, axis=1)

    return predict_noise


@dataclass(frozen=True)
class ELBOTerms:
    """A diffusion model's ELBO, term by term, in nats per example.

    ELBO = reconstruction - denoising - prior, with

    - ``reconstruction``: log p_theta(x_0 | x_1), with x_1 ~ q(x_1 | x_0);
    - ``denoising``: sum over t = 2..T of KL(q(x_{t-1} | x_t, x_0) || p_theta(x_{t-1} | x_t)),
      x_t ~ q(x_t | x_0);
    - ``prior``: KL(q(x_T | x_0) || N(0, I)), in closed form.

    Attributes
    ----------
    reconstruction, denoising, prior : numpy.ndarray, shape (n,)
    """

    reconstruction: np.ndarray
    denoising: np.ndarray
    prior: np.ndarray

    @property
    def total(self):
        """The ELBO of each example, ``(n,)`` nats."""
        return self.reconstruction - self.denoising - self.prior

    @property
    def mean(self):
        """The average ELBO over the examples, nats."""
        return float(np.mean(self.total))

    @property
    def standard_error(self):
        """The standard error of :attr:`mean` (from the examples and their noise draws), nats."""
        return float(np.std(self.total, ddof=1) / math.sqrt(len(self.total)))


def elbo_terms(x, alpha_bar, predict_noise, *, n_samples=1, seed=None):
    """The ELBO of a diffusion model with noise predictor ``predict_noise``, term by term.

    Every step is computed for every example: the sum over t is exact, and only the noise
    draws (``n_samples`` per step and example) are Monte Carlo.

    Parameters
    ----------
    x : array_like, shape (n, d)
        The data x_0.
    alpha_bar : array_like, shape (T + 1,)
        The schedule (:func:`noise_schedule`).
    predict_noise : callable
        ``predict_noise(x_t, t)`` for ``x_t`` of shape (m, d) and ``t`` of shape (m,) returns
        the predicted noise eps_theta(x_t, t), shape (m, d).
    n_samples : int
        Noise draws per step and example.
    seed : int, optional

    Returns
    -------
    ELBOTerms
    """
    alpha_bar = _check_schedule(alpha_bar)
    check_count(n_samples, "noise draws per step")
    x = np.asarray(x, dtype="float64")
    if x.ndim != 2:
        raise ValueError(f"elbo_terms takes flat examples shaped (n, d), got {x.shape}.")
    rng = numpy_generator(seed)
    n, d = x.shape
    n_steps = len(alpha_bar) - 1
    _, beta, _, _ = _coefficients(alpha_bar)
    prior = ops.convert_to_numpy(gaussian_kl(np.sqrt(alpha_bar[-1]) * x,
                                             np.full_like(x, np.log1p(-alpha_bar[-1]))))
    reconstruction = np.zeros(n)
    denoising = np.zeros(n)
    for _ in range(n_samples):
        for t in range(1, n_steps + 1):
            steps = np.full(n, t)
            eps = rng.standard_normal(x.shape)
            x_t = diffuse(x, steps, alpha_bar, eps)
            mean = _predicted_mean(x_t, np.asarray(predict_noise(x_t, steps), "float64"),
                                   steps, alpha_bar)
            if t == 1:
                reconstruction += ops.convert_to_numpy(
                    log_normal(x, mean, np.full_like(x, np.log(beta[1]))))
            else:
                target, variance = posterior(x_t, x, steps, alpha_bar)
                denoising += 0.5 * np.sum((target - mean) ** 2, axis=1) / variance
    return ELBOTerms(reconstruction / n_samples, denoising / n_samples, np.asarray(prior))


@networks.serializable
class FourierFeatures(layers.Layer):
    """Each input u with its Fourier features sin(pi 2^k u), cos(pi 2^k u), k < n_frequencies.

    Features of growing frequency let a small MLP learn functions that change quickly with
    its input (Tancik et al., 2020): the denoiser of nearly clean data, and its dependence on
    the step t.

    Parameters
    ----------
    n_frequencies : int
        Frequencies pi, 2 pi, ..., pi 2^(n_frequencies - 1); 0 passes the input through.
    """

    def __init__(self, n_frequencies, **kwargs):
        super().__init__(**kwargs)
        self.n_frequencies = int(n_frequencies)

    def call(self, inputs):
        if not self.n_frequencies:
            return inputs
        frequencies = ops.convert_to_tensor(
            (np.pi * 2.0 ** np.arange(self.n_frequencies)).astype("float32"))
        angles = ops.expand_dims(inputs, -1) * frequencies
        shape = (-1, inputs.shape[-1] * self.n_frequencies)
        return ops.concatenate([inputs, ops.reshape(ops.sin(angles), shape),
                                ops.reshape(ops.cos(angles), shape)], axis=-1)

    def get_config(self):
        return {**super().get_config(), "n_frequencies": self.n_frequencies}


def build_noise_predictor(example_shape, *, hidden=(128, 128), input_frequencies=4,
                          time_frequencies=4, seed=None):
    """The noise predictor eps_theta(x_t, t): an MLP on Fourier features of x_t and of t / T.

    Parameters
    ----------
    example_shape : tuple of int
        ``(d,)``: flat examples.
    hidden : tuple of int
        Hidden layer sizes (SiLU activations).
    input_frequencies, time_frequencies : int
        Fourier frequencies of x_t and of t / T (:class:`FourierFeatures`).
    seed : int, optional
        Seeds the initial weights.

    Returns
    -------
    keras.Model
        Inputs ``[x_t (n, d), t / T (n, 1)]``, output the predicted noise ``(n, d)``.
    """
    example_shape = tuple(int(s) for s in example_shape)
    if len(example_shape) != 1:
        raise ValueError(f"The diffusion model takes flat examples, shaped (d,); got "
                         f"{example_shape}. Flatten them first, e.g. x.reshape(len(x), -1).")
    seeds = iter(spawn_seeds(seed, len(hidden) + 1))
    x_t = keras.Input(example_shape, name="x_t")
    time = keras.Input((1,), name="time")
    h = layers.Concatenate()([FourierFeatures(input_frequencies, name="x_features")(x_t),
                              FourierFeatures(time_frequencies, name="time_features")(time)])
    for i, units in enumerate(hidden):
        h = layers.Dense(units, activation="silu", name=f"hidden_{i}",
                         kernel_initializer=_initializer(next(seeds)))(h)
    noise = layers.Dense(example_shape[0], name="noise",
                         kernel_initializer=_initializer(next(seeds)))(h)
    return keras.Model([x_t, time], noise, name="noise_predictor")


def _initializer(seed):
    return "glorot_uniform" if seed is None else keras.initializers.GlorotUniform(seed)


@networks.serializable
class DiffusionModel(course_model.CourseModel):
    """A diffusion model on flat vectors: a hierarchical VAE whose encoder is fixed noise.

    Training draws, for each example, a step t uniform in 1..T and noise eps, forms
    x_t = sqrt(alpha_bar_t) x + sqrt(1 - alpha_bar_t) eps and scores the noise predictor's
    squared error ||eps - eps_theta(x_t, t)||^2:

    - ``objective="simple"`` (Ho et al., 2020): unweighted. The history logs
      ``reconstruction_loss`` (the error at t = 1, zero for the other examples) and
      ``denoising_loss`` (at t >= 2): loss = their sum, the squared error at a random step.
    - ``objective="elbo"``: weighted by T w_t (:func:`denoising_weights`) with the
      reconstruction's normaliser, plus the prior term, so that the loss is an unbiased
      one-step estimate of minus the ELBO: loss = ``reconstruction_loss`` (-T log p(x_0 | x_1)
      at t = 1) + ``denoising_loss`` (T KL_t at t >= 2) + ``prior_loss`` (exact).

    Parameters
    ----------
    network : keras.Model
        The noise predictor (:func:`build_noise_predictor`).
    n_steps : int
        T.
    schedule : {"cosine", "linear"}
        The noise schedule (:func:`noise_schedule`).
    objective : {"simple", "elbo"}
    seed : int, optional
        Seeds the steps and noise drawn while the model trains.
    """

    def __init__(self, network, *, n_steps=100, schedule="linear", objective="simple",
                 seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        check_choice(objective, OBJECTIVES, "objective")
        self.network = network
        self.n_steps = int(n_steps)
        self.schedule = schedule
        self.objective = objective
        self.alpha_bar = noise_schedule(self.n_steps, schedule=schedule)
        _, beta, _, _ = _coefficients(self.alpha_bar)
        self._beta_1 = float(beta[1])
        weights = denoising_weights(self.alpha_bar) if objective == "elbo" \
            else np.ones(self.n_steps + 1)
        constants = {"sqrt_alpha_bar": np.sqrt(self.alpha_bar),
                     "sqrt_one_minus": np.sqrt(1.0 - self.alpha_bar), "weights": weights}
        self._constants = {name: ops.convert_to_tensor(values.astype("float32"))
                           for name, values in constants.items()}
        self.noise_seed = keras.random.SeedGenerator(seed)
        self.denoising_loss_tracker = keras.metrics.Mean(name="denoising_loss")
        if objective == "elbo":
            self.prior_loss_tracker = keras.metrics.Mean(name="prior_loss")
        self.built = True

    @property
    def example_shape(self):
        """The shape of one example, ``(d,)``."""
        return tuple(self.network.inputs[0].shape[1:])

    def _time(self, t):
        """The network's time input, t / T shaped (n, 1)."""
        return ops.expand_dims(ops.cast(t, "float32") / float(self.n_steps), -1)

    def call(self, inputs, training=False):
        x = ops.cast(inputs, "float32")
        n = ops.shape(x)[0]
        t = keras.random.randint((n,), 1, self.n_steps + 1, seed=self.noise_seed)
        eps = keras.random.normal(ops.shape(x), seed=self.noise_seed)
        c = self._constants
        x_t = (ops.expand_dims(ops.take(c["sqrt_alpha_bar"], t), -1) * x
               + ops.expand_dims(ops.take(c["sqrt_one_minus"], t), -1) * eps)
        eps_hat = self.network([x_t, self._time(t)], training=training)
        return {"eps": eps, "eps_hat": eps_hat, "t": t, "target": x}

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        t, target = y_pred["t"], y_pred["target"]
        error = ops.sum(ops.square(y_pred["eps"] - ops.cast(y_pred["eps_hat"], "float32")), axis=-1)
        first = ops.cast(ops.equal(t, 1), "float32")
        weighted = ops.take(self._constants["weights"], t) * error
        if self.objective == "elbo":
            d = float(self.example_shape[0])
            scale = float(self.n_steps)
            normaliser = 0.5 * d * math.log(2 * math.pi * self._beta_1)
            reconstruction = scale * first * (weighted + normaliser)
            denoising = scale * (1.0 - first) * weighted
        else:
            reconstruction, denoising = first * weighted, (1.0 - first) * weighted
        terms = {"reconstruction": batch_mean(reconstruction, sample_weight=sample_weight),
                 "denoising": batch_mean(denoising, sample_weight=sample_weight)}
        if self.objective == "elbo":
            a_T = float(self.alpha_bar[-1])
            prior = gaussian_kl(math.sqrt(a_T) * target,
                                ops.full(ops.shape(target), math.log1p(-a_T)))
            terms["prior"] = batch_mean(prior, sample_weight=sample_weight)
        batch = ops.shape(target)[0]
        self.reconstruction_loss_tracker.update_state(terms["reconstruction"], sample_weight=batch)
        self.denoising_loss_tracker.update_state(terms["denoising"], sample_weight=batch)
        if self.objective == "elbo":
            self.prior_loss_tracker.update_state(terms["prior"], sample_weight=batch)
        loss = sum(terms.values())
        for penalty in self.losses:
            loss = loss + ops.cast(ops.sum(penalty), "float32")
        return loss

    def check_inputs(self, x, *, allow_empty=False):
        """Raise a ValueError that says how to fix examples that are empty (unless
        ``allow_empty``), not finite or of the wrong shape.

        Parameters
        ----------
        x : array_like or tensor
        allow_empty : bool
        """
        check_examples(x, self.example_shape, likelihood="gaussian", allow_empty=allow_empty)

    def keras_data(self, x, y=None, *, sample_weight=None):
        """Check ``x`` and return it as Keras' ``fit`` and ``evaluate`` take it.

        Parameters
        ----------
        x : array_like, tensor or dataset
        y : None
            The model takes no labels.
        sample_weight : array_like, optional

        Returns
        -------
        inputs, targets
        """
        if y is not None:
            raise ValueError("A diffusion model takes no labels y.")
        if is_array_like(x):
            self.check_inputs(x)
            targets = np.zeros(len(x), "float32") if sample_weight is not None else None
            return np.asarray(x, dtype="float32"), targets
        batch = first_batch(x) if x is not None and not isinstance(x, (list, tuple)) else None
        if batch is not None:
            self.check_inputs(batch)
        return x, y

    def predict_noise(self, x_t, t, *, batch_size=PREDICT_BATCH_SIZE):
        """The noise predictor's output eps_theta(x_t, t).

        Parameters
        ----------
        x_t : array_like, shape (n, d)
        t : int or array_like of int, shape (n,)
            Steps 1..T.
        batch_size : int

        Returns
        -------
        numpy.ndarray, shape (n, d)
        """
        self.check_inputs(x_t, allow_empty=True)
        t = _steps(t, len(x_t), self.n_steps, lowest=1)

        def batch(xb, tb):
            return self.network([ops.convert_to_tensor(xb), self._time(tb)])

        return in_batches(batch, x_t, t, batch_size=batch_size)

    def elbo(self, x, *, n_samples=1, seed=None):
        """The ELBO of each example, term by term (:func:`elbo_terms`).

        Parameters
        ----------
        x : array_like, shape (n, d)
        n_samples : int
            Noise draws per step and example.
        seed : int, optional

        Returns
        -------
        ELBOTerms
            Nats per example.
        """
        self.check_inputs(x)
        return elbo_terms(x, self.alpha_bar, self.predict_noise, n_samples=n_samples, seed=seed)

    def sample(self, n_samples, *, seed=None, draw=False):
        """Ancestral sampling: x_T ~ N(0, I), then x_{t-1} ~ p_theta(x_{t-1} | x_t) down to x_0.

        Parameters
        ----------
        n_samples : int
        seed : int, optional
        draw : bool
            Draw the last step x_0 ~ p_theta(x_0 | x_1) too; by default x_0 is its mean,
            as the other models' ``sample`` returns mean images (Ho et al. do the same).

        Returns
        -------
        numpy.ndarray, shape (n_samples, d)
        """
        check_count(n_samples, "points to sample")
        rng = numpy_generator(seed)
        _, beta, beta_tilde, _ = _coefficients(self.alpha_bar)
        x = rng.standard_normal((n_samples, *self.example_shape))
        for t in range(self.n_steps, 0, -1):
            steps = np.full(n_samples, t)
            mean = _predicted_mean(x, self.predict_noise(x, steps).astype("float64"), steps,
                                   self.alpha_bar)
            variance = beta_tilde[t] if t > 1 else (beta[1] if draw else 0.0)
            x = mean + math.sqrt(variance) * rng.standard_normal(x.shape)
        return x.astype("float32")

    def get_config(self):
        return {**super().get_config(),
                "network": keras.saving.serialize_keras_object(self.network),
                "n_steps": self.n_steps, "schedule": self.schedule, "objective": self.objective}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["network"] = keras.saving.deserialize_keras_object(config["network"])
        return cls(**config)


def make_diffusion_model(example_shape, *, n_steps=100, hidden=(128, 128), schedule="linear",
                         objective="simple", input_frequencies=4, time_frequencies=4, seed=None,
                         learning_rate=LEARNING_RATE, warmup_steps=WARMUP_STEPS):
    """Build and compile a :class:`DiffusionModel` with the course's defaults.

    Parameters
    ----------
    example_shape : tuple of int
        ``(d,)``, e.g. ``ring.example_shape``.
    n_steps : int
        T, the number of noising steps.
    hidden : tuple of int
        The noise predictor's hidden layer sizes.
    schedule : {"cosine", "linear"}
    objective : {"simple", "elbo"}
        Ho et al.'s unweighted noise error, or the ELBO's weighting (see :class:`DiffusionModel`).
    input_frequencies, time_frequencies : int
        Fourier frequencies of the noise predictor's inputs (:func:`build_noise_predictor`).
    seed : int, optional
        Seeds the initial weights and the draws while the model trains.
    learning_rate : float
    warmup_steps : int
        See :meth:`~vaelearn.course_model.CourseModel.compile_with_defaults`.

    Returns
    -------
    DiffusionModel
    """
    network_seed, model_seed = spawn_seeds(seed, 2)
    network = build_noise_predictor(example_shape, hidden=hidden,
                                    input_frequencies=input_frequencies,
                                    time_frequencies=time_frequencies, seed=network_seed)
    model = DiffusionModel(network, n_steps=n_steps, schedule=schedule, objective=objective,
                           seed=model_seed)
    model.compile_with_defaults(learning_rate=learning_rate, warmup_steps=warmup_steps)
    return model
