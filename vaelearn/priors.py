"""Priors over codes that are learned: the VampPrior and a Gaussian mixture, and the VAE that
trains with one.

The standard VAE's prior N(0, I) is fixed; the codes its encoder uses, the **aggregate
posterior** q(z) = (1/N) sum_n q(z|x_n), need not fill it, and prior draws that land where
no code lives (a "hole") decode to poor images. For a fixed encoder the prior that maximises
the average ELBO is q(z) itself; a learned prior moves towards it:

- a **mixture prior**: p(z) = (1/K) sum_k N(z; m_k, diag(exp(v_k))) with learned means m_k
  and log-variances v_k;
- the **VampPrior** (Tomczak & Welling, 2018): p(z) = (1/K) sum_k q(z|u_k), the encoder's own
  posteriors at K learned **pseudo-inputs** u_k, a K-component stand-in for the N-component
  q(z). Each training step passes the K pseudo-inputs through the encoder.

Typical use::

    vae = make_learned_prior_vae(data.example_shape, prior="vamp", n_components=50,
                                 pseudo_inputs=data.x_train[:50], latent_dim=8, seed=0)
    vae.fit(data.x_train, epochs=10)
    images = vae.sample(16, seed=1)               # codes drawn from the learned prior
    log_p = vae.prior().log_prob(z)               # log p(z), nats

    q = aggregate_posterior(vae, data.x_train)    # the codes' mixture, a GaussianMixture
    surgery = elbo_surgery(vae, data.x_train, seed=0)   # average KL = I_q(x; z) + KL(q(z) || p(z))

The KL term of a mixture prior has no closed form: :class:`LearnedPriorVAE` trains on its
Monte Carlo estimate log q(z|x) - log p(z) at the reparameterised draw z, whose expectation
is the KL. :func:`vaelearn.evaluation.elbo` and :func:`~vaelearn.evaluation.iwae_bound`
score a model with its own ``log_prior``.
"""

import math
from dataclasses import dataclass

import keras
import numpy as np
from keras import ops
from scipy.special import logsumexp

from . import networks
from .defaults import HIDDEN, LEARNING_RATE, WARMUP_STEPS
from .models import VAE
from .objectives import LOG_2PI, batch_mean, log_normal
from .randomness import numpy_generator, spawn_seeds
from .validation import check_choice, check_count

__all__ = ["PRIORS", "ElboSurgery", "GaussianMixture", "HoleShare", "LearnedPriorVAE",
           "aggregate_posterior", "elbo_surgery", "hole_share", "make_learned_prior_vae",
           "mixture_log_prob", "prior_of", "sampled_kl"]

PRIORS = ("vamp", "mixture")
# Points per slice when a NumPy mixture density is evaluated: slices of points x components x
# latent_dim floats stay a few tens of megabytes.
_POINTS_PER_SLICE = 256


def mixture_log_prob(z, means, log_vars):
    """log p(z) of an equally weighted mixture of diagonal Gaussians, as ``keras.ops``:
    log (1/K) sum_k N(z; means_k, diag(exp(log_vars_k))), by a log-sum-exp (never the log
    of a sum of densities, which underflows to -inf far from every component).

    Parameters
    ----------
    z : tensor or array_like, shape (..., latent_dim)
    means, log_vars : tensor or array_like, shape (K, latent_dim)

    Returns
    -------
    tensor, shape (...)
        Nats; differentiable with respect to all three.
    """
    z = ops.convert_to_tensor(z, dtype="float32")
    means = ops.convert_to_tensor(means, dtype="float32")
    log_vars = ops.convert_to_tensor(log_vars, dtype="float32")
    n_components, latent_dim = means.shape
    lead = ops.shape(z)[:-1]
    flat = ops.reshape(z, (-1, latent_dim))
    per_component = log_normal(flat[:, None, :], means[None], log_vars[None])  # (m, K)
    log_p = ops.logsumexp(per_component, axis=1) - math.log(n_components)
    return ops.reshape(log_p, lead)


