"""The text lesson's corpus and vocabulary (vaelearn.corpus) and sequence VAE
(vaelearn.sequence)."""

import keras
import numpy as np
import pytest

import vaelearn as vl
from vaelearn.corpus import BOS, EOS, FIRST_WORD, PAD, UNK, Corpus, Vocabulary, make_corpus
from vaelearn.sequence import make_sequence_vae


@pytest.fixture(scope="module")
def corpus():
    return make_corpus(600, 100, seed=0)


@pytest.fixture(scope="module")
def vocab(corpus):
    return Vocabulary.from_sentences(corpus.train)


@pytest.fixture(scope="module")
def trained(corpus, vocab):
    vl.seed(0)
    vae = make_sequence_vae(vocab, corpus.max_length, latent_dim=4, embedding_dim=8,
                                 units=16, beta=0.5, seed=0)
    history = vae.fit(corpus.train, epochs=3, batch_size=64, verbose=0).history
    return vae, history


def test_corpus_is_reproducible_and_grammatical(corpus):
    assert corpus.train == make_corpus(600, 100, seed=0).train
    assert corpus.train != make_corpus(600, 100, seed=1).train
    assert len(corpus.train) == 600 and len(corpus.test) == 100
    assert all(corpus.is_grammatical(s) for s in corpus.train + corpus.test)
    longest = max(len(s.split()) for s in corpus.train)
    assert longest + 1 <= corpus.max_length
    assert len(set(corpus.train)) > 500  # choices are many: sentences rarely repeat


@pytest.mark.parametrize("sentence", [
    "the cat sees the dog on the hill and",    # a word too many
    "the cat the dog",                         # no verb
    "the cat sees dog",                        # no determiner
    "the cat sees the small",                  # no noun
    "cat the sees the dog",                    # words out of order
])
def test_ungrammatical_sentences_are_recognised(sentence):
    assert not Corpus.is_grammatical(sentence)
    assert Corpus.is_grammatical("the small cat chased a dog near the river")


def test_vocabulary_round_trip(vocab, corpus):
    ids = vocab.encode(corpus.test[:5], corpus.max_length)
    assert ids.shape == (5, corpus.max_length) and ids.dtype == np.int32
    assert vocab.decode(ids) == corpus.test[:5]
    row = vocab.encode(["the cat sees the dog"], 8)[0]
    assert list(row[5:]) == [EOS, PAD, PAD] and row[:5].min() >= FIRST_WORD
    assert vocab.tokens[:FIRST_WORD] == ["<pad>", "<bos>", "<eos>", "<unk>"]


def test_unknown_words_and_long_sentences(vocab):
    row = vocab.encode(["the zebra sees the dog"], 8)[0]
    assert row[1] == UNK
    cut = vocab.encode(["the cat sees the dog near the river"], 4)[0]
    assert list(cut) == [vocab.ids["the"], vocab.ids["cat"], vocab.ids["sees"], EOS]


def test_training_lowers_the_loss(trained):
    _, logs = trained
    assert logs["loss"][-1] < logs["loss"][0]


def test_shapes_and_strings(trained, corpus):
    vae, _ = trained
    z_mean, z_log_var = vae.encode(corpus.test[:7])
    assert z_mean.shape == z_log_var.shape == (7, 4)
    assert vae.transform(corpus.test[:7]).shape == (7, 4)
    assert vae.log_likelihood(corpus.test[:7], z_mean).shape == (7,)
    assert np.all(vae.log_likelihood(corpus.test[:7], z_mean) < 0)
    for sentences in (vae.sample(5, seed=0), vae.reconstruct(corpus.test[:5]),
                      vae.decode(z_mean[:5]), vae.interpolate(corpus.test[0], corpus.test[1], steps=5)):
        assert len(sentences) == 5 and all(isinstance(s, str) for s in sentences)
    assert vae.sample(3, seed=1) == vae.sample(3, seed=1)
    # token ids and strings are the same input
    ids = vae.vocabulary.encode(corpus.test[:7], corpus.max_length)
    np.testing.assert_allclose(vae.transform(ids), z_mean, rtol=1e-6)


def test_greedy_decoding_follows_the_teacher_forced_decoder(trained):
    # Generating a word at a time must compute what the training graph computes: feed the
    # greedy sentence back with teacher forcing and each of its words is the argmax.
    vae, _ = trained
    z = np.random.default_rng(0).normal(size=(20, 4)).astype("float32")
    sentences = vae.decode(z)
    ids = vae.tokens(sentences)
    inputs = vae._decoder_inputs(ids, training=False)
    logits = keras.ops.convert_to_numpy(vae._decode_logits(inputs, z))
    logits[..., [PAD, BOS, UNK]] = -np.inf
    for sentence, row, row_logits in zip(sentences, ids, logits):
        words = len(sentence.split())
        # the words and the end token; a sentence that never ended was cut to make room for it
        n = words + 1 if words < vae.max_length else vae.max_length - 1
        np.testing.assert_array_equal(row_logits[:n].argmax(axis=-1), row[:n])


