"""Anomaly detection with a VAE, in the scikit-learn style of ``IsolationForest``.

Train on normal data only, then score new data: the better the model explains an
example, the more normal it is. Typical use::

    detector = VAEAnomalyDetector(score="elbo_minus_entropy", epochs=10, seed=0)
    detector.fit(x_normal)                 # (n, H, W, C) or (n, features), values in [0, 1]
    scores = detector.score_samples(x_new)  # (m,): higher means more normal
    labels = detector.predict(x_new)        # (m,): +1 normal, -1 anomaly

Scores (``score_samples`` returns minus the anomaly score, so higher is more normal):

- ``"reconstruction"``: minus the squared error between x and its deterministic
  reconstruction (decode the posterior mean), summed over pixels.
- ``"elbo"``: the ELBO, a lower bound on log p(x), in nats.
- ``"iwae"``: the importance-weighted bound L_k, a tighter lower bound on log p(x), in nats.
- ``"elbo_minus_entropy"``: ELBO + H(x), where H(x) is the pixel entropy of the input
  (:func:`vaelearn.evaluation.pixel_entropy`). With a Bernoulli likelihood on grey-level pixels,
  -log p(x|z) >= H(x) whatever the model, so simple images (few grey pixels) look likely for a
  reason that has nothing to do with the model. Adding H(x) back removes that floor: the
  anomaly score becomes (-ELBO) - H(x), the part of the loss the model can reduce.
"""

import numpy as np
from sklearn.base import BaseEstimator, OutlierMixin
from sklearn.utils.validation import check_is_fitted

from .defaults import BATCH_SIZE, HIDDEN, LEARNING_RATE, WARMUP_STEPS

__all__ = ["SCORES", "VAEAnomalyDetector"]

SCORES = ("reconstruction", "elbo", "iwae", "elbo_minus_entropy")


