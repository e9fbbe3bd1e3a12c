"""Run a model function over large arrays a slice at a time."""

import numbers

import numpy as np
from keras import ops

__all__ = ["check_batch_size", "check_count", "in_batches"]


def check_batch_size(batch_size):
    """Raise a ValueError unless ``batch_size`` is a positive integer."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer (examples per batch), got {batch_size!r}.")


def check_count(n, what):
    """Raise a ValueError unless ``n`` (the number of ``what``) is a whole number >= 0."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise ValueError(f"n is the number of {what}, a whole number >= 0; got {n!r}.")


def in_batches(fn, *arrays, batch_size=1024):
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
