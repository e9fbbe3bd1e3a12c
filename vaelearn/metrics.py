"""Numbers that describe a trained VAE: latent usage, information, coverage, diversity,
disentanglement, and log-likelihoods in bits per dimension.

Plain NumPy arrays in, floats or arrays out; nothing here needs the model itself.
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp
from sklearn.metrics import pairwise_distances

from .defaults import PIXEL_LEVELS
from .randomness import numpy_generator

__all__ = ["ACTIVE_UNIT_THRESHOLD", "ModeCoverage", "PrecisionRecall", "active_units",
           "bits_per_dim_from_nats", "codebook_perplexity", "codebook_usage", "dead_codes",
           "factor_information", "fit_judge", "frechet_distance",
           "histogram_bits_per_dim", "judge_confidence", "judge_features", "kl_per_dimension",
           "latent_activity", "mode_coverage", "mutual_information", "mutual_information_gap",
           "nearest_neighbour_gap", "precision_recall", "sample_diversity", "sharpness"]

ACTIVE_UNIT_THRESHOLD = 0.01


def bits_per_dim_from_nats(log_likelihood, example_shape, *, continuous=False):
    """Log-likelihoods in nats per example as bits per dimension, the unit image models report.

    Discrete (a probability of 8-bit pixels): -log p(x) / (D ln 2), D = prod(example_shape).
    Continuous (a density over [0, 1]^D): the density of the same pixels on the 0..255 scale,
    where each level owns a bin of width 1 out of [0, 256): -(log p(x) - D ln 256) / (D ln 2)
    (Theis et al., 2016; Papamakarios et al., 2017). A uniform probability over the 256 levels
    and a uniform density on [0, 1]^D are both 8 bits per dimension.

    Parameters
    ----------
    log_likelihood : array_like, shape (n,)
        log p(x) of each example, in nats.
    example_shape : tuple of int
        The shape of one example, whose size is D.
    continuous : bool
        Whether ``log_likelihood`` is a density over [0, 1]^D rather than a probability.

    Returns
    -------
    numpy.ndarray, shape (n,)
        Bits per dimension, float64.
    """
    n_dims = math.prod(example_shape)
    log_likelihood = np.asarray(log_likelihood, dtype="float64")
    if continuous:
        log_likelihood = log_likelihood - n_dims * math.log(PIXEL_LEVELS)
    return -log_likelihood / (n_dims * math.log(2.0))


def histogram_bits_per_dim(reference, x, *, n_levels=PIXEL_LEVELS, pseudocount=0.5):
    """Bits per dimension of ``x`` under the simplest model of 8-bit images: every pixel of
    every channel independent, with the levels' frequencies at that position in
    ``reference``.

    The baseline a likelihood model of images must beat: it knows what each pixel tends to
    be, and nothing about how pixels go together. Each position's histogram adds
    ``pseudocount`` to every level's count (0.5: the Krichevsky-Trofimov estimate), so that
    a level never seen there is improbable, not impossible.

    Parameters
    ----------
    reference : array_like, shape (m, *example_shape)
        The images the histograms are counted on (a training split), in [0, 1].
    x : array_like, shape (n, *example_shape)
        The images scored (a test split).
    n_levels : int
        The levels of a pixel: 256 for 8-bit images, read as round(value * (n_levels - 1)).
    pseudocount : float
        Added to every level's count at every position.

    Returns
    -------
    numpy.ndarray, shape (n,)
        Bits per dimension of each image of ``x``.
    """
    steps = n_levels - 1
    levels = lambda a: np.clip(np.rint(np.asarray(a, dtype="float64") * steps), 0, steps).astype(
        np.int64).reshape(len(a), -1)
    seen, scored = levels(reference), levels(x)
    positions = np.arange(seen.shape[1])
    counts = np.zeros((seen.shape[1], n_levels))
    np.add.at(counts, (np.broadcast_to(positions, seen.shape), seen), 1.0)
    log_p = np.log(counts[positions, scored] + pseudocount) - math.log(len(seen) + n_levels * pseudocount)
    return -log_p.sum(axis=1) / (seen.shape[1] * math.log(2.0))


def sharpness(x):
    """The detail in each image: the mean square of its 4-neighbour Laplacian over the
    interior pixels, all channels.

    Blur lowers it (a Gaussian blur of 1 pixel leaves the bundled emoji about a tenth of
    theirs), and so does averaging images; compare generated images with real ones by the
    ratio of their means.

    Parameters
    ----------
    x : array_like, shape (n, H, W, C)
        Images, H and W at least 3.

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    x = np.asarray(x, dtype="float64")
    laplacian = (4 * x[:, 1:-1, 1:-1] - x[:, :-2, 1:-1] - x[:, 2:, 1:-1]
                 - x[:, 1:-1, :-2] - x[:, 1:-1, 2:])
    return np.mean(laplacian ** 2, axis=(1, 2, 3))


