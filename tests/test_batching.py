"""Rows per forward pass: fewer where a layer's outputs are large, the same results."""

import keras
import numpy as np
import pytest

import vaelearn as vl
from vaelearn import defaults
from vaelearn.batching import in_batches, rows_per_pass


def conv_vae(shape=(28, 28, 1)):
    kw = dict(arch="conv", hidden=(16,))
    return vl.models.VAE(vl.networks.build_encoder(shape, 2, **kw),
                         vl.networks.build_decoder(2, shape, **kw), seed=0)


def test_a_convolutional_decoder_gets_fewer_rows_than_asked():
    # Its widest layer outputs 28 x 28 x 32 numbers per image.
    assert rows_per_pass(conv_vae(), 2048) == defaults.FLOATS_PER_PASS // (28 * 28 * 32)
    assert rows_per_pass(conv_vae().decoder, 10) == 10


def test_small_layers_keep_the_rows_asked_for():
    assert rows_per_pass(vl.models.make_vae((28, 28, 1), latent_dim=2), 2048) == 2048
    assert rows_per_pass(conv_vae((8, 8, 1)), 2048) == 2048  # the 8x8 digits


def test_a_layer_without_known_outputs_does_not_count():
    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(10**7)

    assert rows_per_pass(Subclassed(), 512) == 512
    assert rows_per_pass(keras.layers.Dense(4), 512) == 512


@pytest.mark.parametrize("rows", [0, -5, 2.5, "64"])
def test_a_bad_batch_size_is_refused_not_replaced(rows):
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        conv_vae().reconstruct(np.zeros((3, 28, 28, 1), "float32"), batch_size=rows)


def test_a_huge_layer_still_gets_one_row():
    network = keras.Sequential([keras.Input((4,)), keras.layers.Dense(defaults.FLOATS_PER_PASS * 2)])
    assert rows_per_pass(network, 64) == 1


def test_results_do_not_depend_on_rows_per_pass():
    vae = conv_vae()
    x = np.random.default_rng(0).random((700, 28, 28, 1), dtype="float32")
    assert rows_per_pass(vae, defaults.PREDICT_BATCH_SIZE) < 700 < defaults.PREDICT_BATCH_SIZE
    whole = in_batches(lambda xb: vae.decoder(vae.encoder(xb)[0]), x, batch_size=700)
    np.testing.assert_allclose(vae.reconstruct(x), keras.ops.sigmoid(whole), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("draws", [1, 10])
def test_evaluation_passes_are_capped_too(monkeypatch, draws):
    seen = []
    real = vl.evaluation.in_batches
    monkeypatch.setattr(vl.evaluation, "in_batches",
                        lambda fn, *a, batch_size: seen.append(batch_size) or real(fn, *a, batch_size=batch_size))
    x = np.random.default_rng(0).random((50, 28, 28, 1), dtype="float32")
    vl.evaluation.elbo(conv_vae(), x, n_samples=draws, seed=0)
    assert seen == [rows_per_pass(conv_vae(), defaults.ROWS_PER_PASS) // draws]


def test_model_passes_are_capped(monkeypatch):
    seen = []
    real = vl.models.in_batches
    monkeypatch.setattr(vl.models, "in_batches",
                        lambda fn, *a, batch_size: seen.append(batch_size) or real(fn, *a, batch_size=batch_size))
    vae = conv_vae()
    x = np.zeros((5, 28, 28, 1), "float32")
    vae.reconstruct(x)
    vae.log_likelihood(x, np.zeros((5, 2), "float32"))
    assert seen == [rows_per_pass(vae, defaults.PREDICT_BATCH_SIZE)] * 3 != [defaults.PREDICT_BATCH_SIZE] * 3
