"""Known-answer tests of the two-layer VAE (vaelearn.hierarchy) and its exercise."""

import json

import keras
import numpy as np
import pytest

import vaelearn as vl
from vaelearn import exercises
from vaelearn.hierarchy import TwoLayerVAE, hierarchical_kl_terms, make_two_layer_vae
from vaelearn.models import VAE

N_TRAIN, N_VAL, BATCH = 48, 16, 16
BETA = 0.5  # not 1, so that a loss that forgot beta does not add up
DIMS = (4, 2)
HIDDEN = (16,)


def tiny(seed=0, **kwargs):
    options = dict(latent_dims=DIMS, hidden=HIDDEN, top_hidden=(8,), beta=BETA, seed=seed)
    return make_two_layer_vae((8, 8, 1), **{**options, **kwargs})


def gaussian_kl(m_q, lv_q, m_p, lv_p):
    """KL(N(m_q, e^lv_q) || N(m_p, e^lv_p)), summed over the last axis."""
    return 0.5 * np.sum(lv_p - lv_q + (np.exp(lv_q) + (m_q - m_p) ** 2) / np.exp(lv_p) - 1,
                        axis=-1)


def as_json(config):
    return json.loads(json.dumps(config))


@pytest.fixture(scope="module")
def trained(digits):
    vl.seed(0)
    model = tiny()
    history = model.fit(digits.x_train[:N_TRAIN], None, BATCH, 2, verbose=0,
                        validation_data=digits.x_test[:N_VAL])
    return model, history.history


# --- The Monte Carlo KL estimator ------------------------------------------------------------

def test_the_monte_carlo_kl_matches_the_closed_form_when_the_layers_are_independent():
    """With p(z1|z2) a fixed Gaussian (not depending on z2) and q(z2|z1) fixed too, each
    layer's expected term is a KL between two Gaussians, in closed form."""
    rng = np.random.default_rng(0)
    n, d1, d2 = 200_000, 3, 2
    q1_mean, q1_log_var = np.array([0.5, -1.0, 2.0]), np.array([-1.0, 0.3, 0.0])
    p1_mean, p1_log_var = np.array([0.0, 0.5, 1.0]), np.array([0.2, -0.5, 0.0])
    q2_mean, q2_log_var = np.array([1.0, -0.3]), np.array([-2.0, 0.5])
    z1 = q1_mean + np.exp(0.5 * q1_log_var) * rng.standard_normal((n, d1))
    z2 = q2_mean + np.exp(0.5 * q2_log_var) * rng.standard_normal((n, d2))
    full = [np.broadcast_to(v, (n, len(v))) for v in
            (q1_mean, q1_log_var, q2_mean, q2_log_var, p1_mean, p1_log_var)]
    kl_1, kl_2 = (keras.ops.convert_to_numpy(t).astype("float64")
                  for t in hierarchical_kl_terms(z1, z2, *full))
    want_1 = gaussian_kl(q1_mean, q1_log_var, p1_mean, p1_log_var)
    want_2 = gaussian_kl(q2_mean, q2_log_var, np.zeros(d2), np.zeros(d2))
    for got, want in ((kl_1, want_1), (kl_2, want_2)):
        standard_error = got.std() / np.sqrt(n)
        assert abs(got.mean() - want) < 4 * standard_error  # false alarm 6e-5 each
    reference = exercises.get("hierarchical_kl").reference(z1[:50], z2[:50],
                                                           *[v[:50] for v in full])
    np.testing.assert_allclose(reference, kl_1[:50] + kl_2[:50], rtol=1e-5, atol=1e-5)


def test_the_exercise_grades_its_reference_and_names_each_classic_mistake(monkeypatch, tmp_path):
    monkeypatch.setenv("VAELEARN_HOME", str(tmp_path))
    ex = exercises.get("hierarchical_kl")
    assert exercises.check("hierarchical_kl", ex.reference).passed
    in_keras_ops = lambda *args: keras.ops.add(*hierarchical_kl_terms(*args))  # noqa: E731
    assert exercises.check("hierarchical_kl", in_keras_ops).passed
    for mistake in ex.mistakes:
        result = exercises.check("hierarchical_kl", mistake.answer)
        assert result.status == "failed" and result.hint == mistake.hint


# --- Reduction to one layer --------------------------------------------------------------------

def _silence_upper_layer(model):
    """q(z2|z1) = N(0, I) and p(z1|z2) = N(0, I): zero the last layers of both networks."""
    for network in (model.upper_encoder, model.upper_decoder):
        for layer in network.layers[-2:]:
            layer.kernel.assign(np.zeros(layer.kernel.shape, "float32"))
            layer.bias.assign(np.zeros(layer.bias.shape, "float32"))