def sampled_kl(z, z_mean, z_log_var, log_prior):
    """The one-draw Monte Carlo estimate of KL(q(z|x) || p(z)): log q(z|x) - log p(z) at a
    draw z ~ q(z|x). Its expectation over the draw is the KL; with the reparameterised draw
    its gradient is an unbiased estimate of the KL's.

    Parameters
    ----------
    z : tensor, shape (n, latent_dim)
        One draw from each posterior.
    z_mean, z_log_var : tensor, shape (n, latent_dim)
        The posteriors.
    log_prior : callable
        Maps codes ``(n, latent_dim)`` to log p(z) ``(n,)``, in nats.

    Returns
    -------
    tensor, shape (n,)
        Nats per example (a single draw's estimate can be negative).
    """
    return log_normal(z, z_mean, z_log_var) - log_prior(z)


class GaussianMixture:
    """An equally weighted mixture of K diagonal Gaussians, in NumPy (float64):
    p(z) = (1/K) sum_k N(z; means_k, diag(exp(log_vars_k))).

    A learned prior (:meth:`LearnedPriorVAE.prior`), the standard normal (K = 1, means and
    log-variances 0) and a model's aggregate posterior (:func:`aggregate_posterior`, one
    component per training example) are all of this kind.

    Parameters
    ----------
    means, log_vars : array_like, shape (K, latent_dim)
    """

    def __init__(self, means, log_vars):
        self.means = np.asarray(means, dtype="float64")
        self.log_vars = np.asarray(log_vars, dtype="float64")
        if self.means.ndim != 2 or self.means.shape != self.log_vars.shape or not len(self.means):
            raise ValueError(f"means and log_vars must have one shape (K, latent_dim) with K >= 1; "
                             f"got {self.means.shape} and {self.log_vars.shape}.")

    @classmethod
    def standard_normal(cls, latent_dim):
        """N(0, I) as a one-component mixture.

        Parameters
        ----------
        latent_dim : int

        Returns
        -------
        GaussianMixture
        """
        return cls(np.zeros((1, latent_dim)), np.zeros((1, latent_dim)))

    @property
    def n_components(self):
        """K, the number of components."""
        return len(self.means)

    @property
    def latent_dim(self):
        """The number of dimensions of a code."""
        return self.means.shape[1]

    def log_prob(self, z, *, leave_out=None):
        """log p(z) of each code.

        Parameters
        ----------
        z : array_like, shape (n, latent_dim)
        leave_out : array_like of int, shape (n,), optional
            For each code, a component left out of its mixture, which is then the mean of
            the other K - 1: the leave-one-out density of a code drawn from that component.

        Returns
        -------
        numpy.ndarray, shape (n,)
            Nats, float64.
        """
        z = np.asarray(z, dtype="float64")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"Codes must be shaped (n, {self.latent_dim}); got {z.shape}.")
        if leave_out is not None:
            leave_out = np.asarray(leave_out)
            if leave_out.shape != (len(z),) or self.n_components < 2:
                raise ValueError("leave_out needs one component index per code and a mixture "
                                 "of at least 2 components.")
        precision = np.exp(-self.log_vars)
        constant = -0.5 * (self.latent_dim * LOG_2PI + self.log_vars.sum(axis=1))  # (K,)
        out = np.empty(len(z))
        for start in range(0, len(z), _POINTS_PER_SLICE):
            part = z[start:start + _POINTS_PER_SLICE]
            squares = np.einsum("mkd,kd->mk", (part[:, None, :] - self.means[None]) ** 2, precision)
            log_components = constant - 0.5 * squares
            if leave_out is not None:
                rows = np.arange(len(part))
                log_components[rows, leave_out[start:start + len(part)]] = -np.inf
            out[start:start + len(part)] = logsumexp(log_components, axis=1)
        return out - math.log(self.n_components - (leave_out is not None))

    def sample(self, n_samples, *, temperature=1.0, seed=None):
        """Draw codes: a component chosen uniformly, then a draw from it with its standard
        deviations scaled by ``temperature``.

        Parameters
        ----------
        n_samples : int
        temperature : float
            Scales each component's spread (1: the mixture itself); the components' means
            stay where they are.
        seed : int or numpy.random.Generator, optional

        Returns
        -------
        numpy.ndarray, shape (n_samples, latent_dim)
            float32.
        """
        check_count(n_samples, "codes to sample")
        rng = numpy_generator(seed)
        k = rng.integers(self.n_components, size=n_samples)
        eps = rng.standard_normal((n_samples, self.latent_dim))
        return (self.means[k] + temperature * np.exp(0.5 * self.log_vars[k]) * eps).astype("float32")

    def __repr__(self):
        return f"GaussianMixture(n_components={self.n_components}, latent_dim={self.latent_dim})"


