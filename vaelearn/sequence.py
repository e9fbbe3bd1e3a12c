"""A sequence VAE of sentences, with a recurrent (GRU) decoder.

Typical use::

    corpus = vaelearn.corpus.make_corpus(4000, 1000, seed=0)
    vocab = vaelearn.corpus.Vocabulary.from_sentences(corpus.train)
    vae = make_sequence_vae(vocab, corpus.max_length, latent_dim=16)
    vae.fit(corpus.train, epochs=30)
    vae.sample(5, seed=0)                       # five sentences drawn from the prior
    vae.interpolate("the cat sees the dog", "a big bird follows a fox", steps=5)

The decoder is an autoregressive language model: it predicts each word from the words
before it (teacher forcing: the true previous words during training) and from the code z,
which sets its initial state (Bowman et al., 2016). Such a decoder can model the sentences
without z, which is why a plain sequence VAE tends to ignore its code: posterior collapse.
``word_dropout`` (hiding previous words from the decoder during training), ``free_bits`` and
KL annealing (:class:`vaelearn.training.KLAnnealing`) counter it.
"""

import keras
import numpy as np
from keras import layers, ops

from .batching import in_batches
from .corpus import BOS, FIRST_WORD, PAD, UNK, Vocabulary
from .course_model import CourseModel
from .defaults import LEARNING_RATE, PREDICT_BATCH_SIZE, WARMUP_STEPS
from .networks import Sampling, serializable
from .randomness import numpy_generator, spawn_seeds
from .validation import check_count

__all__ = ["SequenceVAE", "make_sequence_vae"]


