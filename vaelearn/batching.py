"""Run a model function over large arrays a slice at a time."""

import numpy as np
from keras import ops


def in_batches(fn, *arrays, batch_size=1024):
    """``fn(*slices)`` on consecutive slices of the equally long ``arrays`` (as float32).

    Returns the outputs concatenated as NumPy arrays; a function returning a tuple of
    tensors gives a tuple of arrays."""
    arrays = [np.asarray(a, dtype="float32") for a in arrays]
    outs = [fn(*(a[i:i + batch_size] for a in arrays)) for i in range(0, len(arrays[0]), batch_size)]
    if isinstance(outs[0], (tuple, list)):
        return tuple(np.concatenate([ops.convert_to_numpy(o[j]) for o in outs])
                     for j in range(len(outs[0])))
    return np.concatenate([ops.convert_to_numpy(o) for o in outs])
