import keras
import numpy as np
import pytest

import vaelearn as vl
from vaelearn.errors import TrainingDivergedError
from vaelearn.models import make_autoencoder, make_vae
from vaelearn.training import KLAnnealing


@pytest.fixture(scope="module")
def trained(digits):
    vl.seed(0)
    vae = make_vae(digits.example_shape, latent_dim=4, seed=0)
    untrained_loss = vae.evaluate(digits.x_test, verbose=0, return_dict=True)["loss"]
    history = vae.fit(digits.x_train, epochs=15, batch_size=64,
                      validation_data=digits.x_test, verbose=0)
    return vae, {**history.history, "untrained_val_loss": untrained_loss}


def _assert_adds_up(logs, beta, prefix=""):
    total = np.array(logs[prefix + "loss"])
    parts = np.array(logs[prefix + "reconstruction_loss"]) + beta * np.array(logs[prefix + "kl_loss"])
    np.testing.assert_allclose(total, parts, rtol=1e-5)


def test_training_lowers_the_loss_well_below_its_start(trained):
    _, logs = trained
    # Untrained, the decoder outputs logits near 0: about 64 log 2 = 44 nats per 8x8 image.
    assert logs["val_loss"][-1] < 0.7 * logs["untrained_val_loss"], logs["val_loss"]


def test_history_adds_up_with_annealed_beta_and_free_bits(digits):
    vae = make_vae(digits.example_shape, latent_dim=4, free_bits=0.25, seed=0)
    logs = vae.fit(digits.x_train, epochs=4, batch_size=128, verbose=0,
                   callbacks=[KLAnnealing(epochs=4, start=0.0, stop=3.0)]).history
    np.testing.assert_allclose(logs["beta"], [0.0, 1.0, 2.0, 3.0])
    _assert_adds_up(logs, np.array(logs["beta"]))
    assert min(logs["kl_loss"]) >= 4 * 0.25 - 1e-5  # free bits floor each of the 4 dimensions


def test_annealing_schedules_start_and_end_where_asked():
    for schedule in ("linear", "logistic"):
        cb = KLAnnealing(epochs=10, start=0.0, stop=1.0, schedule=schedule)
        assert cb.value(0) == pytest.approx(0.0, abs=3e-3)
        assert cb.value(9) == pytest.approx(1.0, abs=3e-3)
    cyclical = KLAnnealing(epochs=8, schedule="cyclical", cycles=2)
    assert [cyclical.value(e) for e in range(8)] == [0.0, 0.5, 1.0, 1.0, 0.0, 0.5, 1.0, 1.0]
    with pytest.raises(ValueError, match="schedule"):
        KLAnnealing(epochs=3, schedule="exponential")


def test_elbo_is_below_the_iwae_bound_which_grows_with_k(trained, digits):
    vae, _ = trained
    x = digits.x_test
    elbo = vl.evaluation.elbo(vae, x, n_samples=8, seed=1).mean()
    bounds = [vl.evaluation.iwae_bound(vae, x, n_samples=k, seed=k).mean() for k in (1, 8, 64)]
    # L_1 is a one-sample ELBO: it agrees with the averaged ELBO up to sampling noise.
    assert bounds[0] == pytest.approx(elbo, abs=0.15)
    assert elbo < bounds[1] < bounds[2], (elbo, bounds)


def test_log_likelihood_scores_examples_under_given_codes(trained, digits):
    vae, _ = trained
    x = digits.x_test[:20]
    z = vae.transform(x) + np.float32(0.1)
    got = vae.log_likelihood(x, z, batch_size=7)
    assert isinstance(got, np.ndarray) and got.shape == (20,)
    logits = keras.ops.convert_to_numpy(vae.decoder(z)).astype("float64")
    flat = lambda a: a.reshape(len(a), -1)
    exact = flat(x * logits - np.logaddexp(0.0, logits)).sum(axis=1)  # Bernoulli, in NumPy
    np.testing.assert_allclose(got, exact, rtol=1e-5)
    tensor = vae.decoder_log_likelihood(x, vae.decoder(z))  # the objective's differentiable form
    np.testing.assert_allclose(keras.ops.convert_to_numpy(tensor), got, rtol=1e-5)
    # Other codes explain the same images worse: the codes are used, not ignored.
    assert got.mean() > vae.log_likelihood(x, np.full_like(z, 3.0)).mean()


