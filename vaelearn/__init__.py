"""vaelearn: the helper package of a hands-on course on Variational Autoencoders.

Submodules are imported on first use, so ``import vaelearn.quiz`` answers instantly and
only the modelling modules pay for importing Keras and its backend. Once ``vaelearn`` is
imported, TensorFlow starts without its C++ log (:mod:`vaelearn.backend`) and
``keras.saving.load_model`` finds vaelearn's model classes (:mod:`vaelearn.saving`).
"""

import importlib

from .backend import quiet_tensorflow_import
from .saving import register_with_keras as _register_with_keras

quiet_tensorflow_import()

__version__ = "0.1.0"
__all__ = ["seed"]

_SUBMODULES = (
    "anomaly", "backend", "batching", "classroom", "conditional", "course", "data", "display",
    "errors", "exercises", "explorer", "files", "gradients", "import_hooks", "losses", "metrics",
    "models", "plots", "progress", "quiz", "saving", "sources", "text", "training",
)


def seed(n=None):
    """Make a run reproducible and return its seed.

    Seeds Python, NumPy and the Keras backend, and makes the backend's ops deterministic
    where it can (:func:`vaelearn.backend.set_seed`; on TensorFlow this switches Keras'
    automatic XLA compilation off).

    Parameters
    ----------
    n : int, optional
        The seed; defaults to ``$VAELEARN_SEED`` (0 when unset), so one variable re-runs
        a whole notebook with other random weights, samples and subsets.

    Returns
    -------
    int
        The seed used.
    """
    import os

    from .backend import set_seed

    if n is None:
        n = int(os.environ.get("VAELEARN_SEED", "0"))
    set_seed(n)
    return n


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'vaelearn' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))


_register_with_keras()