def latent_activity(z_mean):
    """A_j = Var_x(mu_j(x)) for each latent dimension j (Burda et al., 2015).

    Parameters
    ----------
    z_mean : array_like, shape (n, d)
        Posterior means of n examples.

    Returns
    -------
    numpy.ndarray, shape (d,)
    """
    return np.var(np.asarray(z_mean, dtype="float64"), axis=0)


def active_units(z_mean, *, threshold=ACTIVE_UNIT_THRESHOLD):
    """How many latent dimensions have activity A_j above ``threshold``.

    A dimension whose posterior mean never moves with x carries no information about x:
    the decoder must ignore it (posterior collapse in that dimension).

    Parameters
    ----------
    z_mean : array_like, shape (n, d)
    threshold : float

    Returns
    -------
    int
    """
    return int(np.sum(latent_activity(z_mean) > threshold))


def kl_per_dimension(z_mean, z_log_var):
    """KL(q(z_j|x) || N(0, 1)) averaged over examples, per dimension.

    Parameters
    ----------
    z_mean, z_log_var : array_like, shape (n, d)

    Returns
    -------
    numpy.ndarray, shape (d,)
        Nats.
    """
    from keras import ops

    from .objectives import gaussian_kl_per_dimension

    kl = gaussian_kl_per_dimension(np.asarray(z_mean, "float64"), np.asarray(z_log_var, "float64"))
    return np.mean(ops.convert_to_numpy(kl).astype("float64"), axis=0)


def mutual_information(z_mean, z_log_var, *, seed=None):
    """Estimate I_q(x; z), with q(z) approximated by the mixture of the n posteriors.

    I = E_x E_{q(z|x)}[log q(z|x) - log q(z)], one z per x. The estimate cannot exceed
    log(n), so use a few hundred examples or more.

    Parameters
    ----------
    z_mean, z_log_var : array_like, shape (n, d)
    seed : int, optional
        Seeds the draw of z.

    Returns
    -------
    float
        Nats.
    """
    mu, log_var = np.asarray(z_mean, "float64"), np.asarray(z_log_var, "float64")
    n, d = mu.shape
    var = np.exp(log_var)
    z = mu + np.sqrt(var) * numpy_generator(seed).standard_normal((n, d))
    # log q(z_i | x_k) for every pair (i, k): shape (n, n)
    diff = z[:, None, :] - mu[None, :, :]
    log_q = -0.5 * np.sum(np.log(2 * np.pi) + log_var[None] + diff**2 / var[None], axis=-1)
    log_q_own = np.diagonal(log_q)
    log_q_marginal = logsumexp(log_q, axis=1) - np.log(n)
    return float(np.mean(log_q_own - log_q_marginal))


@dataclass(frozen=True)
class ModeCoverage:
    """``modes_covered``: modes with at least one sample within ``n_sigma`` sigma;
    ``good_fraction``: share of samples within ``n_sigma`` sigma of some mode."""

    modes_covered: int
    n_modes: int
    good_fraction: float


def mode_coverage(samples, centers, sigma, *, n_sigma=3.0):
    """Score 2-D samples against a mixture of Gaussians with these ``centers``.

    Parameters
    ----------
    samples : array_like, shape (n, 2)
    centers : array_like, shape (k, 2)
    sigma : float
        The modes' standard deviation.
    n_sigma : float
        How far from a centre a sample still counts as on that mode.

    Returns
    -------
    ModeCoverage
    """
    dist = pairwise_distances(np.asarray(samples), np.asarray(centers))
    nearest = dist.argmin(axis=1)
    good = dist.min(axis=1) <= n_sigma * sigma
    return ModeCoverage(modes_covered=int(len(np.unique(nearest[good]))),
                        n_modes=len(centers), good_fraction=float(good.mean()))


