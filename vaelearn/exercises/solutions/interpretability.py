"""The answers of notebook 09's exercises: their reference solutions and classic mistakes."""

import numpy as np

from ..engine import Mistake, reference

__all__ = []  # reached by name: vaelearn.exercises.get(...).reference and .mistakes


def _best_two(info, axis=0):
    ranked = np.sort(np.asarray(info, dtype="float64"), axis=axis)
    return np.take(ranked, -1, axis=axis), np.take(ranked, -2, axis=axis)


def _lead_over_mean_of_others(info, entropy):
    first, _ = _best_two(info)
    return (first - (np.sum(info, axis=0) - first) / (len(info) - 1)) / entropy


@reference("information_gap", mistakes=[
    Mistake(lambda info, entropy: np.subtract(*_best_two(info)),
            "Your gaps are in nats: MIG divides each factor's gap by that factor's entropy, so "
            "that it is a share between 0 and 1."),
    Mistake(lambda info, entropy: np.subtract(*_best_two(info)) / _best_two(info)[0],
            "Divide by the factor's entropy H(v_k), not by the largest information: a factor the "
            "code barely holds must score low."),
    Mistake(lambda info, entropy: -np.subtract(*_best_two(info)) / entropy,
            "Your gaps are negative: the gap is the best dimension's lead over the runner-up."),
    Mistake(_lead_over_mean_of_others,
            "The gap is the lead over the runner-up (the second largest), not over the average "
            "of the other dimensions."),
    Mistake(lambda info, entropy: (_best_two(info)[0] - np.min(info, axis=0)) / entropy,
            "The gap is the lead over the runner-up (the second largest), not over the smallest."),
    Mistake(lambda info, entropy: np.subtract(*_best_two(info, axis=1)) / entropy,
            "You compared the factors of each code dimension (a row of info); the gap compares "
            "the code dimensions for each factor (a column)."),
])
def information_gap(info, entropy):
    ranked = np.sort(info, axis=0)
    return (ranked[-1] - ranked[-2]) / entropy
