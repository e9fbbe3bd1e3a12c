"""What differs between Keras backends, in one place.

vaelearn runs on Keras 3's TensorFlow (the default), JAX and PyTorch backends; Keras reads
the choice from ``$KERAS_BACKEND`` when it is first imported. Everything else in the
package is written with ``keras.ops``; what ``keras.ops`` does not cover lives here:

- :func:`value_and_grad`: automatic differentiation of a function of plain arrays;
- :func:`set_seed`: seeds, and deterministic ops where the backend offers them;
- :func:`steps_per_execution`: several training steps per compiled call, where allowed;
- :func:`accelerators`: the GPUs (or other accelerators) the backend computes on.

Also: importing TensorFlow prints C++ start-up lines (absl, oneDNN, CPU features, and on
machines without a GPU the GPU build's failed CUDA search) to the process's standard error,
where a notebook shows them in red. ``import vaelearn`` arranges for the first import of
TensorFlow (usually through ``import keras``) to drop those lines and pass every other line
on (:func:`quiet_tensorflow_import`). Set ``TF_CPP_MIN_LOG_LEVEL`` below 3 (e.g. 0) to see
them all; 3 or more, the usual recipe to silence TensorFlow, gets the same quiet start, since
TensorFlow prints these lines before it reads the level.
"""

import logging
import os
import re
import sys
import tempfile
from contextlib import contextmanager

import numpy as np

from .import_hooks import around_first_import

__all__ = ["accelerators", "describe", "drop_startup_lines", "name", "quiet_tensorflow_import", "set_seed",
           "steps_per_execution", "tensorflow_log_requested", "value_and_grad"]

# absl's INFO and WARNING lines ("I0000 00:00:..."), its notice about them, the
# CPU-feature advice that continues one of them, and the GPU build's report that a machine
# has no CUDA driver (a CPU machine; `vaelearn doctor` names the devices found).
_STARTUP_NOISE = re.compile(
    r"^([IW]\d{4} |WARNING: All log messages before absl::InitializeLog|To enable the following "
    r"instructions:|E\d{4} .*failed call to cuInit)"
)


@contextmanager
def _startup_lines_dropped():
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no file descriptor 2 to redirect
        yield
        return
    with tempfile.TemporaryFile(mode="w+b") as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            kept = drop_startup_lines(capture.read().decode("utf-8", "replace"))
            if kept:
                sys.stderr.write(kept)


def drop_startup_lines(text):
    """``text`` without the lines of TensorFlow's start-up log (absl's INFO and WARNING lines
    and their notices, a CPU machine's failed CUDA search).

    Parameters
    ----------
    text : str
        What a process wrote to its standard error.

    Returns
    -------
    str
    """
    return "".join(line for line in text.splitlines(True) if not _STARTUP_NOISE.match(line))


_LOG_LEVEL_OF_OURS = 3


def tensorflow_log_requested():
    """Whether the user asked for TensorFlow's C++ log: ``TF_CPP_MIN_LOG_LEVEL`` is set to
    a level that shows more than vaelearn's (3, errors hidden too), e.g. 0.

    Returns
    -------
    bool
        False when the variable is unset or asks for as little as vaelearn's level (3 or
        more): then TensorFlow starts without its start-up log.
    """
    level = os.environ.get("TF_CPP_MIN_LOG_LEVEL")
    if level is None:
        return False
    try:
        return int(level) < _LOG_LEVEL_OF_OURS
    except ValueError:  # TensorFlow reads a level that is not a number as 0: every line
        return True


def _import_quietly(exec_module, tensorflow):
    # Later C++ lines too (tf.data logs errors it ignores).
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", str(_LOG_LEVEL_OF_OURS))
    with _startup_lines_dropped():
        exec_module(tensorflow)
        tensorflow.config.list_physical_devices()  # the GPU search logs too, on first use
    # TensorFlow's Python warnings, e.g. about retracing when a lesson builds several models
    # in a loop.
    logging.getLogger("tensorflow").setLevel(logging.ERROR)


def quiet_tensorflow_import():
    """Drop TensorFlow's start-up log when it is first imported, unless the user asked for
    it (:func:`tensorflow_log_requested`) or TensorFlow is imported already."""
    if "tensorflow" in sys.modules or tensorflow_log_requested():
        return
    around_first_import("tensorflow", _import_quietly)


def describe():
    """One line for a notebook's first output: Keras' version, the backend and its devices.

    Returns
    -------
    str
        E.g. ``"Keras 3.15.1 on the tensorflow backend (CPU)"``.
    """
    import keras

    return f"Keras {keras.__version__} on the {name()} backend ({', '.join(accelerators()) or 'CPU'})"


def name():
    """The Keras backend in use: ``"tensorflow"``, ``"jax"`` or ``"torch"`` (imports Keras)."""
    import keras

    return keras.backend.backend()


