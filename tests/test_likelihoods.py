"""The likelihood of 8-bit pixels (the discretized logistic) and bits per dimension, checked
against answers known in advance: probabilities that add up to 1, the 8 bits of a uniform
pixel, the variance of a logistic, a model that has learned beating one that has not.
"""

import math

import keras
import numpy as np
import pytest
from scipy.special import expit

import vaelearn as vl
from vaelearn.metrics import bits_per_dim_from_nats
from vaelearn.objectives import discretized_logistic_log_likelihood

LEVELS = np.arange(256) / 255  # every value of an 8-bit pixel
STEP = 1 / 255
MEANS = [-2.0, 0.0, 0.3, 0.5, 0.7, 1.0, 3.0]  # 0.5 lies on the edge between two levels
SCALES = [1e-6, 1e-3, 0.05, 1.0, 1e6]


def log_probabilities(mean, scale, x=LEVELS):
    """log P(x) of single pixels ``x`` under one logistic, computed in float32, one per pixel."""
    x = np.asarray(x, "float32").reshape(-1, 1)
    log_scale = np.float32(np.log(scale))
    log_p = discretized_logistic_log_likelihood(x, np.full_like(x, mean), log_scale)
    return keras.ops.convert_to_numpy(log_p).astype("float64")


def random_colour_images(n_examples=64):
    return (np.random.default_rng(0).integers(0, 256, (n_examples, 8, 8, 3)) / 255).astype("float32")


# --- The objective ------------------------------------------------------------------------

@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("mean", MEANS)
def test_the_probabilities_of_the_256_levels_add_up_to_one(mean, scale):
    assert np.exp(log_probabilities(mean, scale)).sum() == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("mean, scale", [(0.3, 0.05), (0.5, 1.0), (1.2, 0.1), (-0.1, 0.02)])
def test_each_level_gets_the_logistic_mass_of_its_bin(mean, scale):
    # In float64, the difference of the CDFs below the mean and of the survival functions
    # above it (either is near 0 there, and loses no digits to cancellation).
    a = np.where(LEVELS == 1, np.inf, LEVELS + STEP / 2 - mean) / scale
    b = np.where(LEVELS == 0, -np.inf, LEVELS - STEP / 2 - mean) / scale
    want = np.where(LEVELS < mean, expit(a) - expit(b), expit(-b) - expit(-a))
    np.testing.assert_allclose(np.exp(log_probabilities(mean, scale)), want, rtol=1e-4)


def test_one_log_scale_per_channel_broadcasts_as_one_per_pixel():
    rng = np.random.default_rng(0)
    x = (rng.integers(0, 256, (4, 2, 2, 3)) / 255).astype("float32")
    mean = rng.normal(0.5, 0.3, x.shape).astype("float32")
    log_scale = np.log([0.01, 0.1, 1.0]).astype("float32")
    per_channel = discretized_logistic_log_likelihood(x, mean, log_scale)
    per_pixel = discretized_logistic_log_likelihood(x, mean, np.broadcast_to(log_scale, x.shape))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(per_channel),
                               keras.ops.convert_to_numpy(per_pixel), rtol=1e-6)
    assert keras.ops.shape(per_channel) == (4,)


@pytest.mark.parametrize("mean", [-1e3, -5.0, 0.0, 0.5, 1.0, 5.0, 1e3])
@pytest.mark.parametrize("scale", [1e-6, 1.0, 1e6])
def test_it_and_its_gradient_are_finite_at_the_extremes(mean, scale):
    x = np.array([[0.0, 1.0, 0.5, 1 / 255]], "float32")

    def log_p(means, log_scale):
        return keras.ops.sum(discretized_logistic_log_likelihood(x, means, log_scale))

    value, (d_mean, d_log_scale) = vl.backend.value_and_grad(
        log_p, np.full(x.shape, mean), np.log(scale))
    assert np.isfinite(value) and value <= 0
    assert np.all(np.isfinite(d_mean)) and np.isfinite(d_log_scale)


def test_a_huge_scale_leaves_a_fair_coin_between_black_and_white():
    """The tails beyond 0 and 1 go to the edge levels: as s grows, each takes 1/2 (1 bit per
    pixel) and every level between them a mass of step / (4 s), the logistic's peak density
    1 / (4 s) times the bin's width. No scale makes the levels uniform."""
    scale = 1e6
    p = np.exp(log_probabilities(0.5, scale))
    assert p[0] == pytest.approx(0.5, abs=1e-6) and p[-1] == pytest.approx(0.5, abs=1e-6)
    np.testing.assert_allclose(p[1:-1], STEP / (4 * scale), rtol=1e-4)
    edges = bits_per_dim_from_nats(log_probabilities(0.5, scale, x=[0.0, 1.0]), (1,))
    np.testing.assert_allclose(edges, 1.0, atol=0.01)


