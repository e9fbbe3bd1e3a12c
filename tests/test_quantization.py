"""Known answers of the vector quantiser, the VQ-VAE, the prior over codes, the codebook
metrics and the exercise of notebook 13."""

import math

import keras
import numpy as np
import pytest
from keras import ops

import vaelearn as vl
from vaelearn import exercises
from vaelearn.metrics import codebook_perplexity, codebook_usage, dead_codes
from vaelearn.quantization import (CodePrior, VectorQuantizer, VQVAE, fit_code_prior,
                                   make_vq_vae)


@pytest.fixture
def quantizer():
    layer = VectorQuantizer(5, 3, seed=0)
    layer.codebook.assign(np.random.default_rng(0).normal(size=(5, 3)).astype("float32"))
    return layer


def test_the_nearest_code_is_the_smallest_squared_distance(quantizer):
    z_e = np.random.default_rng(1).normal(size=(4, 6, 3)).astype("float32")
    codebook = ops.convert_to_numpy(quantizer.codebook)
    expected = ((z_e[..., None, :] - codebook) ** 2).sum(-1).argmin(-1)
    np.testing.assert_array_equal(ops.convert_to_numpy(quantizer.nearest(z_e)), expected)


def test_the_straight_through_gradient_is_the_identitys(quantizer):
    z_e = np.random.default_rng(2).normal(size=(3, 2, 3)).astype("float32")
    w = np.random.default_rng(3).normal(size=(3, 2, 3)).astype("float32")
    value, (grad,) = vl.backend.value_and_grad(lambda z: ops.sum(w * quantizer(z)[0]), z_e)
    np.testing.assert_allclose(grad, w, rtol=1e-6)
    # ... while the value is the chosen codes'.
    chosen = ops.convert_to_numpy(quantizer.lookup(quantizer.nearest(z_e)))
    np.testing.assert_allclose(value, np.sum(w * chosen), rtol=1e-5)


def test_a_codebook_vector_quantises_to_itself_with_zero_losses(quantizer):
    codebook = ops.convert_to_numpy(quantizer.codebook)
    z_e = codebook[[4, 0, 2]][None]  # one example, three positions
    z_q, indices, codebook_loss, commitment_loss = quantizer(z_e)
    np.testing.assert_array_equal(ops.convert_to_numpy(indices), [[4, 0, 2]])
    np.testing.assert_allclose(ops.convert_to_numpy(z_q), z_e)
    assert float(ops.sum(codebook_loss)) == 0.0 and float(ops.sum(commitment_loss)) == 0.0


def test_the_losses_are_squared_distances_summed_per_example_commitment_weighted():
    layer = VectorQuantizer(2, 2, commitment_weight=0.25)
    layer.codebook.assign(np.array([[0.0, 0.0], [10.0, 0.0]], "float32"))
    z_e = np.array([[[1.0, 2.0], [9.0, 0.0]], [[0.0, 3.0], [0.0, 0.0]]], "float32")
    _, indices, codebook_loss, commitment_loss = layer(z_e)
    np.testing.assert_array_equal(ops.convert_to_numpy(indices), [[0, 1], [0, 0]])
    np.testing.assert_allclose(ops.convert_to_numpy(codebook_loss), [5.0 + 1.0, 9.0])
    np.testing.assert_allclose(ops.convert_to_numpy(commitment_loss), [1.5, 2.25])


def test_the_codebook_loss_moves_the_codebook_and_the_commitment_loss_the_encoder():
    layer = VectorQuantizer(1, 2, commitment_weight=0.25)
    layer.codebook.assign(np.zeros((1, 2), "float32"))
    z_e = np.array([[[1.0, 2.0]]], "float32")
    _, (d_z,) = vl.backend.value_and_grad(lambda z: ops.sum(layer(z)[3]), z_e)
    np.testing.assert_allclose(d_z, 2 * 0.25 * z_e)  # d/dz of beta_c ||z - sg(e)||^2
    _, (d_z,) = vl.backend.value_and_grad(lambda z: ops.sum(layer(z)[2]), z_e)
    np.testing.assert_allclose(d_z, 0.0)  # the codebook loss stops at z_e


def test_perplexity_of_uniform_usage_is_the_number_of_codes_and_of_one_code_is_one():
    assert codebook_perplexity(np.arange(32).reshape(4, 8), 32) == pytest.approx(32.0)
    assert codebook_perplexity(np.full((10, 3), 7), 32) == pytest.approx(1.0)
    assert dead_codes(np.full((10, 3), 7), 32) == 31
    assert dead_codes(np.arange(32).reshape(4, 8), 32) == 0
    np.testing.assert_allclose(codebook_usage([[0, 0, 1, 3]], 4), [0.5, 0.25, 0.0, 0.25])
    with pytest.raises(ValueError, match="0..3"):
        codebook_usage([[4]], 4)


