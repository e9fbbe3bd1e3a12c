"""Input checks that say how to fix what they reject, in one place.

Every check raises a ``ValueError`` whose message names the problem and the fix; nothing
here imports Keras until a tensor has to be read.
"""

import math
import numbers

import numpy as np

__all__ = ["check_batch_size", "check_choice", "check_count", "check_examples",
           "first_batch", "is_array_like", "to_numpy"]


def check_choice(value, allowed, what):
    """Raise a ValueError unless ``value`` is one of ``allowed``.

    Parameters
    ----------
    value : object
    allowed : collection
    what : str
        What the value is, for the message (e.g. ``"likelihood"``).
    """
    if value not in allowed:
        raise ValueError(f"Unknown {what} {value!r}; choose one of {', '.join(map(str, allowed))}.")


def check_batch_size(batch_size):
    """Raise a ValueError unless ``batch_size`` is a positive integer.

    Parameters
    ----------
    batch_size : object
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer (examples per batch), got {batch_size!r}.")


def check_count(n_samples, what):
    """Raise a ValueError unless ``n_samples`` is a whole number >= 0.

    Parameters
    ----------
    n_samples : object
    what : str
        What is counted, for the message (e.g. ``"images to sample"``).
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral) or n_samples < 0:
        raise ValueError(f"n_samples is the number of {what}, a whole number >= 0; got {n_samples!r}.")


def is_array_like(data):
    """Whether ``data`` is an array or a tensor: of this backend, or of another library that
    Keras accepts too (a ``tf.Tensor`` with the JAX or PyTorch backend).

    Parameters
    ----------
    data : object

    Returns
    -------
    bool
    """
    if isinstance(data, np.ndarray) or (hasattr(data, "__array__") and hasattr(data, "shape")):
        return True
    from keras import ops

    return ops.is_tensor(data)


def to_numpy(data):
    """An array or a tensor of any backend as a NumPy array.

    Parameters
    ----------
    data : array_like or tensor

    Returns
    -------
    numpy.ndarray
    """
    if isinstance(data, np.ndarray):
        return data
    from keras import ops

    return ops.convert_to_numpy(data) if ops.is_tensor(data) else np.asarray(data)


def check_examples(x, example_shape, *, unit_interval=False, likelihood="bernoulli",
                   allow_empty=False):
    """Raise a ValueError that says how to fix examples that are empty (unless
    ``allow_empty``), of the wrong shape, not finite or (with ``unit_interval``) outside [0, 1].

    Parameters
    ----------
    x : array_like or tensor, shape (n_examples, *example_shape)
    example_shape : tuple of int
        The shape of one example the model expects.
    unit_interval : bool
        Whether values must lie in [0, 1] (the pixels of a Bernoulli or discretized logistic
        likelihood).
    likelihood : str
        The model's likelihood, which the message names.
    allow_empty : bool
        Whether no examples at all are fine (encoding none gives none; training on none is not).
    """
    x = to_numpy(x)
    example_shape = tuple(example_shape)
    wanted = ", ".join(map(str, example_shape))
    if x.ndim == 0 or (len(x) == 0 and not allow_empty):
        raise ValueError(f"Got no examples (an array shaped {x.shape}); pass at least one, "
                         f"shaped (n, {wanted}).")
    if x.shape[1:] != example_shape:
        hint = ""
        if math.prod(x.shape[1:]) == math.prod(example_shape):
            hint = f" Reshape them with x.reshape(-1, {wanted})."
        raise ValueError(f"This model expects examples shaped {example_shape}, got {x.shape[1:]} "
                         f"(an array shaped {x.shape}).{hint}")
    if not np.all(np.isfinite(x)):
        raise ValueError("The inputs contain NaN or infinite values.")
    if unit_interval and x.size and (x.min() < 0 or x.max() > 1):
        raise ValueError(
            f"The {likelihood!r} likelihood needs inputs in [0, 1], got values in [{x.min():.3g}, "
            f"{x.max():.3g}]. Scale the data (e.g. x / 255) or use likelihood='gaussian'.")


def first_batch(data):
    """The inputs of the first batch of a ``tf.data.Dataset`` or ``keras.utils.PyDataset``.

    Parameters
    ----------
    data : object

    Returns
    -------
    numpy.ndarray or None
        None for other data (generators), which cannot be read without consuming it.
    """
    import keras

    if isinstance(data, keras.utils.PyDataset):
        batch = data[0]
    elif type(data).__module__.startswith("tensorflow") and hasattr(data, "take"):
        batch = next(iter(data.take(1)), None)
    else:
        return None
    if isinstance(batch, (tuple, list)):
        batch = batch[0] if batch else None
    return None if batch is None or isinstance(batch, dict) else to_numpy(batch)
