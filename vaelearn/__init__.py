"""vaelearn: the helper package of a hands-on course on Variational Autoencoders.

Submodules are imported on first use, so ``import vaelearn.quiz`` answers instantly and
only the modelling modules pay for importing TensorFlow. Once ``vaelearn`` is imported,
``keras.saving.load_model`` finds its model classes (see :mod:`vaelearn.saving`).
"""

import importlib

from .backend import quiet_tensorflow_import
from .saving import register_with_keras as _register_with_keras

quiet_tensorflow_import()

__version__ = "0.1.0"

_SUBMODULES = (
    "anomaly", "backend", "batching", "classroom", "conditional", "data", "errors", "exercises",
    "explorer", "files", "gradients", "import_hooks", "losses", "metrics", "models", "plots", "quiz",
    "saving", "sources", "training",
)


def seed(n=None):
    """Make a run reproducible and return its seed.

    ``n`` defaults to ``$VAELEARN_SEED`` (0 when unset), so one variable re-runs a whole
    notebook with other random weights, samples and subsets. Seeds Python, NumPy and the
    Keras backend; on TensorFlow it also makes ops deterministic (which switches Keras'
    automatic XLA compilation off).
    """
    import os
    import random

    import numpy as np

    if n is None:
        n = int(os.environ.get("VAELEARN_SEED", "0"))
    random.seed(n)
    np.random.seed(n)
    import keras

    keras.utils.set_random_seed(n)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    return n


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'vaelearn' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))


_register_with_keras()
