"""Exercises of notebook 10: text generation with a sequence VAE."""

import numpy as np

from ..corpus import EOS, FIRST_WORD, UNK
from .engine import exercise

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)

# A batch of decoder inputs: <bos>, 3 to 10 words (ids 4-39), <eos>, then <pad>.
_ROWS, _LENGTH = 2000, 12


def _decoder_inputs(seed):
    rng = np.random.default_rng(seed)
    tokens = np.zeros((_ROWS, _LENGTH), dtype="int32")
    tokens[:, 0] = 1
    for row, n_words in zip(tokens, rng.integers(3, 11, size=_ROWS)):
        row[1:n_words + 1] = rng.integers(FIRST_WORD, 40, size=n_words)
        row[n_words + 1] = EOS
    return tokens


def _cases(seed=0):
    return [(_decoder_inputs(seed), 0.0, np.random.default_rng(seed + 1)),
            (_decoder_inputs(seed + 2), 1.0, np.random.default_rng(seed + 3)),
            (_decoder_inputs(seed + 4), 0.5, np.random.default_rng(seed + 5)),
            (_decoder_inputs(seed + 6), 0.2, np.random.default_rng(seed + 7))]


def _accept(answer, tokens, rate, rng):
    """None if ``answer`` is a word dropout of ``tokens`` at ``rate``, else what is wrong."""
    if np.any(tokens == UNK):  # the test inputs hold no <unk>: the answer hid words in them
        return ("Your function changed `tokens` itself: work on a copy and return that, so the "
                "caller's batch stays intact.")
    words = tokens >= FIRST_WORD
    if np.any(answer[~words] != tokens[~words]):
        return ("Some special tokens (<bos>, <eos> or <pad>, ids below text.FIRST_WORD) were "
                "changed: only words may be hidden.")
    kept_or_hidden = (answer[words] == tokens[words]) | (answer[words] == UNK)
    if not np.all(kept_or_hidden):
        return "Each word must stay as it is or become text.UNK; some became other ids."
    hidden = (answer == UNK) & words
    if 0 < rate < 1:
        independent = rate * (1 - rate)
        rows_with_words = words.any(axis=1)
        row_share = hidden.sum(axis=1)[rows_with_words] / words.sum(axis=1)[rows_with_words]
        column_share = hidden[:, 1:4].mean(axis=0)  # positions that always hold a word
        if np.var(row_share) > 0.5 * independent or np.max(np.abs(column_share - rate)) > 0.1:
            return ("Your words are hidden together (whole sentences, or the same positions in "
                    "every sentence): draw a separate decision for every token.")
    share = hidden.sum() / words.sum()
    tolerance = 4 * np.sqrt(rate * (1 - rate) / words.sum()) + 1e-12
    if abs(share - rate) > tolerance:
        if abs(share - (1 - rate)) <= tolerance:
            return (f"With rate={rate} you hid {share:.1%} of the words: `rate` is the "
                    "probability of hiding a word, not of keeping it.")
        return f"With rate={rate} you hid {share:.1%} of the words, expected about {rate:.0%}."
    return None


exercise("word_dropout", cases=_cases, accept=_accept)
