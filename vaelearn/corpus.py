"""Sentences for the text lesson: a corpus made by a fixed grammar, and a word vocabulary.

Typical use::

    corpus = make_corpus(4000, 1000, seed=0)
    vocab = Vocabulary.from_sentences(corpus.train)
    ids = vocab.encode(corpus.train, corpus.max_length)    # int32 (n, max_length)

The grammar's choices are independent and uniform, so its entropy is known exactly (about
13.5 nats per sentence): the floor under any model's negative log-likelihood, which the
sequence VAE (:mod:`vaelearn.sequence`) is measured against.
"""

import re
from dataclasses import dataclass

import numpy as np

from .randomness import numpy_generator

__all__ = ["BOS", "EOS", "FIRST_WORD", "PAD", "SPECIAL_TOKENS", "UNK", "Corpus", "Vocabulary",
           "make_corpus"]

PAD, BOS, EOS, UNK = 0, 1, 2, 3
FIRST_WORD = 4  # ids below are the special tokens above
SPECIAL_TOKENS = ("<pad>", "<bos>", "<eos>", "<unk>")

# The grammar: [det] [adj] noun verb [det] [adj] noun [place]. Every choice is independent
# and uniform, except that a sentence keeps one tense for its verb.
_DETERMINERS = ("the", "a")
_ADJECTIVES = ("small", "big", "red", "tall", "young", "happy")
_NOUNS = ("cat", "dog", "bird", "fox", "horse", "mouse", "girl", "boy")
_VERBS = {"present": ("sees", "likes", "chases", "finds", "follows", "helps"),
          "past": ("saw", "liked", "chased", "found", "followed", "helped")}
_PLACES = ("in the garden", "at night", "near the river", "on the hill")


@dataclass
class Corpus:
    """Sentences (lists of str) of a fixed grammar, split into ``train`` and ``test``.

    ``max_length``: the most words a sentence of the grammar has, plus one for its end token.
    """

    train: list
    test: list
    max_length: int

    def __repr__(self):
        return (f"Corpus({len(self.train)} train, {len(self.test)} test sentences, "
                f"at most {self.max_length - 1} words)")

    @staticmethod
    def is_grammatical(sentence):
        """Whether a sentence belongs to the grammar.

        Parameters
        ----------
        sentence : str

        Returns
        -------
        bool
        """
        return _SENTENCE.fullmatch(sentence) is not None


def _alternatives(words):
    return "(?:" + "|".join(words) + ")"


_NOUN_PHRASE = f"{_alternatives(_DETERMINERS)}(?: {_alternatives(_ADJECTIVES)})? {_alternatives(_NOUNS)}"
_SENTENCE = re.compile(
    f"{_NOUN_PHRASE} (?:{_alternatives(_VERBS['present'])}|{_alternatives(_VERBS['past'])}) "
    f"{_NOUN_PHRASE}(?: {_alternatives(_PLACES)})?")


def make_corpus(n_train=4000, n_test=1000, *, seed=None):
    """Sentences such as "the small cat chased a dog near the river", made by a fixed grammar.

    Each sentence chooses, independently and uniformly: a determiner, an adjective or none
    and a noun for its subject; a verb and its tense (present or past); the same for its
    object; and a place phrase or none: about 13.5 nats of choices per sentence, which a
    language model cannot predict from the words before them.

    Parameters
    ----------
    n_train, n_test : int
        Sentences in each split.
    seed : int, optional

    Returns
    -------
    Corpus
    """
    rng = numpy_generator(seed)

    def noun_phrase():
        words = [rng.choice(_DETERMINERS)]
        adjective = rng.integers(len(_ADJECTIVES) + 1)
        if adjective < len(_ADJECTIVES):
            words.append(_ADJECTIVES[adjective])
        return words + [rng.choice(_NOUNS)]

    def sentence():
        verbs = _VERBS[rng.choice(sorted(_VERBS))]
        words = noun_phrase() + [rng.choice(verbs)] + noun_phrase()
        place = rng.integers(len(_PLACES) + 1)
        if place < len(_PLACES):
            words.append(_PLACES[place])
        return " ".join(str(w) for w in words)

    longest = 2 * 3 + 1 + max(len(p.split()) for p in _PLACES)
    return Corpus([sentence() for _ in range(n_train)], [sentence() for _ in range(n_test)],
                  max_length=longest + 1)


class Vocabulary:
    """Words <-> integer ids, with four special tokens first: ``<pad>`` (0), ``<bos>`` (1, the
    start of a sentence), ``<eos>`` (2, its end) and ``<unk>`` (3, an unknown or hidden word).

    Parameters
    ----------
    words : sequence of str
        The words, in the order of their ids (from ``FIRST_WORD`` on).
    """

    def __init__(self, words):
        self.tokens = list(SPECIAL_TOKENS) + [w for w in words if w not in SPECIAL_TOKENS]
        self.ids = {token: i for i, token in enumerate(self.tokens)}

    @classmethod
    def from_sentences(cls, sentences):
        """The words of ``sentences`` (split on spaces), sorted."""
        return cls(sorted({word for s in sentences for word in s.split()}))

    def __len__(self):
        return len(self.tokens)

    def __repr__(self):
        return f"Vocabulary({len(self) - FIRST_WORD} words + {FIRST_WORD} special tokens)"

    def encode(self, sentences, max_length):
        """Sentences as token ids: the words, ``<eos>``, then ``<pad>``.

        Unknown words become ``<unk>``; a sentence with ``max_length`` words or more is cut
        so that its ``<eos>`` fits.

        Parameters
        ----------
        sentences : list of str
        max_length : int
            Tokens per sentence, its ``<eos>`` included.

        Returns
        -------
        numpy.ndarray of int32, shape (n, max_length)
        """
        ids = np.full((len(sentences), max_length), PAD, dtype="int32")
        for row, sentence in zip(ids, sentences):
            words = [self.ids.get(w, UNK) for w in sentence.split()][:max_length - 1]
            row[:len(words) + 1] = words + [EOS]
        return ids

    def decode(self, ids):
        """Token ids as sentences: the words up to the first ``<eos>``, without ``<pad>`` and
        ``<bos>``.

        Parameters
        ----------
        ids : array_like of int, shape (n, length)

        Returns
        -------
        list of str
        """
        sentences = []
        for row in np.asarray(ids):
            words = []
            for i in row:
                if i == EOS:
                    break
                if i not in (PAD, BOS):
                    words.append(self.tokens[i])
            sentences.append(" ".join(words))
        return sentences