def set_seed(seed):
    """Seed Python, NumPy and the backend, and make the backend's ops deterministic.

    Parameters
    ----------
    seed : int

    Notes
    -----
    Keras also seeds TensorFlow wherever it is installed (for ``tf.data``), so this imports
    TensorFlow even on the JAX and PyTorch backends.

    TensorFlow: ``tf.config.experimental.enable_op_determinism()`` (which also switches
    Keras' automatic XLA compilation off). PyTorch: deterministic cuDNN convolutions on a
    GPU (``torch.backends.cudnn``). JAX has no switch at run time; on a GPU set
    ``XLA_FLAGS=--xla_gpu_deterministic_ops=true`` before JAX starts.
    """
    import keras

    keras.utils.set_random_seed(seed)  # Python's random, NumPy, the backend and tf.data
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    elif backend == "torch":
        import torch

        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False


def steps_per_execution(requested):
    """``requested`` where the backend runs several training steps per compiled call, else 1.

    Keras' PyTorch backend runs one step per call and refuses any other value.

    Parameters
    ----------
    requested : int
        Training steps per compiled call wanted.

    Returns
    -------
    int
    """
    return 1 if name() == "torch" else int(requested)


def accelerators():
    """The GPUs (or TPUs, or Apple's MPS) the backend computes on, as readable names.

    Returns
    -------
    list of str
        Empty when the backend computes on the CPU.
    """
    backend = name()
    if backend == "tensorflow":
        import tensorflow as tf

        return [device.name.replace("/physical_device:", "")
                for device in tf.config.list_physical_devices()
                if device.device_type not in ("CPU",)]
    if backend == "jax":
        import jax

        return [f"{device.platform.upper()}:{device.id} ({device.device_kind})"
                for device in jax.devices() if device.platform != "cpu"]
    import torch

    if torch.cuda.is_available():
        return [f"cuda:{i} ({torch.cuda.get_device_name(i)})"
                for i in range(torch.cuda.device_count())]
    if torch.backends.mps.is_available():
        return ["mps (Apple GPU)"]
    return []


def value_and_grad(f, *args, has_aux=False):
    """Evaluate ``f(*args)`` and its gradient with respect to each argument.

    The backend's own automatic differentiation (``tf.GradientTape``, ``jax.grad`` or
    ``torch.autograd``) does the work; arrays go in and come out.

    Parameters
    ----------
    f : callable
        Maps tensors shaped like ``args`` to a scalar tensor, with differentiable
        ``keras.ops`` (or Keras layers and models); with ``has_aux``, to
        ``(scalar, aux)`` where ``aux`` is any tensor or nest of tensors.
    *args : array_like
        Where to differentiate; converted to float32.
    has_aux : bool
        Whether ``f`` also returns auxiliary values (not differentiated).

    Returns
    -------
    value : numpy.ndarray
        ``f(*args)``, a scalar; ``(value, aux)`` with ``has_aux``.
    grads : tuple of numpy.ndarray
        d value / d arg for each argument, shaped like it. Zero where the value does not
        depend on the argument: no chain of operations leads from it to the value.
    """
    import keras

    args = [np.asarray(a, dtype="float32") for a in args]
    backend = keras.backend.backend()
    differentiate = {"tensorflow": _tensorflow_grad, "jax": _jax_grad, "torch": _torch_grad}
    out, grads = differentiate[backend](f, args, has_aux)
    numpy = lambda tree: keras.tree.map_structure(keras.ops.convert_to_numpy, tree)
    return numpy(out), tuple(numpy(g) for g in grads)


def _scalar(out, has_aux):
    value = out[0] if has_aux else out
    if len(np.shape(value)) != 0:
        raise ValueError(f"value_and_grad needs f to return a scalar, got shape {np.shape(value)}; "
                         "sum or average it first.")
    return value


def _tensorflow_grad(f, args, has_aux):
    import tensorflow as tf

    tensors = [tf.constant(a) for a in args]
    with tf.GradientTape() as tape:
        tape.watch(tensors)
        out = f(*tensors)
        value = tf.convert_to_tensor(_scalar(out, has_aux), dtype="float32")
    grads = tape.gradient(value, tensors, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return ((value, out[1]) if has_aux else value), grads


def _jax_grad(f, args, has_aux):
    import jax
    import jax.numpy as jnp

    def traced(*tensors):
        out = f(*tensors)
        value = jnp.asarray(_scalar(out, has_aux), dtype="float32")
        return (value, out[1]) if has_aux else value

    return jax.value_and_grad(traced, argnums=tuple(range(len(args))), has_aux=has_aux)(
        *(jnp.asarray(a) for a in args))


def _torch_grad(f, args, has_aux):
    import torch
    from keras import ops

    tensors = [ops.convert_to_tensor(a).detach().requires_grad_(True) for a in args]
    out = f(*tensors)
    value = ops.convert_to_tensor(_scalar(out, has_aux), dtype="float32")
    if value.requires_grad:
        grads = torch.autograd.grad(value, tensors, allow_unused=True)
    else:  # nothing in f's value depends on the arguments
        grads = [None] * len(tensors)
    grads = [torch.zeros_like(t) if g is None else g for t, g in zip(tensors, grads)]
    value = value.detach()
    return ((value, out[1]) if has_aux else value), grads
