"""A debugging checklist for a trained VAE, as a tool: ``vl.diagnose(model, data)``.

Each check measures one way a VAE goes wrong, says whether it did, and for a problem names
the fix and the notebook that teaches it::

    report = vl.diagnose(vae, data)   # shows as a table in a notebook
    report.problems                   # one line per problem found; [] for a healthy model

The checks, in the order a fault shows up (a problem high in the table can cause those
below it, so fix the first one first):

1. finite weights and loss (notebook 05);
2. the encoder's log-variances within reach (notebook 04);
3. the reconstruction and KL terms weighed as the model's ``beta`` says (notebook 02);
4. the decoder's scale above a pixel level's width (notebook 12);
5. some of the code in use: active units (notebook 06);
6. samples as sharp as the data (notebook 12);
7. samples no nearer the training images than unseen ones (notebook 11).
"""

import html
import math
import numbers
from dataclasses import dataclass

import numpy as np

from .batching import in_batches, rows_per_pass
from .defaults import LOGISTIC_INITIAL_SCALE, PIXEL_LEVELS, PREDICT_BATCH_SIZE
from .metrics import ACTIVE_UNIT_THRESHOLD, active_units, nearest_neighbour_gap, sharpness
from .models import MIN_PREDICTED_LOG_SCALE
from .objectives import kl_penalty
from .randomness import numpy_generator
from .validation import check_examples, to_numpy

__all__ = ["Check", "Diagnosis", "diagnose"]

NOTEBOOKS = {
    "loss scale": "02_reconstruction_loss",
    "log-variance": "04_reparameterization_trick",
    "training": "05_vae_from_scratch",
    "collapse": "06_mode_collapse",
    "memorisation": "11_data_augmentation",
    "pixels": "12_your_own_images",
}

# Above +10, a posterior std beyond e^5 = 148 prior stds, for which the KL charges
# e^10 / 2 = 11,000 nats a dimension: no trained model pays that. Below -20, a std under
# e^-10 = 4.5e-5, a code pinned to a point the decoder cannot tell from its neighbours.
# Course models stay within [-12, +4] (measured on MNIST and the emoji, 2 to 16 dimensions,
# every likelihood: a sharp likelihood of 3,072 colour pixels buys the narrowest
# posteriors); an encoder whose output is read as a variance or a std, or that diverged,
# puts most of its values beyond. A handful beyond is no fault: more than 1% is.
_LOG_VAR_RANGE = (-20.0, 10.0)
_LOG_VAR_SHARE = 0.01
# Partial collapse is normal (Burda et al. found 20 of 50 dimensions active on MNIST), so
# only a code of fewer than two active units (none, for a 1-D code) is a problem: one number
# cannot carry what a set of images varies in.
_MIN_ACTIVE_UNITS = 2
# Averaging the reconstruction over pixels instead of summing it weighs the KL D times more
# (D = 784 for MNIST): orders of magnitude. A band of a factor 5 either way around the
# model's own beta misses no such slip and leaves room for estimates' rounding.
_BETA_BAND = 5.0
# A tenth of the width of one 8-bit level, 1 / 255: below it a logistic centred on a level
# puts 98.7% of its mass on that level, and a Gaussian's density at its mean exceeds 1,000.
# The model then claims to know pixels far better than their quantisation allows, and a
# continuous density can keep growing on pixels repeated exactly (a black background).
_SCALE_FLOOR = 0.1 / (PIXEL_LEVELS - 1)
# Sharpness is the Laplacian's energy (the variance-of-the-Laplacian focus measure), which
# blur removes fast. Prior samples of course models trained for 400 updates keep 7-40% of the
# data's (5-57% after only 100); the data's mean image keeps 0.6-0.7%, the data blurred by a
# Gaussian of 2 pixels 0.7-0.8%, of 1.5 pixels 2.2% (bundled MNIST and emoji). Samples' mean
# images are smoother than data by nature, so the bar sits between: a thirtieth.
_SHARPNESS_FRACTION = 1 / 30
# One-sided test on the mean gap at 3 standard errors: a false alarm 0.13% of the time (the
# normal tail; Student's t for few clusters, below) for a model whose samples owe nothing to
# the training images...
_GAP_FALSE_ALARM = 0.00135
# ...and the gap must be at least 5% of the samples' distance to their nearest unseen image:
# with hundreds of samples, a real but tiny pull towards the training images (any model
# that learned from them has one) is significant without being memorisation.
_GAP_MIN_EFFECT = 0.05
# The seen and unseen sets hold up to this many times n_examples images each: a sample
# copied from a training image is caught only if its source is among the seen.
_REFERENCE_FACTOR = 4