@serializable
class SequenceVAE(CourseModel):
    """A VAE of sentences: an MLP encoder, and a GRU language model as decoder whose initial
    state is set by the code z (Bowman et al., 2016).

    The encoder reads the word vectors of the whole padded sentence at once (a dense layer
    on their concatenation: cheaper than Bowman's recurrent encoder, and the sentences are
    short); what makes posterior collapse likely is the decoder, not the encoder.

    It trains on the course's objective (:func:`vaelearn.objectives.negative_elbo`), per
    sentence in nats: reconstruction_loss = -log p(x|z) summed over the words and the end
    token (one z ~ q(z|x)), kl_loss = KL(q(z|x) || N(0, I)) with free bits.

    During training the decoder reads the true previous words (teacher forcing); with
    ``word_dropout`` = p each of them is replaced by ``<unk>`` with probability p, so the
    decoder has to get what it cannot see from z.

    Parameters
    ----------
    vocabulary : list of str
        The tokens, in id order (``Vocabulary.tokens``).
    max_length : int
        Tokens per sentence, its ``<eos>`` included.
    latent_dim, embedding_dim, units : int
        Sizes of the code, the word vectors and the GRU's state.
    beta, word_dropout, free_bits : float
    seed : int, optional
        Seeds the initial weights (the model builds its own layers) and its draws while it
        trains (the reparameterisation noise and the word dropout).
    """

    def __init__(self, vocabulary, max_length, *, latent_dim=16, embedding_dim=32, units=64,
                 beta=1.0, word_dropout=0.0, free_bits=0.0, seed=None, **kwargs):
        super().__init__(beta=beta, free_bits=free_bits, seed=seed, **kwargs)
        if not 0.0 <= word_dropout <= 1.0:
            raise ValueError(f"word_dropout is a probability in [0, 1], got {word_dropout!r}.")
        self.vocabulary = Vocabulary(list(vocabulary)[FIRST_WORD:])
        self.max_length, self.latent_dim = int(max_length), int(latent_dim)
        self.embedding_dim, self.units = int(embedding_dim), int(units)
        self.word_dropout = float(word_dropout)
        seeds = iter(spawn_seeds(seed, 10))

        def initializer(kind):
            return kind(seed=next(seeds))

        glorot = keras.initializers.GlorotUniform
        self.embedding = layers.Embedding(
            len(self.vocabulary), self.embedding_dim, name="embedding",
            embeddings_initializer=initializer(keras.initializers.RandomUniform))
        self.flatten = layers.Flatten()
        self.encoder_hidden = layers.Dense(self.units, activation="relu", name="encoder_hidden",
                                           kernel_initializer=initializer(glorot))
        self.z_mean = layers.Dense(self.latent_dim, name="z_mean",
                                   kernel_initializer=initializer(glorot))
        self.z_log_var = layers.Dense(self.latent_dim, name="z_log_var",
                                      kernel_initializer=initializer(glorot))
        self.initial_state = layers.Dense(self.units, activation="tanh", name="initial_state",
                                          kernel_initializer=initializer(glorot))
        self.decoder_rnn = layers.GRU(
            self.units, return_sequences=True, return_state=True, name="decoder_gru",
            kernel_initializer=initializer(glorot),
            recurrent_initializer=initializer(keras.initializers.Orthogonal))
        self.next_word = layers.Dense(len(self.vocabulary), name="next_word",
                                      kernel_initializer=initializer(glorot))
        self.sampling = Sampling(seed=next(seeds))
        self.dropout_seed = keras.random.SeedGenerator(next(seeds))
        self._build_layers()
        self.built = True  # every layer is built: the model can be saved unfitted

    def _build_layers(self):
        # Build every layer now, so that weights exist before fit (and load) without a call.
        tokens = ops.zeros((1, self.max_length), dtype="int32")
        z_mean, _ = self._encode(tokens)
        self._decode_logits(tokens, z_mean)

    # The two networks ----------------------------------------------------------------------

    def _encode(self, tokens):
        h = self.encoder_hidden(self.flatten(self.embedding(tokens)))
        return self.z_mean(h), self.z_log_var(h)

    def _decode_logits(self, decoder_inputs, z):
        sequence, _ = self.decoder_rnn(self.embedding(decoder_inputs),
                                       initial_state=self.initial_state(z))
        return self.next_word(sequence)

    def _decoder_inputs(self, tokens, training):
        """<bos> followed by the sentence shifted right by one; during training each word
        is hidden (replaced by <unk>) with probability ``word_dropout``."""
        tokens = ops.cast(tokens, "int32")
        bos = ops.full((ops.shape(tokens)[0], 1), BOS, dtype="int32")
        inputs = ops.concatenate([bos, tokens[:, :-1]], axis=1)
        if training and self.word_dropout > 0:
            hide = keras.random.uniform(ops.shape(inputs), seed=self.dropout_seed) < self.word_dropout
            hide = ops.logical_and(hide, inputs >= FIRST_WORD)
            inputs = ops.where(hide, ops.full_like(inputs, UNK), inputs)
        return inputs

    def call(self, tokens, training=False):
        z_mean, z_log_var = self._encode(tokens)
        z = self.sampling([z_mean, z_log_var])
        logits = self._decode_logits(self._decoder_inputs(tokens, training), z)
        return {"reconstruction": logits, "target": tokens, "z_mean": z_mean,
                "z_log_var": z_log_var}

    def decoder_log_likelihood(self, x, decoder_output):
        """log p(x|z) per sentence in nats, read from the decoder's logits.

        Parameters
        ----------
        x : tensor, shape (n, max_length)
            Token ids.
        decoder_output : tensor, shape (n, max_length, vocabulary size)
            The decoder's logits for each next token.

        Returns
        -------
        tensor, shape (n,)
            Differentiable; padding counts for nothing.
        """
        tokens = ops.cast(x, "int32")
        nll = ops.sparse_categorical_crossentropy(tokens, ops.cast(decoder_output, "float32"),
                                                  from_logits=True)
        return -ops.sum(nll * ops.cast(tokens != PAD, "float32"), axis=1)

    # Arrays in, arrays out -----------------------------------------------------------------

    def tokens(self, x):
        """Sentences as token ids.

        Parameters
        ----------
        x : str, list of str or array_like of int, shape (n, max_length)

        Returns
        -------
        numpy.ndarray of int32, shape (n, max_length)
        """
        if isinstance(x, str):
            x = [x]
        array = np.asarray(x)
        if array.dtype.kind in "iu":
            if array.ndim != 2 or array.shape[1] != self.max_length:
                raise ValueError(f"Token ids must be shaped (n, {self.max_length}), got "
                                 f"{array.shape}; or pass the sentences as strings.")
            if array.size and (array.min() < 0 or array.max() >= len(self.vocabulary)):
                raise ValueError(f"Token ids must lie in 0..{len(self.vocabulary) - 1}.")
            return array.astype("int32")
        if array.ndim != 1 or array.dtype.kind not in "UO":
            raise ValueError("Pass sentences as a list of strings, or token ids shaped "
                             f"(n, {self.max_length}) as Vocabulary.encode makes them.")
        return self.vocabulary.encode(list(x), self.max_length)

    def keras_data(self, x, y=None, *, sample_weight=None):
        """Sentences as Keras' ``fit`` and ``evaluate`` take them; a sequence VAE takes no labels.

        Parameters
        ----------
        x : list of str or array_like of int, shape (n, max_length)
        y : None
        sample_weight : array_like, optional

        Returns
        -------
        inputs, targets
        """
        if y is not None:
            raise ValueError("A SequenceVAE learns to reproduce its sentences: it takes no "
                             "labels y.")
        return self.tokens(x), (None if sample_weight is None else np.zeros(len(x), "float32"))

    def encode(self, x, *, batch_size=PREDICT_BATCH_SIZE):
        """The posterior q(z|x) of each sentence.

        Parameters
        ----------
        x : list of str or array_like of int, shape (n, max_length)
        batch_size : int
            Sentences per forward pass.

        Returns
        -------
        z_mean, z_log_var : numpy.ndarray, shape (n, latent_dim)
        """
        return in_batches(lambda t: self._encode(ops.cast(t, "int32")), self.tokens(x),
                          batch_size=batch_size)

    def transform(self, x, *, batch_size=PREDICT_BATCH_SIZE):
        """The posterior mean of each sentence: its point code.

        Parameters
        ----------
        x : list of str or array_like of int, shape (n, max_length)
        batch_size : int

        Returns
        -------
        numpy.ndarray, shape (n, latent_dim)
        """
        return self.encode(x, batch_size=batch_size)[0]

    def log_likelihood(self, x, z, *, batch_size=PREDICT_BATCH_SIZE):
        """log p(x|z) of each sentence: how well the decoder predicts its words when it
        starts from the code given for it.

        Parameters
        ----------
        x : list of str or array_like of int, shape (n, max_length)
        z : array_like, shape (n, latent_dim)
        batch_size : int

        Returns
        -------
        numpy.ndarray, shape (n,)
            Nats.
        """
        def batch(t, zb):
            logits = self._decode_logits(self._decoder_inputs(t, False), zb)
            return self.decoder_log_likelihood(t, logits)

        return in_batches(batch, self.tokens(x), z, batch_size=batch_size)

    def decode(self, z, *, softmax_temperature=0.0, seed=None):
        """Generate one sentence per code ``z`` ``(n, latent_dim)``, a word at a time.

        Parameters
        ----------
        z : array_like, shape (n, latent_dim)
        softmax_temperature : float
            0 picks the most likely word at each step (greedy decoding); a positive value T
            draws each word from the decoder's softmax(logits / T).
        seed : int or numpy.random.Generator, optional

        Returns
        -------
        list of str
        """
        rng = numpy_generator(seed)
        z = np.asarray(z, dtype="float32")
        state = self.initial_state(z)
        word = np.full((len(z), 1), BOS, dtype="int32")
        ids = np.zeros((len(z), self.max_length), dtype="int32")
        for t in range(self.max_length):
            out, state = self.decoder_rnn(self.embedding(word), initial_state=state)
            logits = ops.convert_to_numpy(self.next_word(out[:, 0])).astype("float64")
            logits[:, [PAD, BOS, UNK]] = -np.inf  # never generated
            if softmax_temperature == 0:
                choice = logits.argmax(axis=1)
            else:
                p = np.exp((logits - logits.max(axis=1, keepdims=True)) / softmax_temperature)
                p /= p.sum(axis=1, keepdims=True)
                choice = (p.cumsum(axis=1) > rng.random((len(z), 1))).argmax(axis=1)
            ids[:, t] = choice
            word = choice[:, None].astype("int32")
        return self.vocabulary.decode(ids)

    def reconstruct(self, x):
        """Greedy decoding of each sentence's point code.

        Parameters
        ----------
        x : list of str or array_like of int, shape (n, max_length)

        Returns
        -------
        list of str
        """
        return self.decode(self.transform(x))

    def sample(self, n_samples, *, temperature=1.0, softmax_temperature=1.0, seed=None):
        """Sentences from the model: codes from the prior at ``temperature`` T,
        z ~ N(0, T^2 I), then words drawn at ``softmax_temperature`` (0: greedy).

        Parameters
        ----------
        n_samples : int
        temperature : float
        softmax_temperature : float
        seed : int, optional

        Returns
        -------
        list of str
        """
        check_count(n_samples, "sentences")
        rng = numpy_generator(seed)
        z = (temperature * rng.standard_normal((n_samples, self.latent_dim))).astype("float32")
        return self.decode(z, softmax_temperature=softmax_temperature, seed=rng)

    def interpolate(self, start, end, *, steps=5):
        """Greedy decodings of evenly spaced codes on the line between two sentences' codes.

        Parameters
        ----------
        start, end : str
        steps : int
            Codes, both ends included.

        Returns
        -------
        list of str
        """
        z = self.transform([start, end])
        t = np.linspace(0.0, 1.0, steps, dtype="float32")[:, None]
        return self.decode((1 - t) * z[0] + t * z[1])

    def get_config(self):
        return {**super().get_config(), "vocabulary": self.vocabulary.tokens,
                "max_length": self.max_length, "latent_dim": self.latent_dim,
                "embedding_dim": self.embedding_dim, "units": self.units,
                "word_dropout": self.word_dropout}


def make_sequence_vae(vocabulary, max_length, *, latent_dim=16, embedding_dim=32, units=64,
                      beta=1.0, word_dropout=0.0, free_bits=0.0, seed=None,
                      learning_rate=LEARNING_RATE, warmup_steps=WARMUP_STEPS):
    """Build and compile a :class:`SequenceVAE` with the course's defaults.

    Parameters
    ----------
    vocabulary : Vocabulary or list of str
    max_length : int
        Tokens per sentence, its ``<eos>`` included.
    latent_dim, embedding_dim, units, beta, word_dropout, free_bits
        As in :class:`SequenceVAE`.
    seed, learning_rate, warmup_steps
        As in :func:`vaelearn.models.make_vae`.

    Returns
    -------
    SequenceVAE
    """
    tokens = vocabulary.tokens if isinstance(vocabulary, Vocabulary) else list(vocabulary)
    vae = SequenceVAE(tokens, max_length, latent_dim=latent_dim, embedding_dim=embedding_dim,
                      units=units, beta=beta, word_dropout=word_dropout, free_bits=free_bits,
                      seed=seed)
    vae.compile_with_defaults(learning_rate=learning_rate, warmup_steps=warmup_steps)
    return vae
