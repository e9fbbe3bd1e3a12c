"""vaelearn: the library of a hands-on course on Variational Autoencoders.

Three floors, each importing only what stands beside or below it (ARCHITECTURE.md):

- **the learning library** that the notebooks call: data (:mod:`~vaelearn.data`,
  :mod:`~vaelearn.folders`, :mod:`~vaelearn.corpus`), networks (:mod:`~vaelearn.networks`),
  models (:mod:`~vaelearn.models`, :mod:`~vaelearn.sequence`, and beyond the 2014 VAE:
  :mod:`~vaelearn.quantization`, :mod:`~vaelearn.priors`, :mod:`~vaelearn.hierarchy`,
  :mod:`~vaelearn.diffusion`), codes to decode
  (:mod:`~vaelearn.sampling`), the objective (:mod:`~vaelearn.objectives`), evaluation
  (:mod:`~vaelearn.evaluation`, :mod:`~vaelearn.metrics`, :mod:`~vaelearn.anomaly`,
  :mod:`~vaelearn.diagnosis`), training (:mod:`~vaelearn.training`,
  :mod:`~vaelearn.training_display`), figures (:mod:`~vaelearn.plots`,
  :mod:`~vaelearn.explorer`), on a foundation of small modules (errors, files, backend
  differences, defaults, randomness, input checks, the memory a kernel may use);
- **the course machinery** beside it: exercises and their grading engine
  (:mod:`~vaelearn.exercises`), quizzes (:mod:`~vaelearn.quiz`), the learner's records
  (:mod:`~vaelearn.records`) and progress (:mod:`~vaelearn.progress`);
- **the instructors' tools** on top (:mod:`~vaelearn.classroom`, the ``vaelearn`` command).

Vocabulary: one name for one thing, in every signature.

- ``x``: examples, ``(n, *example_shape)``: images as float32 in [0, 1] shaped
  ``(n, H, W, C)``, 2-D points, or the sequence model's sentences.
- ``y``: labels ``(n,)`` (or one-hot rows), where Keras puts targets: right after ``x``.
  Only conditional models take them.
- ``z``: codes ``(n, latent_dim)``.
- ``example_shape``: the shape of one example, e.g. ``(28, 28, 1)``.
- ``latent_dim``: the number of dimensions of a code.
- ``n_samples``: the number of draws: prior samples, posterior draws, importance samples.
- ``n_train``, ``n_test``: the examples in each split of a dataset.
- ``batch_size``: examples per update (training) or per forward pass (encoding, scoring).
- ``seed``: an int or None, keyword-only. An int makes the call reproducible on its own;
  None draws from the global generators that :func:`seed` sets. A function that builds a
  model seeds its weights too; a model's own seed, its draws while it trains
  (:mod:`vaelearn.randomness`).
- ``temperature``: the prior's temperature T, codes drawn from N(0, T^2 I) (the sequence
  model's word draws have ``softmax_temperature``).
- ``beta``: the weight of the KL term.
- Units: nats per example, unless a name says bits or "per dimension".

Options are keyword-only after the data arguments; defaults live in :mod:`vaelearn.defaults`;
every exception is in :mod:`vaelearn.errors`; models take and return NumPy arrays, while
:mod:`vaelearn.objectives` takes and returns tensors.

Submodules are imported on first use, so ``import vaelearn.quiz`` answers instantly and
only the modelling modules pay for importing Keras and its backend. Once ``vaelearn`` is
imported, TensorFlow starts without its C++ log (:mod:`vaelearn.backend`) and
``keras.saving.load_model`` finds vaelearn's model classes (:mod:`vaelearn.saving`).
"""

import importlib
import os

from .backend import quiet_tensorflow_import
from .deprecation import renamed_parameters as _renamed_parameters
from .saving import register_with_keras as _register_with_keras

quiet_tensorflow_import()

__version__ = "0.1.0"
__all__ = ["diagnose", "seed"]

_SUBMODULES = (
    "anomaly", "backend", "batching", "classroom", "conditional", "corpus", "course",
    "course_model", "data", "defaults", "deprecation", "diagnosis", "diffusion", "display",
    "download", "errors", "evaluation", "exercises", "explorer", "files", "folders",
    "gradients", "hierarchy", "import_hooks", "losses", "memory", "metrics", "models",
    "networks", "objectives", "plots", "priors", "progress", "quantization", "quiz",
    "randomness", "records", "sampling", "saving", "sequence", "sources", "text", "training",
    "training_display", "validation",
)
# Functions of the package face, imported with their module on first use: name -> module.
_FUNCTIONS = {"diagnose": "diagnosis"}


@_renamed_parameters(n="seed")
def seed(seed=None):
    """Make a run reproducible and return its seed.

    Seeds Python, NumPy and the Keras backend, and makes the backend's ops deterministic
    where it can (:func:`vaelearn.backend.set_seed`; on TensorFlow this switches Keras'
    automatic XLA compilation off). Every ``seed=None`` of the package then draws from
    these generators.

    Parameters
    ----------
    seed : int, optional
        The seed; defaults to ``$VAELEARN_SEED`` (0 when unset), so one variable re-runs
        a whole notebook with other random weights, samples and subsets.

    Returns
    -------
    int
        The seed used.
    """
    from .backend import set_seed

    if seed is None:
        seed = int(os.environ.get("VAELEARN_SEED", "0"))
    set_seed(seed)
    return seed


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _FUNCTIONS:
        return getattr(importlib.import_module(f".{_FUNCTIONS[name]}", __name__), name)
    raise AttributeError(f"module 'vaelearn' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES) + list(_FUNCTIONS))


_register_with_keras()