@networks.serializable
class LearnedPriorVAE(VAE):
    """A VAE whose prior p(z) is learned with it: a VampPrior or a Gaussian mixture.

    loss = reconstruction_loss + beta * kl_loss, where kl_loss is the batch mean of
    log q(z|x) - log p(z) at the reparameterised draw z that the reconstruction uses
    (:func:`sampled_kl`): an unbiased estimate of KL(q(z|x) || p(z)), which has no closed
    form for a mixture. The prior's parameters get their gradients from this term alone.

    - ``prior="vamp"``: p(z) = (1/K) sum_k q(z|u_k), the encoder's posteriors at K learned
      pseudo-inputs u_k, a weight ``pseudo_inputs`` shaped ``(K, *example_shape)`` (values
      are not constrained to the data's range). Every step runs the encoder on them.
    - ``prior="mixture"``: p(z) = (1/K) sum_k N(z; m_k, diag(exp(v_k))), with weights
      ``prior_means`` and ``prior_log_vars`` shaped ``(K, latent_dim)``.

    Parameters
    ----------
    encoder, decoder : keras.Model
        Unconditional networks, as :class:`~vaelearn.models.VAE` takes.
    prior : {"vamp", "mixture"}
    n_components : int
        K: pseudo-inputs of a VampPrior, components of a mixture.
    beta, likelihood, decoder_std, binarize, seed
        As in :class:`~vaelearn.models.VAE`. ``seed`` also seeds the initial pseudo-inputs
        (uniform in [0, 1]) or the initial means (standard normal); the factory
        :func:`make_learned_prior_vae` can set them.
    """

    def __init__(self, encoder, decoder, *, prior="vamp", n_components=50, **kwargs):
        if kwargs.get("n_classes") is not None:
            raise ValueError("A learned prior here is unconditional: build it without n_classes.")
        if kwargs.get("free_bits", 0.0):
            raise ValueError("free_bits acts on each dimension of a factorised KL; the KL against "
                             "a mixture prior does not factorise. Use free_bits=0.")
        super().__init__(encoder, decoder, **kwargs)
        check_choice(prior, PRIORS, "prior")
        check_count(n_components, "prior components")
        self.prior_kind = prior
        self.n_components = int(n_components)
        init_seed = None if self.seed is None else self.seed + 2
        if prior == "vamp":
            self.pseudo_inputs = self.add_weight(
                shape=(self.n_components, *self.example_shape), name="pseudo_inputs",
                initializer=keras.initializers.RandomUniform(0.0, 1.0, seed=init_seed))
        else:
            self.prior_means = self.add_weight(
                shape=(self.n_components, self.latent_dim), name="prior_means",
                initializer=keras.initializers.RandomNormal(0.0, 1.0, seed=init_seed))
            self.prior_log_vars = self.add_weight(
                shape=(self.n_components, self.latent_dim), name="prior_log_vars",
                initializer="zeros")

    def prior_components(self):
        """The prior's components as tensors: the posteriors q(z|u_k) of the pseudo-inputs
        (VampPrior) or the learned means and log-variances (mixture).

        Returns
        -------
        means, log_vars : tensor, shape (n_components, latent_dim)
        """
        if self.prior_kind == "vamp":
            means, log_vars = self.encoder(self.pseudo_inputs)
            return means, log_vars
        return self.prior_means, self.prior_log_vars

    def log_prior(self, z):
        """log p(z) under the learned prior, as ``keras.ops`` (differentiable).

        Parameters
        ----------
        z : tensor or array_like, shape (..., latent_dim)

        Returns
        -------
        tensor, shape (...)
            Nats.
        """
        return mixture_log_prob(z, *self.prior_components())

    def prior(self):
        """The learned prior as it is now, in NumPy.

        Returns
        -------
        GaussianMixture
            ``log_prob(z)`` and ``sample(n_samples, seed=...)``.
        """
        means, log_vars = self.prior_components()
        return GaussianMixture(ops.convert_to_numpy(means), ops.convert_to_numpy(log_vars))

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        log_likelihood = self.decoder_log_likelihood(y_pred["target"], y_pred["reconstruction"])
        z_mean, z_log_var = ops.cast(y_pred["z_mean"], "float32"), ops.cast(y_pred["z_log_var"], "float32")
        # The draw the reconstruction used; a caller that passes none (vaelearn.diagnose) gets a fresh one.
        z = ops.cast(y_pred["z"], "float32") if "z" in y_pred else self.sampling([z_mean, z_log_var])
        reconstruction = batch_mean(-ops.cast(log_likelihood, "float32"), sample_weight=sample_weight)
        kl = batch_mean(sampled_kl(z, z_mean, z_log_var, self.log_prior), sample_weight=sample_weight)
        batch = ops.shape(y_pred["target"])[0]
        self.reconstruction_loss_tracker.update_state(reconstruction, sample_weight=batch)
        self.kl_loss_tracker.update_state(kl, sample_weight=batch)
        loss = reconstruction + ops.cast(self.beta, "float32") * kl
        for penalty in self.losses:
            loss = loss + ops.cast(ops.sum(penalty), "float32")
        return loss

    def sample(self, n_samples, *, y=None, temperature=1.0, seed=None, draw=False):
        """Decode ``n_samples`` codes drawn from the learned prior: their mean images, or with
        ``draw=True`` one draw x ~ p(x|z) each.

        Parameters
        ----------
        n_samples : int
            Images to draw.
        y : None
            This model takes no labels.
        temperature : float
            Scales the spread of each component of the prior (:meth:`GaussianMixture.sample`).
        seed : int, optional
        draw : bool
            Return one draw x ~ p(x|z) per code instead of the mean image.

        Returns
        -------
        numpy.ndarray, shape (n_samples, *example_shape)
        """
        rng = numpy_generator(seed)
        z = self.prior().sample(n_samples, temperature=temperature, seed=rng)
        return self.draw(z, y, seed=rng) if draw else self.decode(z, y)

    def get_config(self):
        config = super().get_config()
        config.pop("free_bits", None)
        return {**config, "prior": self.prior_kind, "n_components": self.n_components}


