"""Run a model function over large arrays a slice at a time."""

import math

import keras
import numpy as np
from keras import ops

from .defaults import FLOATS_PER_PASS, PREDICT_BATCH_SIZE
from .validation import check_batch_size

__all__ = ["in_batches", "rows_per_pass"]


def rows_per_pass(network, rows):
    """``rows``, or fewer where one of ``network``'s layers outputs so many numbers per row
    that a pass of ``rows`` would hold more than :data:`~vaelearn.defaults.FLOATS_PER_PASS`
    in that output.

    Parameters
    ----------
    network : keras.Layer
        A Keras network (its nested networks' layers count too); layers whose output shape
        is unknown (never called, or subclassed) do not count.
    rows : int
        Rows per pass wanted.

    Returns
    -------
    int
        At least 1.

    Raises
    ------
    ValueError
        If ``rows`` is not a positive integer.
    """
    check_batch_size(rows)
    widest = _widest_output(network)
    return max(1, min(rows, FLOATS_PER_PASS // widest)) if widest else rows


def _widest_output(layer):
    """The most numbers per row that ``layer``, or any layer inside it, outputs (0: unknown)."""
    inner = getattr(layer, "layers", None)
    if inner:
        return max(map(_widest_output, inner), default=0)
    try:
        outputs = keras.tree.flatten(layer.output)
    except (AttributeError, ValueError):  # never called, or called more than once
        return 0
    sizes = [math.prod(t.shape[1:]) for t in outputs if None not in t.shape[1:]]
    return max(sizes, default=0)


def in_batches(fn, *arrays, batch_size=PREDICT_BATCH_SIZE):
    """``fn(*slices)`` on consecutive slices of the equally long ``arrays``.

    Parameters
    ----------
    fn : callable
        Maps slices (float32 arrays of up to ``batch_size`` rows each) to a tensor or a
        tuple of tensors.
    *arrays : array_like, shape (n, ...)
    batch_size : int

    Returns
    -------
    numpy.ndarray or tuple of numpy.ndarray
        The outputs concatenated along axis 0; empty inputs give empty outputs of the right
        shapes.
    """
    check_batch_size(batch_size)
    arrays = [np.asarray(a, dtype="float32") for a in arrays]
    n = len(arrays[0])
    if n == 0:  # one zero example gives the output shapes; none of its outputs is kept
        arrays = [np.zeros((1, *a.shape[1:]), dtype="float32") for a in arrays]
    outs = [fn(*(a[i:i + batch_size] for a in arrays)) for i in range(0, len(arrays[0]), batch_size)]

    def joined(parts):
        return np.concatenate([ops.convert_to_numpy(part) for part in parts])[:n]

    if isinstance(outs[0], (tuple, list)):
        return tuple(joined([o[j] for o in outs]) for j in range(len(outs[0])))
    return joined(outs)