def fit_judge(x, y, *, n_components=50, hidden=None, seed=None):
    """A fast classifier of images, fitted on real labelled images: flatten, PCA to
    ``n_components``, then a logistic regression, or with ``hidden`` a small neural network
    (scikit-learn).

    An independent judge of what generated images show: ``judge.predict(images)`` gives
    class labels ``(n,)``, ``judge.predict_proba(images)`` probabilities ``(n, n_classes)``,
    and :func:`judge_features` the features it classifies by.

    Parameters
    ----------
    x : array_like, shape (n, H, W[, C])
        Real images.
    y : array_like, shape (n,)
        Their labels.
    n_components : int
        PCA components kept (at most the pixels per image).
    hidden : int, optional
        Units of one hidden ReLU layer between the PCA and the classes; None for a linear
        classifier.
    seed : int, optional
        Seeds PCA's randomized solver and the network's initial weights.

    Returns
    -------
    sklearn.pipeline.Pipeline
    """
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    flatten = FunctionTransformer(lambda x: np.asarray(x).reshape(len(x), -1))
    n_components = min(n_components, int(np.prod(np.shape(x)[1:])))
    random_state = int(numpy_generator(seed).integers(2**31 - 1))
    pca = PCA(n_components, random_state=random_state)
    if hidden is None:
        return make_pipeline(flatten, pca, LogisticRegression(max_iter=2000)).fit(x, y)
    network = MLPClassifier((hidden,), alpha=1e-3, max_iter=300, early_stopping=True,
                            random_state=random_state)
    return make_pipeline(flatten, pca, StandardScaler(), network).fit(x, y)


def judge_features(judge, x):
    """The features a judge (:func:`fit_judge`) classifies by: its hidden layer's activations,
    or its PCA components for a linear judge.

    The space in which :func:`frechet_distance` and :func:`precision_recall` compare real and
    generated images, as FID uses the features of an Inception network; with a judge trained
    on the same data, its numbers are not FID and are comparable only between models judged
    by the same judge.

    Parameters
    ----------
    judge : sklearn.pipeline.Pipeline
        From :func:`fit_judge`.
    x : array_like, shape (n, H, W[, C])

    Returns
    -------
    numpy.ndarray, shape (n, n_features)
    """
    features = judge[:-1].transform(np.asarray(x, dtype="float32"))
    classifier = judge[-1]
    if not hasattr(classifier, "coefs_"):
        return np.asarray(features, dtype="float64")
    return np.maximum(features @ classifier.coefs_[0] + classifier.intercepts_[0], 0.0)


def frechet_distance(features, reference):
    """The Fréchet distance between Gaussians fitted to two sets of features (Heusel et al., 2017):
    ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)).

    0 for two sets with equal means and covariances; it grows with a shift of the mean, a
    wrong spread, and a missing or extra direction of variation. Estimated from samples it is
    biased upwards (two sets drawn from one distribution score above 0), so compare sets of
    equal sizes, and read it beside the distance between two real sets.

    Parameters
    ----------
    features, reference : array_like, shape (n, d) and (m, d)

    Returns
    -------
    float
    """
    a, b = (np.asarray(f, dtype="float64") for f in (features, reference))
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    # Tr (S_a S_b)^(1/2) = the sum of the square roots of the eigenvalues of the symmetric
    # S_a^(1/2) S_b S_a^(1/2): stable where a covariance is singular.
    values, vectors = np.linalg.eigh(cov_a)
    root_a = (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    trace_root = np.sum(np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ cov_b @ root_a), 0.0, None)))
    return float(np.sum((a.mean(axis=0) - b.mean(axis=0)) ** 2)
                 + np.trace(cov_a) + np.trace(cov_b) - 2.0 * trace_root)


@dataclass(frozen=True)
class PrecisionRecall:
    """Precision: the share of generated examples inside the real examples' manifold (are
    they realistic?); recall: the share of real examples inside the generated ones' manifold
    (is the data's variety covered?)."""

    precision: float
    recall: float


def precision_recall(features, reference, *, n_neighbors=3):
    """Improved precision and recall of generated features against real ones (Kynkäänniemi
    et al., 2019).

    Each set's manifold is the union of balls around its points, each as wide as the point's
    distance to its ``n_neighbors``-th nearest neighbour in its own set. Precision is the share of
    ``features`` inside the manifold of ``reference``; recall the share of ``reference``
    inside the manifold of ``features``.

    Parameters
    ----------
    features : array_like, shape (n, d)
        Generated examples' features.
    reference : array_like, shape (m, d)
        Real examples' features.
    n_neighbors : int
        The neighbour that sets each ball's radius: the k of the paper (3 there).

    Returns
    -------
    PrecisionRecall
    """
    generated, real = (np.asarray(f, dtype="float64") for f in (features, reference))

    def radii(points):
        # column 0 of the sorted distances is the point itself
        return np.sort(pairwise_distances(points), axis=1)[:, n_neighbors]

    def share_inside(points, centres):
        return float(np.mean((pairwise_distances(points, centres) <= radii(centres)).any(axis=1)))

    return PrecisionRecall(precision=share_inside(generated, real),
                           recall=share_inside(real, generated))