def test_decode_sample_and_reconstruct_return_images_in_unit_range(trained, digits):
    vae, _ = trained
    samples = vae.sample(6, temperature=0.5, seed=0)
    recon = vae.reconstruct(digits.x_test[:6])
    for images in (samples, recon):
        assert images.shape == (6, 8, 8, 1)
        assert 0 <= images.min() and images.max() <= 1
    np.testing.assert_array_equal(vae.sample(6, seed=0), vae.sample(6, seed=0))


def test_wrong_input_shape_says_how_to_reshape(trained, digits):
    vae, _ = trained
    with pytest.raises(ValueError, match=r"reshape\(-1, 8, 8, 1\)"):
        vae.fit(digits.x_train.reshape(-1, 64), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        vae.fit(digits.x_train * 16, epochs=1, verbose=0)


def test_nan_loss_stops_training_with_a_clear_error(digits):
    vae = make_vae(digits.example_shape, latent_dim=2, likelihood="gaussian", learning_rate=1e30)
    with pytest.raises(TrainingDivergedError, match="smaller learning rate"):
        vae.fit(digits.x_train, epochs=3, batch_size=64, verbose=0)


def test_gaussian_learned_variance_and_conv_architecture_train(digits):
    vae = make_vae(digits.example_shape, latent_dim=2, arch="conv", hidden=(16,),
                   likelihood="gaussian", decoder_std="learned")
    start = float(vae.decoder_log_std.numpy())
    logs = vae.fit(digits.x_train, epochs=3, batch_size=128, verbose=0).history
    assert np.all(np.isfinite(logs["loss"]))
    assert float(vae.decoder_log_std.numpy()) < start  # the data's noise is below 1


def test_conv_builder_rejects_shapes_it_cannot_mirror():
    with pytest.raises(ValueError, match="divisible by 4"):
        make_vae((10, 10, 1), arch="conv")
    with pytest.raises(ValueError, match="likelihood"):
        make_vae((8, 8, 1), likelihood="poisson")


def test_autoencoder_trains_and_shares_the_interface(digits):
    ae = make_autoencoder(digits.example_shape, latent_dim=2)
    logs = ae.fit(digits.x_train, epochs=5, batch_size=64, verbose=0).history
    assert logs["loss"][-1] < logs["loss"][0]
    assert ae.transform(digits.x_test).shape == (len(digits.x_test), 2)
    assert ae.sample(3, seed=0).shape == (3, 8, 8, 1)


def test_fit_uses_the_default_batch_size_unless_told(digits):
    vae = make_vae(digits.example_shape, latent_dim=2)
    x = digits.x_train[:80]
    assert vae.fit(x, epochs=1, verbose=0).params["steps"] == 80 // vl.defaults.BATCH_SIZE
    assert vae.fit(x, epochs=1, batch_size=40, verbose=0).params["steps"] == 2


def test_trains_under_a_mixed_precision_policy(digits):
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        vae = make_vae(digits.example_shape, latent_dim=2, seed=0)
        logs = vae.fit(digits.x_train[:256], epochs=2, batch_size=64, verbose=0).history
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert np.all(np.isfinite(logs["loss"])) and logs["loss"][-1] < logs["loss"][0]
    _assert_adds_up(logs, 1.0)


def test_dynamic_binarization_trains_on_fresh_binary_draws_and_evaluates_as_given(digits):
    vae = make_vae(digits.example_shape, latent_dim=2, binarize=True, seed=0)
    x = digits.x_train[:256]
    first, second = (keras.ops.convert_to_numpy(vae(x, training=True)["target"]) for _ in range(2))
    assert set(np.unique(first)) == {0.0, 1.0} and not np.array_equal(first, second)
    # Each pixel is on with its grey level as probability.
    assert abs(first.mean() - x.mean()) < 4 * np.sqrt(x.mean() / x.size)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(vae(x)["target"]), x)
    history = vae.fit(x, epochs=2, batch_size=64, verbose=0).history
    assert np.isfinite(history["loss"]).all()
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(vae))
    assert restored.binarize