def test_with_the_top_layer_silenced_the_model_is_a_one_layer_vae(digits):
    two = tiny(seed=3)
    _silence_upper_layer(two)
    one = VAE(two.encoder, two.decoder, beta=BETA)
    x = digits.x_test[:20]
    # Same codes z1 (same seed), and log N(z2; 0, I) - log q(z2|z1) = 0: the same log-weights.
    np.testing.assert_allclose(vl.evaluation.iwae_bound(two, x, n_samples=8, seed=5),
                               vl.evaluation.iwae_bound(one, x, n_samples=8, seed=5),
                               rtol=1e-5, atol=1e-4)
    # The ELBO: a Monte Carlo KL against the one-layer model's closed form.
    draws = keras.ops.convert_to_numpy(two.log_importance_weights(x, n_samples=4000, seed=1))
    standard_error = draws.std(axis=0) / np.sqrt(len(draws))
    gap = draws.mean(axis=0) - vl.evaluation.elbo(one, x, n_samples=4000, seed=2)
    assert np.all(np.abs(gap) < 5 * np.hypot(standard_error, standard_error))
    # The loss: the top layer's KL is exactly 0, the total is layer 1's.
    logs = two.evaluate(x, verbose=0, return_dict=True)
    assert logs["kl_loss_2"] == pytest.approx(0.0, abs=1e-6)
    assert logs["kl_loss"] == pytest.approx(logs["kl_loss_1"], rel=1e-6)


# --- The loss and its logged terms --------------------------------------------------------------

def test_the_history_adds_up_to_its_logged_terms(trained):
    _, logs = trained
    for prefix in ("", "val_"):
        total, reconstruction = np.array(logs[prefix + "loss"]), np.array(
            logs[prefix + "reconstruction_loss"])
        kl, kl_1, kl_2 = (np.array(logs[prefix + k]) for k in ("kl_loss", "kl_loss_1",
                                                                "kl_loss_2"))
        np.testing.assert_allclose(total, reconstruction + BETA * kl, rtol=1e-5)
        np.testing.assert_allclose(kl, kl_1 + kl_2, rtol=1e-5, atol=1e-5)
        assert np.all(np.isfinite(total))


def test_layer_betas_weigh_each_layer_and_the_loss_still_adds_up(digits):
    model = tiny(layer_betas=(1.0, 3.0))
    logs = model.evaluate(digits.x_test[:N_VAL], verbose=0, return_dict=True)
    want = logs["reconstruction_loss"] + BETA * (logs["kl_loss_1"] + 3.0 * logs["kl_loss_2"])
    assert logs["loss"] == pytest.approx(want, rel=1e-5)


def test_free_bits_floor_each_layer_at_lambda_per_dimension(digits):
    model = tiny(free_bits=(0.0, 2.0))
    _silence_upper_layer(model)  # the top layer's KL is 0, its floor 2 nats x 2 dimensions
    logs = model.evaluate(digits.x_test[:N_VAL], verbose=0, return_dict=True)
    assert logs["kl_loss_2"] == pytest.approx(2.0 * DIMS[1], rel=1e-6)
    with pytest.raises(ValueError, match="free_bits"):
        tiny(free_bits=(0.1, 0.2, 0.3))


def test_a_regularizer_is_part_of_the_loss(digits):
    model = tiny()
    kernel = model.upper_decoder.layers[1].kernel
    model.upper_decoder.layers[1].kernel_regularizer = keras.regularizers.L2(10.0)
    kernel.regularizer = keras.regularizers.L2(10.0)
    logs = model.evaluate(digits.x_test[:N_VAL], verbose=0, return_dict=True)
    penalty = 10.0 * float(np.sum(keras.ops.convert_to_numpy(kernel) ** 2))
    assert penalty > 1.0
    assert logs["loss"] == pytest.approx(
        logs["reconstruction_loss"] + BETA * logs["kl_loss"] + penalty, rel=1e-5)


def test_kl_annealing_drives_beta(digits):
    model = tiny(beta=0.0)
    logs = model.fit(digits.x_train[:N_TRAIN], epochs=3, batch_size=BATCH, verbose=0,
                     callbacks=[vl.training.KLAnnealing(3)]).history
    assert logs["beta"] == [0.0, 0.5, 1.0]
    np.testing.assert_allclose(logs["loss"], np.add(logs["reconstruction_loss"], np.multiply(
        logs["beta"], logs["kl_loss"])), rtol=1e-5)


# --- Evaluation, sampling, saving, seeds ----------------------------------------------------------

def test_the_importance_weighted_bound_lies_above_the_elbo(trained, digits):
    model, _ = trained
    x = digits.x_test[:N_VAL]
    assert np.mean(vl.evaluation.iwae_bound(model, x, n_samples=64, seed=0)) > np.mean(
        vl.evaluation.elbo(model, x, n_samples=64, seed=0))


