"""The answers of notebook 10's exercises: their reference solutions and classic mistakes."""

import numpy as np

from ...corpus import FIRST_WORD, UNK
from ..engine import reference

__all__ = []  # reached by name: vaelearn.exercises.get(...).reference and .mistakes


@reference("word_dropout")
def word_dropout(tokens, rate, rng):
    hide = (rng.random(tokens.shape) < rate) & (tokens >= FIRST_WORD)
    return np.where(hide, UNK, tokens)