def judge_confidence(judge, x):
    """How sure a judge (:func:`fit_judge`) is of each image's class: its largest predicted
    probability.

    A measure of how much generated images look like *some* class, which blur does not
    improve: blurring real digits lowers it, and the data's average image, which is near
    every digit in pixel distance, gets a low one.

    Parameters
    ----------
    judge : fitted classifier with ``predict_proba``
    x : array_like, shape (n, H, W[, C])

    Returns
    -------
    numpy.ndarray, shape (n,)
        Between 1 / n_classes and 1.
    """
    return np.asarray(judge.predict_proba(np.asarray(x, dtype="float32")), dtype="float64").max(axis=1)


def nearest_neighbour_gap(x, seen, unseen, *, y=None, y_seen=None, y_unseen=None):
    """For each example, its distance to the nearest ``seen`` example minus its distance to the
    nearest ``unseen`` one (Euclidean, on flattened pixels), within its class when labels are
    given.

    The memorisation test of a generator: ``seen`` are the images it trained on, ``unseen``
    as many images of the same kind that it never saw. Samples that copy or stay close to
    their training images have a negative gap; samples that are new, or images that merely
    share the data's blur or style, are as near to unseen images as to seen ones (gap about 0),
    because blur moves an image closer to both sets alike.

    Parameters
    ----------
    x : array_like, shape (n, ...)
    seen, unseen : array_like, shape (m, ...)
        Two sets of equal size, drawn alike, so that both searches are equally easy.
    y, y_seen, y_unseen : array_like of shape (n,), (m,), (m,), optional
        Labels: compare each example with the examples of its own class only.

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    x, seen, unseen = (np.asarray(a, dtype="float64") for a in (x, seen, unseen))
    if len(seen) != len(unseen):
        raise ValueError(f"seen and unseen need the same size (so that both searches are "
                         f"equally easy), got {len(seen)} and {len(unseen)}.")
    flat = lambda a: a.reshape(len(a), -1)
    if y is None:
        return (pairwise_distances(flat(x), flat(seen)).min(axis=1)
                - pairwise_distances(flat(x), flat(unseen)).min(axis=1))
    y, y_seen, y_unseen = (np.asarray(a) for a in (y, y_seen, y_unseen))
    gap = np.empty(len(x))
    for label in np.unique(y):
        mine = y == label
        gap[mine] = nearest_neighbour_gap(x[mine], seen[y_seen == label], unseen[y_unseen == label])
    return gap


def factor_information(codes, factors, *, n_bins=20):
    """Mutual information I(z_j; v_k) between each code dimension and each known factor.

    Each code dimension is cut into ``n_bins`` bins of equal width between its smallest and
    largest value, and I is the plug-in estimate from the joint histogram of bins and factor
    levels. The estimate is biased upwards by about (n_bins - 1)(levels - 1) / (2 n) nats
    for a dimension that carries nothing: use thousands of examples.

    Parameters
    ----------
    codes : array_like, shape (n, d)
        One code per example, e.g. the posterior means.
    factors : array_like, shape (n, k)
        The level of each of k discrete factors per example (integers or any labels).
    n_bins : int

    Returns
    -------
    numpy.ndarray, shape (d, k)
        Nats.
    """
    from sklearn.metrics import mutual_info_score

    codes, factors = _codes_and_factors(codes, factors)
    binned = [_equal_width_bins(column, n_bins) for column in codes.T]
    return np.array([[mutual_info_score(factor, b) for factor in factors.T] for b in binned])


def mutual_information_gap(codes, factors, *, n_bins=20, multioutput="uniform_average"):
    """The mutual information gap, MIG (Chen et al., 2018): how much better the best code
    dimension describes each factor than the runner-up does.

    For factor v_k with entropy H(v_k), and the code dimensions sorted by I(z_j; v_k)
    (:func:`factor_information`), its gap is (I_first - I_second) / H(v_k), between 0 and 1.
    1 means one dimension holds all of the factor and no other holds any of it; 0 means no
    dimension stands out (the factor is spread over several dimensions, or absent).

    Parameters
    ----------
    codes : array_like, shape (n, d)
        One code per example, d >= 2.
    factors : array_like, shape (n, k)
        The level of each known factor per example; every factor needs two levels or more.
    n_bins : int
        Bins per code dimension.
    multioutput : {"uniform_average", "raw_values"}
        Average the gaps over the factors (the MIG), or return one gap per factor.

    Returns
    -------
    float or numpy.ndarray of shape (k,)
        Unitless, in [0, 1] (up to the estimator's small bias).
    """
    if multioutput not in ("uniform_average", "raw_values"):
        raise ValueError(f"multioutput must be 'uniform_average' or 'raw_values', got {multioutput!r}.")
    from sklearn.metrics import mutual_info_score

    codes, factors = _codes_and_factors(codes, factors)
    if codes.shape[1] < 2:
        raise ValueError("The gap compares the best code dimension with the second best: "
                         f"codes need 2 dimensions or more, got {codes.shape[1]}.")
    entropy = np.array([mutual_info_score(factor, factor) for factor in factors.T])
    if np.any(entropy == 0):
        raise ValueError(f"Factor {int(np.argmin(entropy))} takes one value only: it has no "
                         "information for a code to capture. Leave it out.")
    top_two = -np.sort(-factor_information(codes, factors, n_bins=n_bins), axis=0)[:2]
    gaps = (top_two[0] - top_two[1]) / entropy
    return gaps if multioutput == "raw_values" else float(gaps.mean())


def _codes_and_factors(codes, factors):
    codes, factors = np.asarray(codes, dtype="float64"), np.asarray(factors)
    if factors.ndim == 1:
        factors = factors[:, None]
    if codes.ndim != 2 or len(codes) != len(factors) or len(codes) == 0:
        raise ValueError(f"Need codes shaped (n, d) and factors shaped (n, k) for the same n > 0; "
                         f"got {codes.shape} and {factors.shape}.")
    levels = np.column_stack([np.unique(f, return_inverse=True)[1] for f in factors.T])
    return codes, levels  # each factor's levels numbered 0, 1, ..., whatever their labels


def _equal_width_bins(values, n_bins):
    edges = np.linspace(values.min(), values.max(), n_bins + 1)[1:-1]
    return np.digitize(values, edges)


def sample_diversity(images):
    """Mean Euclidean distance between pairs of images (flattened): 0 when all are equal.

    Parameters
    ----------
    images : array_like, shape (n, ...)

    Returns
    -------
    float
    """
    flat = np.asarray(images, dtype="float64").reshape(len(images), -1)
    dist = pairwise_distances(flat)
    n = len(flat)
    return float(dist.sum() / (n * (n - 1)))


def codebook_usage(indices, n_codes):
    """How often each code of a codebook is chosen, over every example and position.

    Parameters
    ----------
    indices : array_like of int, shape (n, ...)
        Codes, integers in 0..n_codes-1 (a VQ-VAE's ``encode(x)``).
    n_codes : int

    Returns
    -------
    numpy.ndarray, shape (n_codes,)
        The share of choices that went to each code; sums to 1.
    """
    indices = np.asarray(indices).ravel()
    if indices.size == 0 or not np.issubdtype(indices.dtype, np.integer):
        raise ValueError("codebook_usage needs at least one integer code.")
    if indices.min() < 0 or indices.max() >= n_codes:
        raise ValueError(f"Codes must lie in 0..{n_codes - 1}, got {indices.min()}..{indices.max()}.")
    return np.bincount(indices, minlength=n_codes) / indices.size


def codebook_perplexity(indices, n_codes):
    """The perplexity of the codebook's usage, exp(H) with H the entropy (nats) of
    :func:`codebook_usage`: the number of equally used codes that would give the same entropy.

    n_codes when every code is used equally often; 1 when one code takes every choice.

    Parameters
    ----------
    indices : array_like of int, shape (n, ...)
    n_codes : int

    Returns
    -------
    float
        Between 1 and n_codes.
    """
    usage = codebook_usage(indices, n_codes)
    used = usage[usage > 0]
    return float(np.exp(-np.sum(used * np.log(used))))


def dead_codes(indices, n_codes):
    """The number of codes that no example chooses at any position.

    Parameters
    ----------
    indices : array_like of int, shape (n, ...)
    n_codes : int

    Returns
    -------
    int
    """
    return int(np.sum(codebook_usage(indices, n_codes) == 0))