def make_learned_prior_vae(example_shape, *, prior="vamp", n_components=50, pseudo_inputs=None,
                           latent_dim=2, arch="mlp", hidden=HIDDEN, beta=1.0,
                           likelihood="bernoulli", decoder_std=1.0, binarize=False, seed=None,
                           learning_rate=LEARNING_RATE, warmup_steps=WARMUP_STEPS):
    """Build and compile a :class:`LearnedPriorVAE` with the networks of
    :func:`~vaelearn.models.make_vae` (the same ``seed`` gives the same initial networks).

    Parameters
    ----------
    example_shape : tuple of int
    prior : {"vamp", "mixture"}
    n_components : int
        K: pseudo-inputs of a VampPrior, components of a mixture.
    pseudo_inputs : array_like, shape (n_components, *example_shape), optional
        The VampPrior's initial pseudo-inputs, e.g. K training examples (Tomczak & Welling
        initialise them from data or at random); default uniform noise in [0, 1], seeded.
    latent_dim, arch, hidden, beta, likelihood, decoder_std, binarize
        As in :func:`~vaelearn.models.make_vae`.
    seed : int, optional
        Seeds the initial weights and the model's draws while it trains.
    learning_rate, warmup_steps
        As in :func:`~vaelearn.models.make_vae`.

    Returns
    -------
    LearnedPriorVAE
    """
    encoder_seed, decoder_seed, model_seed = spawn_seeds(seed, 3)
    encoder = networks.build_encoder(example_shape, latent_dim, seed=encoder_seed, arch=arch,
                                     hidden=hidden)
    decoder_channels = example_shape[-1] * (2 if decoder_std == "predicted" else 1)
    decoder = networks.build_decoder(latent_dim, (*example_shape[:-1], decoder_channels),
                                     seed=decoder_seed, arch=arch, hidden=hidden)
    vae = LearnedPriorVAE(encoder, decoder, prior=prior, n_components=n_components, beta=beta,
                          likelihood=likelihood, decoder_std=decoder_std, binarize=binarize,
                          seed=model_seed)
    if pseudo_inputs is not None:
        if prior != "vamp":
            raise ValueError("pseudo_inputs are a VampPrior's; a mixture prior has none.")
        pseudo_inputs = np.asarray(pseudo_inputs, dtype="float32")
        wanted = (vae.n_components, *vae.example_shape)
        if pseudo_inputs.shape != wanted:
            raise ValueError(f"pseudo_inputs must be shaped {wanted}; got {pseudo_inputs.shape}.")
        vae.pseudo_inputs.assign(pseudo_inputs)
    vae.compile_with_defaults(learning_rate=learning_rate, warmup_steps=warmup_steps)
    return vae


