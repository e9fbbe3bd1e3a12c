"""vaelearn: the helper package of a hands-on course on Variational Autoencoders.

Submodules are imported on first use, so ``import vaelearn.quiz`` answers instantly and
only the modelling modules pay for importing TensorFlow.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = (
    "anomaly", "batching", "classroom", "conditional", "data", "errors", "exercises", "explorer",
    "gradients", "losses", "metrics", "models", "plots", "quiz", "sources", "training",
)


def seed(n=0):
    """Make runs reproducible: seeds Python, NumPy, Keras and TensorFlow, and makes TF ops
    deterministic (which also switches Keras' automatic XLA compilation off)."""
    import random

    import numpy as np

    random.seed(n)
    np.random.seed(n)
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(n)
    tf.config.experimental.enable_op_determinism()


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'vaelearn' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
