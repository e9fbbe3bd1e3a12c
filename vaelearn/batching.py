"""Run a model function over large arrays a slice at a time."""

import numpy as np
from keras import ops

from .defaults import PREDICT_BATCH_SIZE
from .validation import check_batch_size

__all__ = ["in_batches"]


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
