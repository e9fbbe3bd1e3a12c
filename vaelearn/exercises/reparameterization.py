"""Exercise of notebook 04: the sampling step, written so that gradients get through it."""

import numpy as np
from keras import ops

from .engine import as_numbers, exercise

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)


def _arrays(seed=4):
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(5, 3)), rng.normal(size=(5, 3)), rng.normal(size=(5, 3))),
            (np.zeros((2, 2)), np.log(np.full((2, 2), 4.0)), np.ones((2, 2))),
            (np.array([[1.0]]), np.array([[-3.0]]), np.array([[-2.0]]))]


def _cases(seed=4):
    """Tensors, as inside a model: NumPy arrays on the left of an operator with a PyTorch
    tensor fail, so a keras.ops answer must get tensors to run on every backend."""
    return [tuple(ops.convert_to_tensor(a, "float32") for a in case) for case in _arrays(seed)]


_NUMPY_BREAKS = ("Automatic differentiation sees only operations on tensors; a NumPy function "
                 "turns the tensor into plain numbers. Use the keras.ops version of the function.")


def _gradients_reach_both(answer):
    """None if d(sum z)/d mu = 1 and d(sum z)/d log_var = sigma * eps / 2, else what is wrong."""
    from ..backend import value_and_grad

    mu, log_var, eps = _arrays()[0]
    try:
        _, (d_mu, d_log_var) = value_and_grad(
            lambda m, v: ops.sum(answer(m, v, ops.convert_to_tensor(eps, "float32"))), mu, log_var)
    except Exception as e:  # e.g. JAX refusing to turn a traced value into NumPy
        return f"Gradients cannot be computed through your function ({type(e).__name__}).", _NUMPY_BREAKS
    d_mu, d_log_var = as_numbers(d_mu), as_numbers(d_log_var)
    for name, grad in (("mu", d_mu), ("log_var", d_log_var)):
        if np.allclose(grad, 0):
            return f"No gradient reaches {name} through your function.", _NUMPY_BREAKS
    if not np.allclose(d_mu, 1.0, atol=1e-4):
        return "The gradient with respect to mu is not 1.", None
    if not np.allclose(d_log_var, 0.5 * np.exp(0.5 * log_var) * eps, atol=1e-4):
        return "The gradient with respect to log_var is not sigma * eps / 2.", None
    return None


exercise("reparameterize", cases=_cases, judge=_gradients_reach_both, rtol=1e-4, atol=1e-5)