def test_no_logistic_beats_the_8_bits_of_a_uniform_pixel():
    """Gibbs' inequality: on levels drawn uniformly, the mean of -log2 P is at least their
    entropy, 8 bits, with equality for the uniform distribution alone. The discretized
    logistic cannot be uniform, but at its best (mean 1/2, s about 0.18) it comes within 0.3."""
    bits = [bits_per_dim_from_nats(log_probabilities(mean, scale), (1,)).mean()
            for mean in np.linspace(0.3, 0.7, 5) for scale in np.geomspace(0.01, 10, 31)]
    assert 8.0 <= min(bits) < 8.3


# --- Bits per dimension -------------------------------------------------------------------

def test_uniform_models_are_8_bits_per_dimension():
    shape = (8, 8, 3)
    n_dims = math.prod(shape)
    uniform_levels = np.full(5, -n_dims * math.log(256))  # P = 1/256 for every pixel
    np.testing.assert_allclose(bits_per_dim_from_nats(uniform_levels, shape), 8.0, rtol=1e-14)
    uniform_density = np.zeros(5)  # density 1 on [0, 1]^D
    got = bits_per_dim_from_nats(uniform_density, shape, continuous=True)
    np.testing.assert_allclose(got, 8.0, rtol=1e-14)
    assert got.shape == (5,) and got.dtype == np.float64


def test_bits_per_dim_converts_the_importance_weighted_bound(digits):
    x = digits.x_test[:20]
    n_dims = math.prod(digits.example_shape)
    for likelihood, offset in (("bernoulli", 0.0), ("gaussian", 8.0)):
        vae = vl.models.make_vae(digits.example_shape, latent_dim=2, hidden=(16,),
                                 likelihood=likelihood, seed=0)
        bound = vl.evaluation.iwae_bound(vae, x, n_samples=10, seed=3)
        got = vl.evaluation.bits_per_dim(vae, x, n_samples=10, seed=3)
        np.testing.assert_allclose(got, offset - bound / (n_dims * math.log(2)), rtol=1e-6)


# --- The logistic image model -------------------------------------------------------------

def test_the_logistic_likelihood_refuses_pixels_outside_the_unit_interval():
    vae = vl.models.make_vae((8, 8, 3), latent_dim=2, likelihood="logistic", hidden=(16,))
    with pytest.raises(ValueError, match=r"'logistic' likelihood needs inputs in \[0, 1\]"):
        vae.fit(random_colour_images() * 255, epochs=1, verbose=0)


def test_the_model_scores_pixels_with_the_discretized_logistic_per_channel():
    vae = vl.models.make_vae((8, 8, 3), latent_dim=2, likelihood="logistic", hidden=(16,), seed=0)
    scale = keras.ops.convert_to_numpy(keras.ops.exp(vae.decoder_log_scale))
    np.testing.assert_allclose(scale, [vl.defaults.LOGISTIC_INITIAL_SCALE] * 3, rtol=1e-6)
    x = random_colour_images(8)
    z = np.random.default_rng(1).normal(size=(8, 2)).astype("float32")
    want = discretized_logistic_log_likelihood(x, vae.decoder(z), vae.decoder_log_scale)
    np.testing.assert_allclose(vae.log_likelihood(x, z), keras.ops.convert_to_numpy(want),
                               rtol=1e-6)


def discretized_logistic_mean(location, scale):
    """The mean of the levels k / 255 under the discretized logistic, summed level by level."""
    edges = (np.arange(1, 256) - 0.5) / 255
    return (1 / (1 + np.exp(-(location[..., None] - edges) / scale))).sum(axis=-1) / 255