def test_encode_returns_each_layers_posterior(trained, digits):
    model, _ = trained
    z1_mean, z1_log_var, z2_mean, z2_log_var = model.encode(digits.x_test[:N_VAL])
    assert z1_mean.shape == z1_log_var.shape == (N_VAL, DIMS[0])
    assert z2_mean.shape == z2_log_var.shape == (N_VAL, DIMS[1])
    np.testing.assert_allclose(model.transform(digits.x_test[:N_VAL]), z1_mean, rtol=1e-6)


def test_sample_draws_top_down_and_temperature_zero_is_the_mean_path(trained):
    model, _ = trained
    images = model.sample(5, seed=3)
    assert images.shape == (5, 8, 8, 1) and images.dtype == np.float32
    np.testing.assert_array_equal(images, model.sample(5, seed=3))
    assert not np.array_equal(images, model.sample(5, seed=4))
    cold = model.sample(4, temperature=0.0, seed=1)
    np.testing.assert_allclose(cold, np.repeat(cold[:1], 4, axis=0), rtol=1e-6)
    assert model.sample(0).shape == (0, 8, 8, 1)
    with pytest.raises(ValueError, match="takes no"):
        model.sample(2, y=1)


@pytest.mark.parametrize("load", [vl.saving.load_model, keras.saving.load_model],
                         ids=["vaelearn.saving.load_model", "keras.saving.load_model"])
def test_a_saved_model_loads_back_the_same(trained, digits, tmp_path, load):
    model, _ = trained
    path = tmp_path / "two_layer.keras"
    model.beta.assign(2.5)
    try:
        model.save(path)
        x = digits.x_test[:N_VAL]
        want = [*model.encode(x), model.sample(4, seed=2), model.reconstruct(x)]
    finally:
        model.beta.assign(BETA)
    loaded = load(path)
    assert type(loaded) is TwoLayerVAE
    assert float(keras.ops.convert_to_numpy(loaded.beta)) == 2.5
    loaded.beta.assign(BETA)
    assert as_json(loaded.get_config()) == as_json(model.get_config())
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    got = [*loaded.encode(x), loaded.sample(4, seed=2), loaded.reconstruct(x)]
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    assert int(loaded.optimizer.iterations) == int(model.optimizer.iterations) > 0


def test_seed_makes_weights_and_training_reproducible(digits):
    x = digits.x_train[:N_TRAIN]
    runs = []
    for _ in range(2):
        model = tiny(seed=0)
        initial = [w.copy() for w in model.get_weights()]
        logs = model.fit(x, epochs=1, batch_size=BATCH, verbose=0).history
        runs.append((initial, logs["loss"][0]))
    (w0, loss0), (w0_again, loss0_again) = runs
    for a, b in zip(w0, w0_again):
        np.testing.assert_array_equal(a, b)
    assert loss0 == loss0_again  # the same weights and the same draws while training
    w1 = tiny(seed=1).get_weights()
    assert any(not np.array_equal(a, b) for a, b in zip(w0, w1))


def test_bad_options_are_refused_with_a_sentence():
    with pytest.raises(ValueError, match="latent_dims"):
        make_two_layer_vae((8, 8, 1), latent_dims=(4,))
    with pytest.raises(ValueError, match="layer_betas"):
        tiny(layer_betas=(1.0, -1.0))


# --- The impostor of the notebook's "the top layer is used" check -------------------------------

def top_layer_used(model, x):
    """The notebook's check: the top layer's KL on ``x`` above 1 nat and an active unit."""
    _, _, z2_mean, z2_log_var = model.encode(x)
    kl = vl.metrics.kl_per_dimension(z2_mean, z2_log_var).sum()
    active = vl.metrics.active_units(z2_mean)
    return kl > 1.0 and active >= 1, (round(float(kl), 4), active)


@pytest.mark.slow
def test_a_top_layer_weighted_out_fails_the_top_layer_is_used_check(digits):
    """The notebook's models on the 8x8 digits, 1,500 updates: trained with 20 times the KL
    weight on its top layer, the top layer collapses and the check fails; with free bits on
    the top layer (the notebook's remedy) the same model passes it."""
    epochs = vl.training.epochs_for(len(digits.x_train), batch_size=64, updates=1500)
    verdicts = {}
    for name, options in (("collapsed", dict(layer_betas=(1.0, 20.0))),
                          ("free bits", dict(free_bits=(0.0, 0.5)))):
        model = make_two_layer_vae(digits.example_shape, latent_dims=(32, 8), hidden=(128, 64),
                                   seed=0, **options)
        model.fit(digits.x_train, epochs=epochs, batch_size=64, verbose=0)
        verdicts[name] = top_layer_used(model, digits.x_test)
    assert not verdicts["collapsed"][0], verdicts
    assert verdicts["free bits"][0], verdicts
