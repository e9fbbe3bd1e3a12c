"""The answers of notebook 04's exercises: their reference solutions and classic mistakes."""

from keras import ops

from ..engine import Mistake, reference

__all__ = []  # reached by name: vaelearn.exercises.get(...).reference and .mistakes


@reference("reparameterize", mistakes=[
    Mistake(lambda mu, log_var, eps: mu + ops.exp(log_var) * eps,
            "eps is scaled by the variance; it must be scaled by the standard deviation. "
            "How do you get a standard deviation from a log-variance?"),
    Mistake(lambda mu, log_var, eps: mu + log_var * eps,
            "log_var is the logarithm of the variance, not a standard deviation."),
    Mistake(lambda mu, log_var, eps: mu + ops.exp(log_var / 2),
            "The noise eps is missing: every draw would be the same number."),
])
def reparameterize(mu, log_var, eps):
    return mu + ops.exp(0.5 * log_var) * eps