def test_a_deterministic_code_set_has_log_prob_zero_and_uniform_minus_positions_log_k():
    codes = np.tile([[3, 0, 5]], (50, 1))
    prior = fit_code_prior(codes, 8, pseudocount=0.0)
    np.testing.assert_allclose(prior.log_prob(codes), 0.0)
    uniform = fit_code_prior(np.arange(8)[:, None].repeat(3, axis=1), 8, pseudocount=0.0)
    np.testing.assert_allclose(uniform.log_prob(codes), -3 * math.log(8))
    # A pseudocount keeps unseen codes possible.
    smoothed = fit_code_prior(codes, 8, pseudocount=1.0)
    assert np.isfinite(smoothed.log_prob([[1, 1, 1]])).all()


def test_prior_samples_follow_its_probabilities_position_by_position():
    probs = np.array([[0.7, 0.3, 0.0], [0.0, 0.0, 1.0]])
    draws = CodePrior(probs).sample(4000, seed=0)
    assert draws.shape == (4000, 2) and set(np.unique(draws[:, 0])) == {0, 1}
    assert abs(np.mean(draws[:, 0] == 0) - 0.7) < 0.03  # 4 standard errors
    assert np.all(draws[:, 1] == 2)
    np.testing.assert_array_equal(CodePrior(probs).sample(5, seed=1), CodePrior(probs).sample(5, seed=1))


@pytest.fixture(scope="module")
def trained():
    rng = np.random.default_rng(0)
    x = (rng.random((96, 4, 4, 1)) < 0.3).astype("float32")
    model = make_vq_vae((4, 4, 1), n_positions=3, n_codes=6, code_dim=2, hidden=(16,), seed=0)
    model.initialize_codebook(x, seed=0)
    history = model.fit(x, epochs=3, batch_size=16, verbose=0).history
    return model, x, history


def test_the_history_adds_up(trained):
    _, _, history = trained
    assert {"loss", "reconstruction_loss", "codebook_loss", "commitment_loss"} <= set(history)
    total = (np.array(history["reconstruction_loss"]) + history["codebook_loss"]
             + history["commitment_loss"])
    np.testing.assert_allclose(history["loss"], total, rtol=1e-4, atol=1e-4)
    # The two codebook terms have one value; they differ in where their gradients go.
    np.testing.assert_allclose(history["commitment_loss"], 0.25 * np.array(history["codebook_loss"]),
                               rtol=1e-4)


def test_the_reconstruction_loss_is_the_decoders_likelihood_in_nats(trained):
    model, x, _ = trained
    logged = model.evaluate(x, return_dict=True)["reconstruction_loss"]
    assert logged == pytest.approx(-model.reconstruction_log_likelihood(x).mean(), rel=1e-4)


def test_codes_decode_and_reconstruct_in_the_courses_vocabulary(trained):
    model, x, _ = trained
    codes = model.encode(x)
    assert codes.shape == (96, 3) and codes.dtype == np.int64
    assert codes.min() >= 0 and codes.max() < 6
    assert model.code_bits == pytest.approx(3 * math.log2(6))
    np.testing.assert_allclose(model.reconstruct(x), model.decode(codes), atol=1e-6)
    assert model.transform(x).shape == (96, 6)
    with pytest.raises(ValueError, match="0..5"):
        model.decode(np.full((2, 3), 6))
    with pytest.raises(ValueError, match=r"\(n, 3\)"):
        model.decode(np.zeros((2, 4), "int64"))


def test_kmeans_initialisation_puts_every_code_in_use():
    rng = np.random.default_rng(1)
    x = rng.random((64, 4, 4, 1)).astype("float32")
    model = make_vq_vae((4, 4, 1), n_positions=2, n_codes=8, code_dim=2, hidden=(16,), seed=1)
    before = codebook_perplexity(model.encode(x), 8)  # the random codebook near the origin
    model.initialize_codebook(x, seed=0)
    assert dead_codes(model.encode(x), 8) == 0  # each k-means cluster holds some z_e
    assert codebook_perplexity(model.encode(x), 8) > before