def test_binarization_needs_a_bernoulli_likelihood(digits):
    with pytest.raises(ValueError, match="likelihood='bernoulli'"):
        make_vae(digits.example_shape, likelihood="gaussian", binarize=True)


def test_draw_samples_the_likelihood_around_the_decoded_mean(digits):
    vae = make_vae(digits.example_shape, latent_dim=2, seed=0)
    z = np.zeros((2000, 2), dtype="float32")
    draws = vae.draw(z, seed=1)
    assert draws.shape == (2000, 8, 8, 1) and set(np.unique(draws)) == {0.0, 1.0}
    np.testing.assert_allclose(draws.mean(axis=0), vae.decode(z[:1])[0], atol=5 * 0.5 / np.sqrt(2000))
    np.testing.assert_array_equal(vae.sample(5, seed=3, draw=True), vae.sample(5, seed=3, draw=True))
    gaussian = make_vae(digits.example_shape, latent_dim=2, likelihood="gaussian", decoder_std=0.5)
    noise = gaussian.draw(z, seed=1) - gaussian.decode(z)
    assert abs(noise.std() - 0.5) < 0.01

def test_transform_is_declared_on_the_shared_base(digits):
    assert "transform" in vl.models.LatentModel.__dict__
    encoder = vl.networks.build_encoder(digits.example_shape, 2)
    base = vl.models.LatentModel(encoder, vl.networks.build_decoder(2, digits.example_shape))
    z_mean = keras.ops.convert_to_numpy(encoder(digits.x_test[:2])[0])
    np.testing.assert_allclose(base.transform(digits.x_test[:2]), z_mean, rtol=1e-5, atol=1e-6)
    assert base.reconstruct(digits.x_test[:2]).shape == (2, *digits.example_shape)


def test_compile_with_defaults_is_public_and_sets_adam_with_a_warmup(digits):
    vae = vl.models.VAE(vl.networks.build_encoder(digits.example_shape, 2),
                        vl.networks.build_decoder(2, digits.example_shape))
    vae.compile_with_defaults(learning_rate=1e-3)
    assert isinstance(vae.optimizer, keras.optimizers.Adam)
    assert vae.steps_per_execution == vl.backend.steps_per_execution(vl.defaults.STEPS_PER_EXECUTION)
    schedule = vae.optimizer._learning_rate
    steps = vl.defaults.WARMUP_STEPS
    rates = [float(keras.ops.convert_to_numpy(schedule(step)))
             for step in (0, steps // 2, steps, 10 * steps, 1000 * steps)]
    assert rates == pytest.approx([0.0, 5e-4, 1e-3, 1e-3, 1e-3])
    vae.fit(digits.x_train[:64], epochs=1, batch_size=8, verbose=0)  # 8 updates: still warming up
    assert float(keras.ops.convert_to_numpy(vae.optimizer.learning_rate)) == pytest.approx(
        8 / steps * 1e-3)


def test_compile_with_defaults_without_warmup_keeps_a_constant_rate(digits):
    vae = vl.models.make_vae(digits.example_shape)
    vae.compile_with_defaults(learning_rate=1e-3, warmup_steps=0)
    vae.fit(digits.x_train[:64], epochs=1, batch_size=8, verbose=0)
    assert float(keras.ops.convert_to_numpy(vae.optimizer.learning_rate)) == pytest.approx(1e-3)