# Measuring the prior hole ---------------------------------------------------------------------


def prior_of(model):
    """A model's prior as a :class:`GaussianMixture`: its learned one, or N(0, I).

    Parameters
    ----------
    model : vaelearn.models.VAE or LearnedPriorVAE

    Returns
    -------
    GaussianMixture
    """
    return model.prior() if hasattr(model, "prior") else GaussianMixture.standard_normal(model.latent_dim)


def aggregate_posterior(model, x):
    """The aggregate posterior q(z) = (1/N) sum_n q(z|x_n) of the examples ``x``: the
    distribution of the codes the encoder actually uses, one component per example.

    Parameters
    ----------
    model : vaelearn.models.VAE
    x : array_like, shape (N, *model.example_shape)

    Returns
    -------
    GaussianMixture
    """
    return GaussianMixture(*model.encode(x))


@dataclass(frozen=True)
class ElboSurgery:
    """The average KL term split as average_kl = mutual_information + marginal_kl
    (Hoffman & Johnson, 2016), in nats per example.

    ``marginal_kl`` estimates KL(q(z) || p(z)), the prior hole's price in the bound, with
    ``marginal_kl_se`` its Monte Carlo standard error; ``mutual_information`` is I_q(x; z),
    at most log N.
    """

    average_kl: float
    mutual_information: float
    marginal_kl: float
    marginal_kl_se: float
    n_examples: int