class VAEAnomalyDetector(OutlierMixin, BaseEstimator):
    """Detect anomalies with a VAE trained on normal data.

    Parameters
    ----------
    latent_dim : int
        Size of the latent space.
    epochs : int
        Passes over the training data.
    batch_size, learning_rate, warmup_steps
        Training settings of the VAE (:mod:`vaelearn.defaults`; see
        :meth:`~vaelearn.course_model.CourseModel.compile_with_defaults`).
    hidden : tuple of int
        Hidden layer sizes of the MLP encoder (mirrored in the decoder).
    beta : float
        Weight of the KL term.
    likelihood : {"bernoulli", "gaussian", "logistic"}
        The decoder's likelihood; "bernoulli" and "logistic" need inputs in [0, 1].
    decoder_std : float or "learned"
        The Gaussian likelihood's standard deviation (ignored by "bernoulli").
    score : {"reconstruction", "elbo", "iwae", "elbo_minus_entropy"}
        What ``score_samples`` returns (see the module docstring).
    contamination : float in (0, 0.5]
        The share of *training* examples that ``fit`` places below the threshold: the
        detector's false-positive rate on data like the training data.
    threshold : float or None
        A fixed threshold on ``score_samples``; overrides ``contamination`` when given.
    n_samples : int
        Posterior draws per example of the Monte-Carlo scores: averaged by the ``"elbo"``
        scores, the importance samples of ``"iwae"``.
    seed : int, optional
        Seeds the weights, the training noise and the scores' Monte-Carlo draws.
    verbose : {"auto", 0, 1, 2}
        "auto": ``fit`` shows vaelearn's training display (a bar in a notebook that ends as
        one summary line, see :mod:`vaelearn.training_display`); 0: silent; 1 or 2: Keras'
        own printing.

    Attributes
    ----------
    model_ : vaelearn.models.VAE
        The trained VAE.
    history_ : dict
        Per-epoch training losses (``loss``, ``reconstruction_loss``, ``kl_loss``).
    threshold_ : float
        Examples with ``score_samples(x) < threshold_`` are predicted anomalous.
    """

    def __init__(self, *, latent_dim=8, epochs=10, batch_size=BATCH_SIZE,
                 learning_rate=LEARNING_RATE, warmup_steps=WARMUP_STEPS, hidden=HIDDEN, beta=1.0,
                 likelihood="bernoulli", decoder_std=1.0, score="elbo_minus_entropy",
                 contamination=0.05, threshold=None, n_samples=10, seed=None, verbose="auto"):
        self.latent_dim = latent_dim
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.warmup_steps = warmup_steps
        self.hidden = hidden
        self.beta = beta
        self.likelihood = likelihood
        self.decoder_std = decoder_std
        self.score = score
        self.contamination = contamination
        self.threshold = threshold
        self.n_samples = n_samples
        self.seed = seed
        self.verbose = verbose

    def _check_score(self, score):
        if score not in SCORES:
            raise ValueError(f"Unknown score {score!r}; choose one of {', '.join(SCORES)}.")
        if score == "elbo_minus_entropy" and self.likelihood != "bernoulli":
            raise ValueError("score='elbo_minus_entropy' corrects a Bernoulli likelihood; with "
                             f"likelihood={self.likelihood!r} use score='elbo'.")

    def _check_params(self):
        self._check_score(self.score)
        if self.threshold is None and not 0 < self.contamination <= 0.5:
            raise ValueError(f"contamination must be in (0, 0.5], got {self.contamination}.")

    def fit(self, X, y=None):
        """Train a VAE on ``X`` (normal data only) and set ``threshold_``.

        Parameters
        ----------
        X : array_like, shape (n, *example_shape)
        y : None
            Ignored (present for scikit-learn compatibility).

        Returns
        -------
        VAEAnomalyDetector
            ``self``.
        """
        from .models import make_vae

        self._check_params()
        X = np.asarray(X, dtype="float32")
        self.model_ = make_vae(X.shape[1:], latent_dim=self.latent_dim, hidden=tuple(self.hidden),
                               beta=self.beta, likelihood=self.likelihood,
                               decoder_std=self.decoder_std, seed=self.seed,
                               learning_rate=self.learning_rate, warmup_steps=self.warmup_steps)
        history = self.model_.fit(X, epochs=self.epochs, batch_size=self.batch_size,
                                  verbose=self.verbose)
        self.history_ = history.history
        if self.threshold is not None:
            self.threshold_ = float(self.threshold)
        else:
            self.threshold_ = float(np.quantile(self.score_samples(X), self.contamination))
        return self

    def score_samples(self, X, *, score=None):
        """Normality of each example: higher means more normal.

        Parameters
        ----------
        X : array_like, shape (n, *example_shape)
        score : str, optional
            Another of :data:`SCORES` for this call only (default: the detector's ``score``);
            ``threshold_`` always refers to the detector's own score.

        Returns
        -------
        numpy.ndarray, shape (n,)
            Minus a summed squared error for ``"reconstruction"``, nats otherwise.
        """
        from .evaluation import elbo, iwae_bound, pixel_entropy

        check_is_fitted(self, "model_")
        score = self.score if score is None else score
        self._check_score(score)
        X = np.asarray(X, dtype="float32")
        self.model_.check_inputs(X)
        if score == "reconstruction":
            error = (X - self.model_.reconstruct(X)).reshape(len(X), -1)
            return -np.sum(error.astype("float64") ** 2, axis=1)
        if score == "iwae":
            return iwae_bound(self.model_, X, n_samples=self.n_samples,
                              seed=self.seed).astype("float64")
        scores = elbo(self.model_, X, n_samples=self.n_samples, seed=self.seed).astype("float64")
        if score == "elbo_minus_entropy":
            scores = scores + pixel_entropy(X)
        return scores

    def decision_function(self, X):
        """``score_samples(X) - threshold_``: negative means anomalous.

        Parameters
        ----------
        X : array_like, shape (n, *example_shape)

        Returns
        -------
        numpy.ndarray, shape (n,)
        """
        return self.score_samples(X) - self.threshold_

    def predict(self, X):
        """+1 for normal and -1 for anomalous examples, as scikit-learn's detectors.

        Parameters
        ----------
        X : array_like, shape (n, *example_shape)

        Returns
        -------
        numpy.ndarray, shape (n,)
        """
        return np.where(self.decision_function(X) < 0, -1, 1)

    def fit_predict(self, X, y=None):
        """Fit on ``X``, then predict its labels (+1 normal, -1 anomaly).

        Parameters
        ----------
        X : array_like, shape (n, *example_shape)
        y : None
            Ignored.

        Returns
        -------
        numpy.ndarray, shape (n,)
        """
        return self.fit(X).predict(X)
