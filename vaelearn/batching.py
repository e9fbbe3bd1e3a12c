"""Run a model function over large arrays a slice at a time."""

import numpy as np
from keras import ops

__all__ = ["in_batches"]


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
        The outputs concatenated along axis 0.
    """
    arrays = [np.asarray(a, dtype="float32") for a in arrays]
    outs = [fn(*(a[i:i + batch_size] for a in arrays)) for i in range(0, len(arrays[0]), batch_size)]
    if isinstance(outs[0], (tuple, list)):
        return tuple(np.concatenate([ops.convert_to_numpy(o[j]) for o in outs])
                     for j in range(len(outs[0])))
    return np.concatenate([ops.convert_to_numpy(o) for o in outs])