def test_sampling_needs_a_prior_then_draws_images(trained):
    model, x, _ = trained
    fresh = make_vq_vae((4, 4, 1), n_positions=3, n_codes=6, code_dim=2, hidden=(16,), seed=0)
    with pytest.raises(ValueError, match="fit_code_prior"):
        fresh.sample(2)
    model.fit_code_prior(x)
    images = model.sample(5, seed=0)
    assert images.shape == (5, 4, 4, 1) and 0 <= images.min() and images.max() <= 1
    np.testing.assert_allclose(images, model.sample(5, seed=0))


def test_save_and_load_give_the_same_codes(trained, tmp_path):
    model, x, _ = trained
    model.save(tmp_path / "vq.keras")
    loaded = vl.saving.load_model(tmp_path / "vq.keras")
    assert isinstance(loaded, VQVAE)
    np.testing.assert_array_equal(loaded.encode(x), model.encode(x))
    np.testing.assert_allclose(loaded.reconstruct(x), model.reconstruct(x), atol=1e-6)
    assert loaded.quantizer.commitment_weight == 0.25


def test_the_factory_is_seeded():
    x = np.random.default_rng(2).random((8, 4, 4, 1)).astype("float32")
    a, b = (make_vq_vae((4, 4, 1), n_positions=2, n_codes=4, code_dim=2, hidden=(8,), seed=5)
            for _ in range(2))
    np.testing.assert_array_equal(a.encode(x), b.encode(x))
    np.testing.assert_array_equal(ops.convert_to_numpy(a.quantizer.codebook),
                                  ops.convert_to_numpy(b.quantizer.codebook))


def test_mismatched_networks_are_refused():
    encoder = vl.networks.build_encoder((4, 4, 1), 6, hidden=(8,), variational=False)
    decoder = vl.networks.build_decoder(6, (4, 4, 1), hidden=(8,))
    with pytest.raises(ValueError, match="n_positions \\* code_dim"):
        VQVAE(encoder, decoder, VectorQuantizer(4, 4))


def test_the_exercise_reference_passes_and_each_mistake_gets_its_hint():
    ex = exercises.get("nearest_code")
    assert exercises.check("nearest_code", ex.reference).passed
    assert exercises.check("nearest_code", lambda z, c: ops.argmin(
        ops.sum(z**2, axis=1, keepdims=True) - 2 * z @ c.T + ops.sum(c**2, axis=1), axis=1)).passed
    # On a tie any nearest code is right.
    assert exercises.check("nearest_code", lambda z, c: (
        len(c) - 1 - ((z[:, None] - c[None]) ** 2).sum(-1)[:, ::-1].argmin(1))).passed
    for mistake in ex.mistakes:
        result = exercises.check("nearest_code", mistake.answer)
        assert result.status == "failed" and result.hint == mistake.hint, mistake.hint


def test_the_quantiser_runs_inside_a_keras_model():
    layer = VectorQuantizer(4, 2, seed=0)
    inputs = keras.Input((3, 2))
    z_q = layer(inputs)[0]
    model = keras.Model(inputs, z_q)
    out = model.predict(np.zeros((2, 3, 2), "float32"), verbose=0)
    assert out.shape == (2, 3, 2)


def test_impostor_a_lookup_without_straight_through_passes_no_gradient(quantizer):
    """The notebook's gradient check fails for the plain lookup z_q = e."""
    z_e = np.random.default_rng(4).normal(size=(2, 2, 3)).astype("float32")
    w = np.ones_like(z_e)
    _, (grad,) = vl.backend.value_and_grad(
        lambda z: ops.sum(w * quantizer.lookup(quantizer.nearest(z))), z_e)
    assert not np.allclose(grad, w, atol=1e-6) and np.allclose(grad, 0.0)


def test_impostor_uniform_codes_use_their_whole_capacity():
    """The notebook's "codes use less than their capacity" check fails for uniform codes."""
    rng = np.random.default_rng(5)
    train, test = rng.integers(256, size=(3000, 4)), rng.integers(256, size=(1000, 4))
    length = -fit_code_prior(train, 256).log_prob(test) / math.log(2)
    standard_error = length.std(ddof=1) / math.sqrt(len(length))
    assert not length.mean() + 3 * standard_error < 4 * 8


def test_each_example_is_weighted_as_keras_does(trained):
    model, x, _ = trained
    plain = model.evaluate(x, return_dict=True)
    doubled = model.evaluate(x, sample_weight=np.full(len(x), 2.0, "float32"), return_dict=True)
    for key in ("loss", "reconstruction_loss", "codebook_loss", "commitment_loss"):
        assert doubled[key] == pytest.approx(2 * plain[key], rel=1e-4), key