def test_word_dropout_hides_words_only_during_training(corpus, vocab):
    vae = make_sequence_vae(vocab, corpus.max_length, latent_dim=2, units=8,
                                 word_dropout=0.5, seed=0)
    ids = vocab.encode(corpus.train, corpus.max_length)
    clean = keras.ops.convert_to_numpy(vae._decoder_inputs(ids, training=False))
    assert (clean[:, 0] == BOS).all() and (clean[:, 1:] == ids[:, :-1]).all()  # teacher forcing
    dropped = keras.ops.convert_to_numpy(vae._decoder_inputs(ids, training=True))
    words = clean >= FIRST_WORD
    assert (dropped[~words] == clean[~words]).all()  # <bos>, <eos> and <pad> stay
    hidden = dropped[words] == UNK
    assert (dropped[words][~hidden] == clean[words][~hidden]).all()
    assert hidden.mean() == pytest.approx(0.5, abs=0.03)


def test_free_bits_keep_the_kl_term_at_least_lambda_per_dimension(corpus, vocab):
    vae = make_sequence_vae(vocab, corpus.max_length, latent_dim=3, units=8,
                                 free_bits=0.25, seed=0)
    ids = vocab.encode(corpus.train[:32], corpus.max_length)
    outputs = vae(ids)
    outputs["z_mean"] = keras.ops.zeros_like(outputs["z_mean"])  # q = p: no information
    outputs["z_log_var"] = keras.ops.zeros_like(outputs["z_log_var"])
    loss = vae.compute_loss(ids, None, outputs)
    rec = -keras.ops.convert_to_numpy(vae.decoder_log_likelihood(ids, outputs["reconstruction"])).mean()
    assert float(loss) == pytest.approx(rec + 3 * 0.25, rel=1e-5)


def test_kl_annealing_drives_its_beta(corpus, vocab):
    vae = make_sequence_vae(vocab, corpus.max_length, latent_dim=2, units=8, beta=0.0, seed=0)
    history = vae.fit(corpus.train[:128], epochs=3, verbose=0,
                      callbacks=[vl.training.KLAnnealing(3, start=0.0, stop=1.0)])
    assert history.history["beta"] == [0.0, 0.5, 1.0]
    assert history.params["steps"] == 128 // vl.defaults.BATCH_SIZE  # the course's batch size


@pytest.mark.parametrize("bad, message", [
    (np.zeros((2, 3), dtype="int32"), "shaped"),
    (np.full((2, 11), 999, dtype="int32"), "lie in"),
    (np.zeros((2, 11), dtype="float32"), "list of strings"),
])
def test_bad_inputs_say_what_to_pass(trained, bad, message):
    vae, _ = trained
    with pytest.raises(ValueError, match=message):
        vae.transform(bad)


def test_word_dropout_must_be_a_probability(corpus, vocab):
    with pytest.raises(ValueError, match="probability"):
        make_sequence_vae(vocab, corpus.max_length, word_dropout=1.5)


def test_the_prior_temperature_and_the_softmax_temperature_are_separate(trained):
    vae, _ = trained
    origin = vae.decode(np.zeros((4, 4), "float32"))  # greedy: softmax_temperature=0
    # A prior at temperature 0 draws z = 0 only; words drawn greedily: the decoding of z = 0.
    assert vae.sample(4, temperature=0.0, softmax_temperature=0.0, seed=5) == origin
    # Words drawn from the softmax are seeded by the call's seed alone.
    drawn = vae.sample(6, temperature=0.0, softmax_temperature=1.0, seed=7)
    assert drawn == vae.sample(6, temperature=0.0, softmax_temperature=1.0, seed=7)
    assert vae.decode(np.zeros((6, 4), "float32"), softmax_temperature=1.0, seed=7) != origin[:1] * 6


def test_validation_sentences_are_taken_as_fit_takes_its_sentences(corpus, vocab):
    vae = make_sequence_vae(vocab, corpus.max_length, latent_dim=2, units=8, seed=0)
    logs = vae.fit(corpus.train[:64], epochs=1, verbose=0, validation_data=corpus.test[:32]).history
    assert {"val_loss", "val_reconstruction_loss", "val_kl_loss"} <= set(logs)
    ids = vae.vocabulary.encode(corpus.test[:32], corpus.max_length)
    again = vae.fit(corpus.train[:64], epochs=1, verbose=0, validation_data=(ids,)).history
    assert {"val_loss", "val_reconstruction_loss", "val_kl_loss"} <= set(again)