@pytest.mark.parametrize("scale", [vl.defaults.LOGISTIC_INITIAL_SCALE, 0.5])
def test_draws_lie_on_the_8_bit_grid_around_the_decoded_mean(scale):
    vae = vl.models.make_vae((8, 8, 3), latent_dim=2, likelihood="logistic", hidden=(16,), seed=0)
    vae.decoder_log_scale.assign(np.full(3, math.log(scale), "float32"))
    location = np.random.default_rng(0).uniform(0.3, 0.7, (8, 8, 3))
    location[0, 0] = [1.5, -0.5, 2.0]  # beyond [0, 1]: drawn at the edge levels
    output_layer = vae.decoder.layers[-2]  # the Dense layer before the reshape
    output_layer.kernel.assign(np.zeros(output_layer.kernel.shape))
    output_layer.bias.assign(location.ravel())
    n_draws = 4000
    z = np.zeros((n_draws, 2), "float32")
    draws = vae.draw(z, seed=1)

    assert draws.shape == (n_draws, 8, 8, 3) and draws.dtype == np.float32
    assert draws.min() >= 0 and draws.max() <= 1
    np.testing.assert_allclose(draws * 255, np.round(draws * 255), atol=1e-4)
    mean = vae.decode(z[:1])[0]
    # The mean of the levels, not the clipped location: a wide logistic centred beyond 1
    # still puts mass below it. Within a tenth of a level of the sum over the 256 levels.
    np.testing.assert_allclose(mean, discretized_logistic_mean(location, scale), atol=0.1 * STEP)
    if scale > 0.1:  # the pixel whose locations lie beyond [0, 1]
        assert np.all(np.abs(mean[0, 0] - np.clip(location[0, 0], 0, 1)) > 0.05)
    # A logistic of scale s has variance pi^2 s^2 / 3, and rounding to the grid and clipping
    # only lower it. Five standard errors of the mean of n_draws: a false alarm for one pixel
    # has probability 6e-7, for any of the 192 about 1e-4.
    standard_error = math.sqrt((math.pi**2 * scale**2 / 3 + STEP**2 / 12) / n_draws)
    np.testing.assert_allclose(draws.mean(axis=0), mean, atol=5 * standard_error)
    np.testing.assert_array_equal(vae.draw(z[:5], seed=2), vae.draw(z[:5], seed=2))