def elbo_surgery(model, x, *, prior=None, seed=None):
    """Split the average KL term into the information the codes carry and the prior's misfit:
    E_n KL(q(z|x_n) || p(z)) = I_q(x; z) + KL(q(z) || p(z)), with q(z) the aggregate
    posterior of the N examples ``x`` (Hoffman & Johnson, 2016).

    One draw z_n ~ q(z|x_n) per example; each term is the mean over n of
    log q(z_n|x_n) - log p(z) (the average KL), log q(z_n|x_n) - log q(z_n) (I_q) and
    log q(z_n) - log p(z_n) (the marginal KL), with q(z_n) the exact N-component mixture and
    p the model's own prior (:func:`prior_of`) unless ``prior`` names another. The marginal KL is an unbiased estimate of
    KL(q_N(z) || p(z)) for the mixture of these N examples, but q_N is peakier than the
    aggregate posterior of the whole data distribution (its I_q cannot exceed log N), so as
    an estimate of that population quantity it is biased upwards, less so as N grows.

    Parameters
    ----------
    model : vaelearn.models.VAE or LearnedPriorVAE
    x : array_like, shape (N, *model.example_shape)
    prior : GaussianMixture, optional
        The prior p to split the KL against (default: the model's own).
    seed : int, optional

    Returns
    -------
    ElboSurgery
    """
    z_mean, z_log_var = model.encode(x)
    rng = numpy_generator(seed)
    z = z_mean + np.exp(0.5 * z_log_var) * rng.standard_normal(z_mean.shape)
    log_posterior = ops.convert_to_numpy(log_normal(z, z_mean, z_log_var)).astype("float64")
    log_aggregate = GaussianMixture(z_mean, z_log_var).log_prob(z)
    log_prior = (prior_of(model) if prior is None else prior).log_prob(z)
    marginal = log_aggregate - log_prior
    return ElboSurgery(average_kl=float(np.mean(log_posterior - log_prior)),
                       mutual_information=float(np.mean(log_posterior - log_aggregate)),
                       marginal_kl=float(marginal.mean()),
                       marginal_kl_se=float(marginal.std(ddof=1) / math.sqrt(len(z))),
                       n_examples=len(z))


@dataclass(frozen=True)
class HoleShare:
    """The share of prior draws that land in the aggregate posterior's holes, with its
    binomial standard error, the density level that defines a hole (nats) and the share a
    prior equal to the aggregate posterior would give (``1 - coverage``)."""

    share: float
    standard_error: float
    threshold: float
    expected_without_hole: float


def hole_share(aggregate, prior_codes, *, held_out_codes=None, coverage=0.95, seed=None):
    """How often prior draws land where the codes do not: the share of ``prior_codes`` whose
    aggregate-posterior density is below the level that ``coverage`` of held-out codes
    exceed.

    The level t is the (1 - coverage) quantile of log q(z) over held-out codes: by default
    one draw from each component of ``aggregate`` (each example's posterior) scored by the
    mixture of the *other* N - 1 components (leave-one-out, so that a code is not judged by
    its own posterior), or ``held_out_codes``, draws from the posteriors of examples that are
    not components. A prior that equals the aggregate posterior puts about 1 - coverage of
    its draws below t; a prior with holes more.

    Parameters
    ----------
    aggregate : GaussianMixture
        The aggregate posterior of the training examples (:func:`aggregate_posterior`).
    prior_codes : array_like, shape (m, latent_dim)
        Draws from the prior being judged.
    held_out_codes : array_like, shape (n, latent_dim), optional
        Draws from the posteriors of held-out examples.
    coverage : float
        The share of held-out codes above the level.
    seed : int, optional
        Seeds the leave-one-out draws.

    Returns
    -------
    HoleShare
        ``standard_error`` combines the binomial error of the share over the m draws and
        that of the level's quantile over the n held-out codes,
        sqrt(s (1 - s) / m + coverage (1 - coverage) / n): exact for a prior equal to q(z),
        approximate otherwise.
    """
    if not 0.0 < coverage < 1.0:
        raise ValueError(f"coverage must lie strictly between 0 and 1, got {coverage}.")
    if held_out_codes is None:
        rng = numpy_generator(seed)
        held_out_codes = aggregate.means + np.exp(0.5 * aggregate.log_vars) * rng.standard_normal(
            aggregate.means.shape)
        reference = aggregate.log_prob(held_out_codes, leave_out=np.arange(aggregate.n_components))
    else:
        reference = aggregate.log_prob(held_out_codes)
    threshold = float(np.quantile(reference, 1.0 - coverage))
    below = aggregate.log_prob(prior_codes) < threshold
    share = float(below.mean())
    error = math.sqrt(share * (1 - share) / len(below) + coverage * (1 - coverage) / len(reference))
    return HoleShare(share=share, standard_error=error, threshold=threshold,
                     expected_without_hole=1.0 - coverage)