_REQUIRED = ("encoder", "decoder", "compute_loss", "decoder_log_likelihood", "sample")


@dataclass(frozen=True)
class Check:
    """One row of a :class:`Diagnosis`.

    Parameters
    ----------
    name : str
        What is checked.
    measured : str
        What was measured, with its unit.
    status : {"ok", "problem", "skipped"}
    finding : str
        One sentence: what is wrong, or why the check was skipped; empty when ok.
    fix : str
        What to change (problems only).
    notebook : str
        The notebook that teaches the fix (problems only), e.g. ``"06_mode_collapse"``.
    """

    name: str
    measured: str
    status: str
    finding: str = ""
    fix: str = ""
    notebook: str = ""


class Diagnosis:
    """The report of :func:`diagnose`: one :class:`Check` per row, shown as a table.

    Parameters
    ----------
    checks : sequence of Check
    """

    def __init__(self, checks):
        self.checks = tuple(checks)

    @property
    def problems(self):
        """One line per problem found, naming its fix and notebook; empty for a healthy model.

        Returns
        -------
        list of str
        """
        return [f"{c.name}: {c.finding} Fix: {c.fix} (notebook {c.notebook})"
                for c in self.checks if c.status == "problem"]

    def _caption(self):
        found = len(self.problems)
        return ("vl.diagnose: no problem found" if not found else
                f"vl.diagnose: {found} problem{'s' if found > 1 else ''} found; fix the first first")

    def _rows(self):
        for c in self.checks:
            result = c.status if c.status != "skipped" else f"skipped: {c.finding}"
            advice = f"{c.finding} {c.fix}" if c.status == "problem" else ""
            yield c.name, c.measured, result, advice, c.notebook

    def __repr__(self):
        headers = ("check", "measured", "result", "finding and fix", "notebook")
        rows = [headers, *self._rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(headers))]
        lines = [" | ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
        lines.insert(1, "-+-".join("-" * w for w in widths))
        return "\n".join([self._caption(), *lines])

    __str__ = __repr__

    def _repr_html_(self):
        headers = ("check", "measured", "result", "finding and fix", "notebook")
        head = "".join(f"<th style='text-align:left'>{h}</th>" for h in headers)
        body = "".join(
            "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(cell)}</td>"
                             for cell in row) + "</tr>" for row in self._rows())
        return (f"<table><caption style='text-align:left'>{html.escape(self._caption())}"
                f"</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def diagnose(model, data, *, n_examples=512, seed=None):
    """Run the course's debugging checklist on a trained VAE.

    Seven checks, each a number, a threshold and, for a problem, the fix and the notebook
    that teaches it:

    1. **finite**: every weight, and the model's loss on a batch, finite. If a weight is not,
       nothing else can be measured and the other checks are skipped.
    2. **log-variance**: the share of the encoder's ``z_log_var`` outside [-20, 10] (a
       posterior std below e^-10 or beyond e^5 prior stds); a problem above 1%.
    3. **loss scale**: the weights that the model's own loss (its ``compute_loss``, as Keras
       calls it in ``fit``) puts on the course's two terms, -log p(x|z) summed over pixels
       and the KL summed over latent dimensions. The loss is read on a batch three times,
       with made-up network outputs: the data themselves as the decoder's output and codes
       q(z|x) = N(0, 1); the output moved by 1; the codes' means moved to 2. Each move
       changes one of the course's terms by a known amount, and the change of the loss
       over it is that term's weight (exact for any loss linear in the two terms, whatever
       the networks learned); the KL's weight over the reconstruction's is the
       **effective beta**. A problem when it is more than 5 times larger or smaller than
       the model's own ``beta`` (1 for a model without one): averaging -log p(x|z) over D
       pixels instead of summing makes it D times larger (784 for MNIST). A deliberate beta
       is no problem: a course model built with ``beta=4`` or ``beta=64`` shows that
       effective beta and passes, and if its beta collapses the code, the active-unit check
       says so.
    4. **decoder scale**: a learned Gaussian std or logistic scale (the smallest channel's)
       below a tenth of one 8-bit level, 0.1 / 255: the likelihood claims to know pixels
       better than their quantisation allows (a continuous density can grow without bound
       on pixels repeated exactly). A fixed Gaussian std is reported, not judged: too large
       a one makes the model ignore its code, which the next check finds, naming the std.
    5. **active units**: latent dimensions whose posterior mean varies with x (variance over
       the examples above 0.01, :func:`~vaelearn.metrics.active_units`); a problem below 2
       (below 1 for a 1-D code). Some unused dimensions are normal.
    6. **sharpness** (images only): the energy of the Laplacian (the mean square of each
       pixel's difference from its 4 neighbours) of prior samples' mean images over the
       data's; a problem below 1/30, where the data's mean image and the data blurred by a
       Gaussian of 1.5 pixels or more fall (samples of course models keep 5-60%).
    7. **memorisation** (a Dataset only): the nearest-neighbour gap
       (:func:`~vaelearn.metrics.nearest_neighbour_gap`) of the samples between training
       images and as many test images; a problem when the mean gap is negative by more
       than 3 standard errors and by more than 5% of the samples' distance to their
       nearest test image. Samples with the same nearest training image count as one in
       the standard error, so that blurry samples crowding round one image are no evidence.

    Runs in a second or two on a CPU for a course model on 28x28 or 32x32x3 images.

    Parameters
    ----------
    model : vaelearn.models.VAE or vaelearn.models.ConditionalVAE
        Or any ``keras.Model`` with ``encoder`` (x, or [x, y] with ``n_classes``, ->
        [z_mean, z_log_var]), ``decoder``, ``decoder_log_likelihood(x, decoder_output)``,
        ``sample(n_samples, y=..., seed=...)`` and the course's ``compute_loss(x=...,
        y_pred=...)``, whose ``y_pred`` is a dict of ``"reconstruction"`` (the decoder's
        output), ``"z_mean"``, ``"z_log_var"`` and ``"target"``.
    data : vaelearn.data.Dataset or array_like of shape (n, *example_shape)
        A Dataset's test images are the examples (its training images are the memorisation
        test's seen set); a conditional model needs a Dataset, for its labels.
    n_examples : int
        Examples encoded and prior samples drawn; the memorisation test searches up to 4
        times as many training and test images.
    seed : int, optional
        Seeds the choice of examples, the posterior draws and the prior samples.

    Returns
    -------
    Diagnosis
        ``problems`` lists the findings, one line each; in a notebook it shows as a table.

    Raises
    ------
    TypeError
        For a model without the attributes above, or one without a posterior.
    ValueError
        For data of the wrong shape, or a conditional model given no labels.
    """
    _check_readable(model)
    if isinstance(n_examples, bool) or not isinstance(n_examples, numbers.Integral) or n_examples < 2:
        raise ValueError(f"n_examples must be a whole number of at least 2 (a variance needs "
                         f"two examples), got {n_examples!r}.")
    rng = numpy_generator(seed)
    x, y, seen, unseen = _examples(model, data, n_examples, rng)
    onehot = None if y is None else np.eye(model.n_classes, dtype="float32")[y]

    n_bad, n_weights = _non_finite_weights(model)
    if n_bad:
        finite = Check("finite weights and loss", f"{n_bad:,} of {n_weights:,} weights NaN or inf",
                       "problem", "The weights are not finite, so the model outputs NaN.",
                       "Train again from finite weights with a lower learning rate (fit's NaN "
                       "guard restores the last finite ones) and check the inputs for NaN.",
                       NOTEBOOKS["training"])
        names = ("log-variance", "loss scale", "decoder scale", "active units",
                 "sharpness of samples", "memorisation")
        return Diagnosis([finite] + [Check(name, "", "skipped", "the weights are not finite")
                                     for name in names])

    z_mean, z_log_var = _batched(model.encoder, x, onehot)
    loss = _loss(model, x, onehot, _posterior_outputs(model, x, onehot, z_mean, z_log_var, rng))
    samples = _samples(model, len(x), rng)
    return Diagnosis([
        _finite_check(loss, n_weights),
        _log_variance_check(z_log_var),
        _loss_scale_check(model, x, onehot) if np.isfinite(loss) else
        Check("loss scale", "", "skipped", "the loss is not finite"),
        _decoder_scale_check(model),
        _active_units_check(model, x, z_mean),
        _sharpness_check(x, samples),
        _memorisation_check(samples, seen, unseen),
    ])


# Reading the model and the data ----------------------------------------------------------

def _check_readable(model):
    missing = [name for name in _REQUIRED if not hasattr(model, name)]
    if missing:
        raise TypeError(
            f"diagnose reads a course VAE (vaelearn.models.VAE or ConditionalVAE, or a "
            f"keras.Model with {', '.join(_REQUIRED)}); this {type(model).__name__} has no "
            f"{', '.join(missing)}.")
    outputs = getattr(model.encoder, "outputs", None)
    if outputs is None or len(outputs) != 2:
        raise TypeError(
            f"diagnose needs a variational model, whose encoder returns [z_mean, z_log_var]; "
            f"the encoder of this {type(model).__name__} returns "
            f"{'an unknown output' if outputs is None else f'{len(outputs)} output(s)'}.")


def _example_shape(model):
    return tuple(model.encoder.inputs[0].shape[1:])


def _examples(model, data, n_examples, rng):
    """(x, integer labels or None, seen, unseen): the examples the checks read and the
    memorisation test's two sets (None for a bare array)."""
    conditional = getattr(model, "n_classes", None) is not None
    is_dataset = hasattr(data, "x_train") and hasattr(data, "x_test")
    if conditional and not is_dataset:
        raise ValueError(f"This {type(model).__name__} is conditional: pass the Dataset, whose "
                         "labels it needs, rather than an array of examples.")
    pool = to_numpy(data.x_test if is_dataset else data)
    likelihood = getattr(model, "likelihood", "bernoulli")
    check_examples(pool, _example_shape(model), unit_interval=likelihood != "gaussian",
                   likelihood=likelihood)
    chosen = rng.permutation(len(pool))[:n_examples]
    x = pool[chosen].astype("float32")
    y = np.asarray(data.y_test)[chosen].astype(int) if conditional else None
    if not is_dataset or len(data.x_train) == 0:
        return x, y, None, None
    size = min(len(data.x_train), len(data.x_test), _REFERENCE_FACTOR * n_examples)
    seen = to_numpy(data.x_train)[rng.permutation(len(data.x_train))[:size]]
    unseen = pool[rng.permutation(len(pool))[:size]]
    return x, y, seen, unseen


def _network_inputs(values, onehot):
    return values if onehot is None else [values, onehot]


def _batched(network, values, onehot):
    """``network`` over slices of ``values`` (and the one-hot labels of a conditional model)."""
    batch_size = rows_per_pass(network, PREDICT_BATCH_SIZE)
    if onehot is None:
        return in_batches(network, values, batch_size=batch_size)
    return in_batches(lambda vb, yb: network([vb, yb]), values, onehot, batch_size=batch_size)


def _posterior_outputs(model, x, onehot, z_mean, z_log_var, rng):
    """The course's ``y_pred`` for ``x``: one code z ~ q(z|x) each and its decoder output."""
    z = z_mean + np.exp(0.5 * z_log_var) * rng.standard_normal(z_mean.shape)
    output = _batched(model.decoder, z, onehot)
    return {"reconstruction": output, "z_mean": z_mean, "z_log_var": z_log_var, "target": x}


def _loss(model, x, onehot, y_pred):
    """The model's own loss on the batch ``x``, as ``fit`` computes it (a float)."""
    from keras import ops

    tensors = {key: ops.convert_to_tensor(value, "float32") for key, value in y_pred.items()}
    inputs = _network_inputs(ops.convert_to_tensor(x), onehot)
    value = model.compute_loss(x=inputs, y=None, y_pred=tensors, training=False)
    return float(ops.convert_to_numpy(value))


def _samples(model, n_samples, rng):
    """Mean images of prior samples (a conditional model's classes in turn)."""
    seed = int(rng.integers(2**31 - 1))
    if getattr(model, "n_classes", None) is None:
        return np.asarray(model.sample(n_samples, seed=seed), dtype="float64")
    y = np.arange(n_samples) % model.n_classes
    return np.asarray(model.sample(n_samples, y=y, seed=seed), dtype="float64")


def _beta(model):
    return float(to_numpy(model.beta)) if hasattr(model, "beta") else 1.0


def _decoder_output_like(model, values):
    """A decoder output whose means or locations are ``values``: with log-scales appended
    (one constant) for a decoder that predicts its scales."""
    if not getattr(model, "predicts_scale", False):
        return values
    log_scale = np.full(values.shape, math.log(LOGISTIC_INITIAL_SCALE), "float32")
    return np.concatenate([values, log_scale], axis=-1)


def _non_finite_weights(model):
    values = [np.asarray(to_numpy(w)) for w in model.weights]
    bad = sum(int(np.sum(~np.isfinite(v))) for v in values)
    return bad, sum(v.size for v in values)


# The checks --------------------------------------------------------------------------------

def _finite_check(loss, n_weights):
    measured = f"all {n_weights:,} weights finite; loss {loss:.4g} nats"
    if np.isfinite(loss):
        return Check("finite weights and loss", measured, "ok")
    return Check("finite weights and loss", measured, "problem",
                 "The loss on a batch of data is not finite, though the weights are.",
                 "Look for an exp() or log() overflowing in the loss (a log-variance read as "
                 "a variance, a log of 0), and lower the learning rate.", NOTEBOOKS["training"])


def _log_variance_check(z_log_var):
    low, high = _LOG_VAR_RANGE
    share = float(np.mean((z_log_var < low) | (z_log_var > high)))
    extreme = float(z_log_var.flat[np.argmax(np.abs(z_log_var))])
    measured = (f"{share:.1%} of log-variances outside [{low:g}, {high:g}] "
                f"(the most extreme {extreme:.3g})")
    if share <= _LOG_VAR_SHARE:
        return Check("log-variance", measured, "ok")
    return Check("log-variance", measured, "problem",
                 f"The encoder's z_log_var reaches {extreme:.3g}: posterior stds of "
                 f"e^{extreme / 2:.3g}, far from the prior's 1.",
                 "Read the encoder's second output as log sigma^2 (sigma = exp(0.5 * "
                 "z_log_var)), never as a variance or a std, and lower the learning rate.",
                 NOTEBOOKS["log-variance"])


def _loss_scale_check(model, x, onehot):
    from keras import ops

    beta = _beta(model)
    free_bits = float(getattr(model, "free_bits", 0.0))
    latent_shape = (len(x), int(model.decoder.inputs[0].shape[-1]))
    zeros = np.zeros(latent_shape, "float32")
    # The data as the decoder's output, then moved by 1: finite, and a large change in
    # -log p(x|z) for every likelihood of the course (logits, means or locations). The codes'
    # means moved to where each dimension's KL is 2 nats above the free bits.
    moved_mean = zeros + math.sqrt(2.0 * (2.0 + free_bits))
    output, moved_output = _decoder_output_like(model, x), _decoder_output_like(model, x + 1.0)
    probes = {"base": (output, zeros), "moved output": (moved_output, zeros),
              "moved codes": (output, moved_mean)}
    losses, terms = {}, {}
    for name, (output, z_mean) in probes.items():
        y_pred = {"reconstruction": output, "z_mean": z_mean, "z_log_var": zeros, "target": x}
        losses[name] = _loss(model, x, onehot, y_pred)
        reconstruction = -np.mean(to_numpy(model.decoder_log_likelihood(
            ops.convert_to_tensor(x), ops.convert_to_tensor(output))))
        kl = float(to_numpy(kl_penalty(z_mean, zeros, free_bits=free_bits)))
        terms[name] = (float(reconstruction), kl)
    reconstruction_weight = ((losses["moved output"] - losses["base"])
                             / (terms["moved output"][0] - terms["base"][0]))
    kl_weight = (losses["moved codes"] - losses["base"]) / (terms["moved codes"][1] - terms["base"][1])
    effective = kl_weight / reconstruction_weight if reconstruction_weight else math.inf
    measured = f"effective beta {effective:.3g} (the model's beta {beta:.3g})"
    if beta / _BETA_BAND <= effective <= beta * _BETA_BAND:
        return Check("loss scale", measured, "ok")
    pixels = math.prod(_example_shape(model))
    return Check("loss scale", measured, "problem",
                 f"The loss weighs the KL by {effective:.3g}, not the model's beta {beta:.3g} "
                 f"(weights {reconstruction_weight:.3g} on -log p(x|z) and {kl_weight:.3g} on "
                 f"the KL; averaging over the {pixels:,} pixels gives 1/{pixels:,}).",
                 "Sum -log p(x|z) over pixels and the KL over latent dimensions, then average "
                 "over the batch (vl.objectives.negative_elbo).", NOTEBOOKS["loss scale"])


def _decoder_scale_check(model):
    likelihood = getattr(model, "likelihood", None)
    if getattr(model, "predicts_scale", False):
        floor = math.exp(MIN_PREDICTED_LOG_SCALE)
        return Check("decoder scale", f"predicted per pixel, floored at {floor:.3g} "
                     f"({floor * (PIXEL_LEVELS - 1):.3g} pixel levels): it cannot collapse", "ok")
    if likelihood == "gaussian":
        scale = float(np.exp(to_numpy(model.decoder_log_std)))
        learned = getattr(model, "decoder_std", None) == "learned"
        what = f"Gaussian std {scale:.3g} ({scale * (PIXEL_LEVELS - 1):.3g} pixel levels)"
        if not learned:
            return Check("decoder scale", f"{what}, fixed", "ok")
        fix = ("Use likelihood='logistic', a probability of 8-bit pixels, or a fixed "
               "decoder_std (e.g. 0.1).")
    elif likelihood == "logistic":
        scale = float(np.min(np.exp(to_numpy(model.decoder_log_scale))))
        what = f"smallest logistic scale {scale:.3g} ({scale * (PIXEL_LEVELS - 1):.3g} pixel levels)"
        fix = ("Train on more images or for fewer updates, and compare the bits per dimension "
               "of training and test images (vl.evaluation.bits_per_dim).")
    else:
        reason = (f"a {likelihood} likelihood has no scale" if likelihood
                  else "the model names no likelihood")
        return Check("decoder scale", "", "skipped", reason)
    if scale >= _SCALE_FLOOR:
        return Check("decoder scale", what, "ok")
    return Check("decoder scale", what, "problem",
                 f"The decoder's scale has collapsed to {scale:.3g}, far below one 8-bit level "
                 "(1/255): the loss can keep falling while the samples do not improve.",
                 fix, NOTEBOOKS["pixels"])


def _active_units_check(model, x, z_mean):
    latent_dim = z_mean.shape[1]
    active = active_units(z_mean)
    measured = (f"{active} of {latent_dim} latent dimensions active (posterior mean's "
                f"variance over x above {ACTIVE_UNIT_THRESHOLD})")
    if active >= min(_MIN_ACTIVE_UNITS, latent_dim):
        return Check("active units", measured, "ok")
    fix = ("Anneal the KL (vl.training.KLAnnealing) or give each dimension free bits "
           "(make_vae(..., free_bits=0.5)).")
    notebook = NOTEBOOKS["collapse"]
    if getattr(model, "likelihood", None) == "gaussian" and model.decoder_std != "learned":
        std = float(np.exp(to_numpy(model.decoder_log_std)))
        beta = _beta(model)
        flat = x.reshape(len(x), -1).astype("float64")
        top_variance = np.linalg.svd(flat - flat.mean(axis=0), compute_uv=False)[0] ** 2 / (len(x) - 1)
        threshold = math.sqrt(top_variance / beta)
        if std > threshold:
            fix = (f"Lower decoder_std ({std:.3g}) below sqrt(lambda_1 / beta) = "
                   f"{threshold:.3g}, the std above which no direction of the data is worth "
                   "encoding, or learn it (decoder_std='learned').")
            notebook = NOTEBOOKS["loss scale"]
    return Check("active units", measured, "problem",
                 f"Posterior collapse: {active} of {latent_dim} dimensions carry information, "
                 "so the decoder ignores the code.", fix, notebook)


def _sharpness_check(x, samples):
    if x.ndim != 4 or min(x.shape[1:3]) < 3:
        return Check("sharpness of samples", "", "skipped", "the examples are not images")
    data_sharpness = float(np.mean(sharpness(x)))
    ratio = float(np.mean(sharpness(samples))) / data_sharpness if data_sharpness > 0 else math.inf
    measured = f"samples' sharpness {ratio:.1%} of the data's (energy of the Laplacian)"
    if ratio >= _SHARPNESS_FRACTION:
        return Check("sharpness of samples", measured, "ok")
    return Check("sharpness of samples", measured, "problem",
                 f"Prior samples are much blurrier than the data ({ratio:.1%} of its sharpness): "
                 "the decoder averages images.",
                 "Use a likelihood that fits the pixels (likelihood='logistic' for colour or "
                 "grey levels) and a convolutional decoder (arch='conv'), and train longer.",
                 NOTEBOOKS["pixels"])


def _memorisation_check(samples, seen, unseen):
    if seen is None:
        return Check("memorisation", "", "skipped", "needs a Dataset with test images")
    from scipy.stats import t as student_t
    from sklearn.metrics import pairwise_distances, pairwise_distances_argmin

    gap = nearest_neighbour_gap(samples, seen, unseen)
    flat = lambda a: np.asarray(a, "float64").reshape(len(a), -1)
    to_unseen = pairwise_distances(flat(samples), flat(unseen)).min(axis=1)
    # Samples that share their nearest training image count as one: a blurry model's samples
    # crowd round the few images nearest the data's mean, which fell in one split or the
    # other by chance, and that is no evidence of copying many.
    _, cluster, size = np.unique(pairwise_distances_argmin(flat(samples), flat(seen)),
                                 return_inverse=True, return_counts=True)
    cluster_gap = np.bincount(cluster, gap) / size
    relative = float(-cluster_gap.mean() / np.mean(np.bincount(cluster, to_unseen) / size))
    t_score, critical = 0.0, -math.inf
    if len(size) > 1 and cluster_gap.std() > 0:
        t_score = float(cluster_gap.mean() / (cluster_gap.std(ddof=1) / math.sqrt(len(size))))
        # Student's t for few clusters; 3 standard errors in the limit of many.
        critical = float(student_t.ppf(_GAP_FALSE_ALARM, len(size) - 1))
    evidence = (f"{abs(t_score):.1f} standard errors over {len(size)} nearest training images"
                if len(size) > 1 else "all nearest one training image: no evidence either way")
    measured = (f"samples {abs(relative):.1%} {'nearer' if relative >= 0 else 'farther from'} "
                f"the {len(seen):,} training images searched than unseen ones ({evidence})")
    if not (t_score < critical and relative > _GAP_MIN_EFFECT):
        return Check("memorisation", measured, "ok")
    return Check("memorisation", measured, "problem",
                 "Samples sit among the training images: the model copies what it saw.",
                 "Train on more images, for fewer updates, or with a smaller decoder; "
                 "hold out test images and stop when their ELBO stops improving.",
                 NOTEBOOKS["memorisation"])