def test_a_logistic_vae_learns_colour_noise_and_loads_back_the_same(tmp_path):
    x = random_colour_images()
    # The scale starts at 8 levels and must grow to about 45 for pixels of pure noise: a
    # high learning rate without warmup gets there in 100 updates.
    vae = vl.models.make_vae((8, 8, 3), latent_dim=2, likelihood="logistic", hidden=(16,),
                             seed=0, learning_rate=0.05, warmup_steps=0)
    losses = vae.fit(x, epochs=25, batch_size=16, verbose=0).history["loss"]
    assert losses[-1] < losses[0]

    path = tmp_path / "logistic.keras"
    vae.save(path)
    loaded = vl.saving.load_model(path)
    assert type(loaded) is vl.models.VAE and loaded.likelihood == "logistic"
    for a, b in zip(loaded.get_weights(), vae.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    z = vae.transform(x[:8])
    np.testing.assert_array_equal(loaded.draw(z, seed=0), vae.draw(z, seed=0))
    np.testing.assert_allclose(loaded.log_likelihood(x[:8], z), vae.log_likelihood(x[:8], z),
                               rtol=1e-6)

    bits = vl.evaluation.bits_per_dim(vae, x, n_samples=20, seed=0)
    assert bits.shape == (64,) and np.all(np.isfinite(bits)) and np.all(bits > 0)
    # A uniform model scores 8 on noise, one logistic for all pixels about 8.28 at best.
    assert bits.mean() < 8.5, bits.mean()


def test_an_untrained_logistic_vae_explains_digits_worse_than_a_trained_one(digits):
    def on_8_bit_grid(x):  # the digits' 17 grey levels, moved to the nearest 8-bit level
        return (np.round(x * 255) / 255).astype("float32")

    x_train, x_test = on_8_bit_grid(digits.x_train[:800]), on_8_bit_grid(digits.x_test[:200])
    vae = vl.models.make_vae(digits.example_shape, latent_dim=2, likelihood="logistic",
                             hidden=(32,), seed=0)
    untrained = vl.evaluation.bits_per_dim(vae, x_test, n_samples=20, seed=0).mean()
    vae.fit(x_train, epochs=2, batch_size=16, verbose=0)  # 100 updates
    trained = vl.evaluation.bits_per_dim(vae, x_test, n_samples=20, seed=0).mean()
    assert trained < untrained - 1.0, (trained, untrained)


# --- Scales the decoder predicts, one per pixel ------------------------------------------

def constant_output(model, values):
    """Make the MLP decoder output ``values`` (its output shape) whatever the code."""
    output_layer = model.decoder.layers[-2]  # the Dense layer before the reshape
    output_layer.kernel.assign(np.zeros(output_layer.kernel.shape))
    output_layer.bias.assign(np.asarray(values, "float32").ravel())


@pytest.mark.parametrize("likelihood", ["logistic", "gaussian"])
def test_a_predicted_scale_scores_like_a_learned_one_of_the_same_value(likelihood):
    shared = vl.models.make_vae((8, 8, 3), latent_dim=2, likelihood=likelihood, hidden=(16,),
                                seed=0)
    predicted = vl.models.make_vae((8, 8, 3), latent_dim=2, likelihood=likelihood,
                                   hidden=(16,), decoder_std="predicted", seed=0)
    assert predicted.decoder.outputs[0].shape[1:] == (8, 8, 6) and predicted.predicts_scale
    location = np.random.default_rng(0).uniform(0.2, 0.8, (8, 8, 3))
    log_scale = np.log(0.05)
    weight = shared.decoder_log_scale if likelihood == "logistic" else shared.decoder_log_std
    weight.assign(np.full(weight.shape, log_scale))
    constant_output(shared, location)
    constant_output(predicted, np.concatenate([location, np.full((8, 8, 3), log_scale)], axis=-1))
    x, z = random_colour_images(8), np.zeros((8, 2), "float32")
    np.testing.assert_allclose(predicted.log_likelihood(x, z), shared.log_likelihood(x, z),
                               rtol=1e-5)
    np.testing.assert_allclose(predicted.decode(z), shared.decode(z), rtol=1e-6)


def test_predicted_scales_are_floored_and_each_pixel_draws_with_its_own():
    vae = vl.models.make_vae((8, 8, 3), latent_dim=2, likelihood="logistic", hidden=(16,),
                             decoder_std="predicted", seed=0)
    log_scale = np.full((8, 8, 3), np.log(0.05))
    log_scale[0, 0] = -50.0  # floored at MIN_PREDICTED_LOG_SCALE: finite, and drawn as such
    log_scale[1, 1] = np.log(1e-6) - 100
    constant_output(vae, np.concatenate([np.full((8, 8, 3), 0.5 + 0.5 * STEP), log_scale], -1))
    z = np.zeros((3000, 2), "float32")
    assert np.all(np.isfinite(vae.log_likelihood(random_colour_images(8), z[:8])))
    draws = vae.draw(z, seed=0)
    floor = math.exp(vl.models.MIN_PREDICTED_LOG_SCALE)
    assert floor < STEP / 2
    # A scale of a quarter level gives the location's level 2 sigmoid(0.5 / 0.23) - 1 = 79%
    # of the mass (1 in 1e10 that 9,000 draws show under 70%).
    assert np.mean(np.round(draws[:, 0, 0] * 255) == 128) > 0.7
    # A logistic of scale 0.05 has a standard deviation of 0.05 pi / sqrt(3) = 0.091.
    assert draws[:, 2, 2].std() == pytest.approx(0.05 * math.pi / math.sqrt(3), rel=0.1)


def test_a_decoder_without_room_for_its_scales_is_refused_in_one_line():
    encoder = vl.networks.build_encoder((8, 8, 3), 2, hidden=(16,))
    decoder = vl.networks.build_decoder(2, (8, 8, 3), hidden=(16,))
    with pytest.raises(ValueError, match=r"outputs \(8, 8, 3\).*must output \(8, 8, 6\)"):
        vl.models.VAE(encoder, decoder, likelihood="logistic", decoder_std="predicted")
    with pytest.raises(ValueError, match="a Bernoulli has no scale"):
        vl.models.make_vae((8, 8, 3), decoder_std="predicted")


def test_a_vae_with_predicted_scales_trains_and_loads_back_the_same(tmp_path):
    x = random_colour_images()
    vae = vl.models.make_vae((8, 8, 3), latent_dim=2, likelihood="logistic", hidden=(16,),
                             decoder_std="predicted", seed=0)
    losses = vae.fit(x, epochs=5, batch_size=16, verbose=0).history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]
    vae.save(tmp_path / "predicted.keras")
    loaded = vl.saving.load_model(tmp_path / "predicted.keras")
    assert loaded.decoder_std == "predicted"
    z = vae.transform(x[:8])
    np.testing.assert_array_equal(loaded.draw(z, seed=0), vae.draw(z, seed=0))
    np.testing.assert_allclose(loaded.log_likelihood(x[:8], z), vae.log_likelihood(x[:8], z),
                               rtol=1e-6)
