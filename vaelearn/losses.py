"""The old home of the objective's terms and of the bounds on log p(x), kept for one release.

The terms that return tensors are in :mod:`vaelearn.objectives`; the bounds that return
NumPy numbers for a trained model are in :mod:`vaelearn.evaluation`.
"""

from .deprecation import forward_moved_names

__all__ = []

__getattr__ = forward_moved_names("vaelearn.losses", {
    **{name: f"vaelearn.objectives:{name}" for name in (
        "LOG_2PI", "batch_mean", "bernoulli_log_likelihood", "gaussian_kl",
        "gaussian_kl_per_dimension", "gaussian_log_likelihood", "log_normal",
        "log_standard_normal", "monte_carlo_kl")},
    **{name: f"vaelearn.evaluation:{name}" for name in ("elbo", "iwae_bound", "pixel_entropy")},
})
