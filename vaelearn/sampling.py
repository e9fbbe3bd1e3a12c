"""Codes to decode where the training images put theirs, rather than from the prior.

After short training the codes of the training images, the aggregate posterior
q(z) = (1/n) sum_i q(z | x_i), need not fill N(0, I): codes drawn from the prior then land
in regions no training image uses, and decode to little. Fitting a Gaussian to the training
codes (of each category, for a conditional model) and drawing from it instead needs no
retraining (ex-post density estimation; Ghosh et al., 2020, "From Variational to
Deterministic Autoencoders").
"""

import numpy as np

from .randomness import numpy_generator

__all__ = ["fitted_codes"]


def fitted_codes(model, x, y=None, *, y_new=None, n_samples=None, seed=None):
    """Codes drawn from a Gaussian fitted to the codes of the training examples ``x``.

    One draw of q(z | x) per example; for a conditional model, one Gaussian (full
    covariance) per label, fitted to the codes of that label's examples.

    Parameters
    ----------
    model : vaelearn.models.LatentModel
        A trained VAE or conditional VAE.
    x : array of shape (n, *example_shape)
        The training examples whose codes are fitted.
    y : array of shape (n,), optional
        Their labels; required for a conditional model.
    y_new : array of shape (n_samples,), optional
        The label of each code to draw (a conditional model): a code for label ``k`` comes
        from the Gaussian of the examples labelled ``k``.
    n_samples : int, optional
        The number of codes to draw from one Gaussian of all the codes (a model without
        labels); with ``y_new``, ``len(y_new)``.
    seed : int, optional

    Returns
    -------
    z : float32 array of shape (n_samples, latent_dim)
        Decode with ``model.decode(z, y_new)``.
    """
    rng = numpy_generator(seed)
    z_mean, z_log_var = model.encode(x, y)
    codes = z_mean + np.exp(z_log_var / 2) * rng.standard_normal(z_mean.shape)
    if y_new is None:
        if n_samples is None:
            raise ValueError("Pass y_new (one label per code) or n_samples.")
        y, y_new = np.zeros(len(codes), int), np.zeros(n_samples, int)
    y, y_new = np.asarray(y), np.asarray(y_new)
    z = np.empty((len(y_new), codes.shape[1]), "float32")
    for label in np.unique(y_new):
        theirs = codes[y == label]
        if len(theirs) < 2:
            raise ValueError(f"Label {label} has {len(theirs)} example(s) in y; a Gaussian needs "
                             "at least 2.")
        wanted = y_new == label
        z[wanted] = rng.multivariate_normal(theirs.mean(axis=0), np.cov(theirs, rowvar=False),
                                            np.sum(wanted))
    return z
