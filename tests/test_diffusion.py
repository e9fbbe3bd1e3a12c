"""Known-answer tests of vaelearn.diffusion: the forward process, its posterior, the ELBO of a
diffusion model term by term, training, sampling and saving; and the exercise of notebook 16.

Statistical checks compare Monte-Carlo estimates with exact values within 4 standard errors
(two-sided false-alarm rate 6e-5 each)."""

import keras
import numpy as np
import pytest
from keras import ops

import vaelearn as vl
from vaelearn import diffusion as D
from vaelearn import exercises

RING_SIGMA = 0.05


def ring_centers(n_modes=8):
    angles = 2 * np.pi * np.arange(n_modes) / n_modes
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


def ring_points(n, seed):
    rng = np.random.default_rng(seed)
    centers = ring_centers()
    return centers[rng.integers(8, size=n)] + RING_SIGMA * rng.standard_normal((n, 2))


def ring_log_density(x):
    sq = ((x[:, None, :] - ring_centers()[None]) ** 2).sum(-1)
    top = (-0.5 * sq / RING_SIGMA**2).max(axis=1, keepdims=True)
    log_mix = top[:, 0] + np.log(np.exp(-0.5 * sq / RING_SIGMA**2 - top).mean(axis=1))
    return log_mix - np.log(2 * np.pi * RING_SIGMA**2)


# The schedule ---------------------------------------------------------------------------------

@pytest.mark.parametrize("schedule", D.SCHEDULES)
def test_the_schedule_is_indexed_by_the_step_from_the_data_to_noise(schedule):
    alpha_bar = D.noise_schedule(50, schedule=schedule)
    assert alpha_bar.shape == (51,) and alpha_bar[0] == 1.0
    assert np.all(np.diff(alpha_bar) < 0) and 0 < alpha_bar[-1] < 1e-3


def test_the_linear_schedule_is_hos_scaled_to_the_number_of_steps():
    alpha_bar = D.noise_schedule(1000, schedule="linear")
    betas = 1 - alpha_bar[1:] / alpha_bar[:-1]
    np.testing.assert_allclose(betas[[0, -1]], [1e-4, 0.02], rtol=1e-9)
    betas = 1 - (lambda a: a[1:] / a[:-1])(D.noise_schedule(100, schedule="linear"))
    np.testing.assert_allclose(betas[[0, -1]], [1e-3, 0.2], rtol=1e-9)


def test_the_cosine_schedule_follows_its_formula():
    alpha_bar = D.noise_schedule(20, schedule="cosine")
    f = np.cos((np.arange(21) / 20 + 0.008) / 1.008 * np.pi / 2) ** 2
    np.testing.assert_allclose(alpha_bar[:-1], (f / f[0])[:-1], rtol=1e-9)
    assert alpha_bar[-1] == pytest.approx(alpha_bar[-2] * 0.001)  # the capped last beta


def test_bad_schedules_and_steps_are_refused_in_one_sentence():
    with pytest.raises(ValueError, match="schedule"):
        D.noise_schedule(10, schedule="quadratic")
    with pytest.raises(ValueError, match="at least 2"):
        D.noise_schedule(1)
    with pytest.raises(ValueError, match="alpha_bar\\[0\\] = 1"):
        D.diffuse(np.zeros((2, 2)), 1, np.array([0.9, 0.5, 0.1]), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="integers in 0..3"):
        D.diffuse(np.zeros((2, 2)), np.array([1, 4]), D.noise_schedule(3), np.zeros((2, 2)))


# The forward process and its posterior -------------------------------------------------------

def test_the_closed_form_marginal_is_the_one_step_kernel_iterated():
    alpha_bar = D.noise_schedule(10)
    alpha = alpha_bar[1:] / alpha_bar[:-1]
    x0 = np.array([[1.0, -0.5], [0.2, 2.0]])
    n = 40000
    rng = np.random.default_rng(0)
    x = np.repeat(x0[None], n, axis=0)                        # (n, 2 examples, 2)
    for t in range(1, 8):
        x = np.sqrt(alpha[t - 1]) * x + np.sqrt(1 - alpha[t - 1]) * rng.standard_normal(x.shape)
    t = 7
    closed = D.diffuse(np.repeat(x0, n, axis=0), t, alpha_bar,
                       rng.standard_normal((2 * n, 2))).reshape(n, 2, 2, order="F")
    mean, var = np.sqrt(alpha_bar[t]) * x0, 1 - alpha_bar[t]
    for draws in (x, closed):
        se_mean = np.sqrt(var / n)
        se_var = var * np.sqrt(2 / (n - 1))
        assert np.all(np.abs(draws.mean(0) - mean) < 4 * se_mean)
        assert np.all(np.abs(draws.var(0, ddof=1) - var) < 4 * se_var)


def test_diffuse_at_step_zero_is_the_data_and_broadcasts_over_any_example_shape():
    alpha_bar = D.noise_schedule(5)
    x = np.random.default_rng(1).normal(size=(3, 4, 2))
    eps = np.random.default_rng(2).normal(size=x.shape)
    out = D.diffuse(x, np.array([0, 2, 5]), alpha_bar, eps)
    np.testing.assert_allclose(out[0], x[0])
    a = alpha_bar[5]
    np.testing.assert_allclose(out[2], np.sqrt(a) * x[2] + np.sqrt(1 - a) * eps[2])


def test_the_posterior_is_bayes_rule_on_a_grid():
    alpha_bar = D.noise_schedule(10)
    t, x0, x_t = 4, 0.7, -0.3
    alpha_t = alpha_bar[t] / alpha_bar[t - 1]
    grid = np.linspace(-6, 6, 200001)
    log_density = (-0.5 * (x_t - np.sqrt(alpha_t) * grid) ** 2 / (1 - alpha_t)
                   - 0.5 * (grid - np.sqrt(alpha_bar[t - 1]) * x0) ** 2 / (1 - alpha_bar[t - 1]))
    density = np.exp(log_density - log_density.max())
    density /= density.sum()
    mean, variance = D.posterior(np.array([[x_t]]), np.array([[x0]]), t, alpha_bar)
    grid_mean = (grid * density).sum()
    np.testing.assert_allclose(mean[0, 0], grid_mean, atol=1e-6)
    np.testing.assert_allclose(variance[0], ((grid - grid_mean) ** 2 * density).sum(), rtol=1e-5)


def test_the_posterior_integrates_back_to_the_marginal_of_the_step_before():
    # If x_t ~ q(x_t | x_0), drawing x_{t-1} from q(x_{t-1} | x_t, x_0) gives q(x_{t-1} | x_0):
    # the posterior mean is a x_0 + b x_t, so its mean is a + b sqrt(alpha_bar_t) times x_0 and
    # b^2 (1 - alpha_bar_t) + beta_tilde_t = 1 - alpha_bar_{t-1}.
    alpha_bar = D.noise_schedule(30, schedule="cosine")
    for t in (2, 11, 30):
        zero = D.posterior(np.zeros((1, 1)), np.ones((1, 1)), t, alpha_bar)[0][0, 0]   # a
        b = D.posterior(np.ones((1, 1)), np.zeros((1, 1)), t, alpha_bar)[0][0, 0]
        variance = D.posterior(np.ones((1, 1)), np.ones((1, 1)), t, alpha_bar)[1][0]
        assert zero + b * np.sqrt(alpha_bar[t]) == pytest.approx(np.sqrt(alpha_bar[t - 1]))
        assert b**2 * (1 - alpha_bar[t]) + variance == pytest.approx(1 - alpha_bar[t - 1])
    assert D.posterior(np.ones((1, 1)), np.ones((1, 1)), 1, alpha_bar)[1][0] == 0.0


# The ELBO ------------------------------------------------------------------------------------

def test_the_denoising_kl_is_the_weighted_squared_error_of_the_noise():
    alpha_bar = D.noise_schedule(20)
    weights = D.denoising_weights(alpha_bar)
    snr = alpha_bar / (1 - np.where(alpha_bar == 1, 0.0, alpha_bar))
    np.testing.assert_allclose(weights[2:], 0.5 * (snr[1:-1] / snr[2:] - 1), rtol=1e-9)
    rng = np.random.default_rng(3)
    x, eps, eps_hat = (rng.normal(size=(5, 2)) for _ in range(3))
    for t in (2, 9, 20):
        x_t = D.diffuse(x, t, alpha_bar, eps)
        target, variance = D.posterior(x_t, x, t, alpha_bar)
        # The model's mean, the posterior's mean with x_0 predicted from eps_hat.
        x0_hat = (x_t - np.sqrt(1 - alpha_bar[t]) * eps_hat) / np.sqrt(alpha_bar[t])
        mean, _ = D.posterior(x_t, x0_hat, t, alpha_bar)
        kl = 0.5 * ((target - mean) ** 2).sum(1) / variance
        np.testing.assert_allclose(kl, weights[t] * ((eps - eps_hat) ** 2).sum(1), rtol=1e-8)


def test_the_prior_term_vanishes_for_a_long_schedule_and_not_for_a_short_one():
    x = ring_points(500, seed=4)
    zero = lambda x_t, t: np.zeros_like(x_t)  # noqa: E731
    long = D.elbo_terms(x, D.noise_schedule(100), zero, seed=0).prior
    short = D.elbo_terms(x, np.array([1.0, 0.9, 0.6]), zero, seed=0).prior
    assert long.max() < 1e-4
    assert short.mean() > 0.1


def gaussian_model_variance(alpha_bar, s):
    """The variance of x_0 under the reverse process with the optimal denoiser of N(0, s^2):
    every reverse step is linear, x_{t-1} = c_t x_t + noise, so the variances follow
    v_{t-1} = c_t^2 v_t + beta_tilde_t from v_T = 1, and the last step adds beta_1."""
    denoiser = D.ideal_denoiser(np.zeros((1, 1)), s, alpha_bar)
    previous = np.concatenate([[1.0], alpha_bar[:-1]])
    beta = 1 - alpha_bar / previous
    variance = 1.0
    for t in range(len(alpha_bar) - 1, 0, -1):
        slope = denoiser(np.ones((1, 1)), np.array([t]))[0, 0]        # eps_hat = slope x_t
        c = (1 - beta[t] / np.sqrt(1 - alpha_bar[t]) * slope) / np.sqrt(1 - beta[t])
        noise = beta[t] * (1 - previous[t]) / (1 - alpha_bar[t]) if t > 1 else beta[1]
        variance = c**2 * variance + noise
    return variance


def test_gaussian_data_with_the_optimal_denoiser_bound_the_exact_log_likelihood():
    # For data N(0, s^2 I) the optimal denoiser is linear, so the model p_theta(x_0) is a
    # Gaussian whose variance is known exactly: its log-likelihood bounds the ELBO from above.
    s, d, n = 0.5, 2, 4000
    x = np.random.default_rng(5).normal(scale=s, size=(n, d))
    data_log_likelihood = -0.5 * (x**2).sum(1) / s**2 - d / 2 * np.log(2 * np.pi * s**2)
    gaps = {}
    for n_steps in (20, 100, 1000):
        alpha_bar = D.noise_schedule(n_steps)
        bound = D.elbo_terms(x, alpha_bar, D.ideal_denoiser(np.zeros((1, d)), s, alpha_bar), seed=6)
        v = gaussian_model_variance(alpha_bar, s)
        model_log_likelihood = -0.5 * (x**2).sum(1) / v - d / 2 * np.log(2 * np.pi * v)
        gap = model_log_likelihood - bound.total    # paired: log p_theta(x) - ELBO(x) per example
        assert gap.mean() > -4 * gap.std(ddof=1) / np.sqrt(n), "the ELBO never exceeds log p_theta"
        assert np.mean(data_log_likelihood - model_log_likelihood) >= 0  # the data's own is best
        gaps[n_steps] = gap.mean()
    # The model is nearly exact (its variance within 2% of s^2), and the bound tightens with
    # more steps, to the inference gap of the fixed encoder: 0.9 nats for 2 dimensions at T = 1000.
    assert abs(gaussian_model_variance(D.noise_schedule(1000), s) - s**2) < 0.02 * s**2
    assert gaps[20] > gaps[100] > gaps[1000] and gaps[1000] < 1.2, gaps


def test_the_optimal_linear_denoiser_is_the_posterior_mean_of_the_noise():
    alpha_bar = D.noise_schedule(10)
    s = 0.7
    denoiser = D.ideal_denoiser(np.zeros((1, 1)), s, alpha_bar)
    t = 6
    rng = np.random.default_rng(7)
    x = s * rng.standard_normal((200000, 1))
    eps = rng.standard_normal(x.shape)
    x_t = D.diffuse(x, t, alpha_bar, eps)
    slope = np.sum(x_t * eps) / np.sum(x_t**2)                # least squares eps ~ slope x_t
    assert denoiser(np.ones((1, 1)), np.array([t]))[0, 0] == pytest.approx(slope, rel=0.02)


@pytest.fixture(scope="module")
def ring_bounds():
    x = ring_points(2000, seed=8)
    alpha_bar = D.noise_schedule(100)
    terms = D.elbo_terms(x, alpha_bar, D.ideal_denoiser(ring_centers(), RING_SIGMA, alpha_bar),
                         seed=9)
    return x, terms, ring_log_density(x)


def below_the_truth(x, elbo, log_density):
    """The notebook's check: the mean of ELBO(x) - log p_data(x) is not above 0 by 3 standard
    errors (paired over the points)."""
    gap = elbo - log_density
    return gap.mean() < 3 * gap.std(ddof=1) / np.sqrt(len(x))


def test_the_ideal_denoisers_bound_on_the_ring_is_below_the_truth(ring_bounds):
    x, terms, log_density = ring_bounds
    assert below_the_truth(x, terms.total, log_density)
    assert terms.mean > log_density.mean() - 1.5, "and within 1.5 nats of it at T = 100"


@pytest.mark.parametrize("impostor", [
    lambda terms: terms.reconstruction - terms.prior,                    # forgot the KLs
    lambda terms: terms.reconstruction + terms.denoising - terms.prior,  # their sign flipped
])
def test_the_check_catches_a_wrong_elbo(ring_bounds, impostor):
    x, terms, log_density = ring_bounds
    assert not below_the_truth(x, impostor(terms), log_density)


def test_elbo_terms_estimate_has_a_standard_error():
    terms = D.ELBOTerms(np.array([1.0, 3.0]), np.array([0.5, 0.5]), np.zeros(2))
    np.testing.assert_allclose(terms.total, [0.5, 2.5])
    assert terms.mean == 1.5 and terms.standard_error == pytest.approx(1.0)


# The model -----------------------------------------------------------------------------------

def tiny_model(objective="simple", seed=0, n_steps=20):
    return D.make_diffusion_model((2,), n_steps=n_steps, hidden=(32, 32), objective=objective,
                                  seed=seed)


@pytest.mark.parametrize("objective", D.OBJECTIVES)
def test_the_history_logs_what_the_model_optimises_and_adds_up(objective):
    vl.seed(0)
    model = tiny_model(objective)
    history = model.fit(ring_points(256, seed=10), epochs=2, batch_size=64, verbose=0).history
    terms = ["reconstruction_loss", "denoising_loss"]
    terms += ["prior_loss"] if objective == "elbo" else []
    assert set(history) == {"loss", *terms}
    total = np.sum([history[k] for k in terms], axis=0)
    np.testing.assert_allclose(history["loss"], total, rtol=1e-4, atol=1e-4)


@pytest.mark.slow
def test_the_elbo_objective_is_an_unbiased_estimate_of_minus_the_elbo():
    vl.seed(1)
    model = tiny_model("elbo", n_steps=50)
    x = ring_points(200, seed=11)
    repeated = np.tile(x, (50, 1))
    losses = [model.evaluate(repeated, batch_size=10000, verbose=0, return_dict=True)["loss"]
              for _ in range(10)]
    bound = model.elbo(x, n_samples=4, seed=12)
    se = np.sqrt(np.var(losses, ddof=1) / len(losses) + bound.standard_error**2)
    assert abs(np.mean(losses) + bound.mean) < 4 * se + 1e-3


def test_samples_are_seeded_and_shaped():
    model = tiny_model()
    a, b = model.sample(7, seed=3), model.sample(7, seed=3)
    assert a.shape == (7, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, model.sample(7, seed=4))


def test_ancestral_sampling_with_the_ideal_denoiser_reproduces_the_ring():
    model = tiny_model(n_steps=100)
    model.predict_noise = D.ideal_denoiser(ring_centers(), RING_SIGMA, model.alpha_bar)
    coverage = vl.metrics.mode_coverage(model.sample(2000, seed=13), ring_centers(), RING_SIGMA)
    assert coverage.modes_covered == 8 and coverage.good_fraction > 0.97


@pytest.mark.slow
def test_a_trained_models_elbo_is_far_above_an_untrained_ones():
    vl.seed(2)
    x, x_test = ring_points(2000, seed=14), ring_points(500, seed=15)
    model = D.make_diffusion_model((2,), n_steps=50, hidden=(64, 64), seed=2)
    before = model.elbo(x_test, seed=16)
    model.fit(x, epochs=30, batch_size=128, verbose=0)
    after = model.elbo(x_test, seed=16)
    assert after.mean > before.mean + 10 * np.hypot(before.standard_error, after.standard_error)
    assert below_the_truth(x_test, after.total, ring_log_density(x_test))


def test_save_and_load_round_trip(tmp_path):
    vl.seed(3)
    model = tiny_model("elbo", seed=5)
    model.fit(ring_points(128, seed=17), epochs=1, batch_size=64, verbose=0)
    path = tmp_path / "diffusion.keras"
    model.save(path)
    loaded = vl.saving.load_model(path)
    assert type(loaded) is D.DiffusionModel
    assert (loaded.n_steps, loaded.schedule, loaded.objective, loaded.seed) == \
        (model.n_steps, model.schedule, model.objective, model.seed)
    x = ring_points(16, seed=18)
    t = np.arange(16) % model.n_steps + 1
    np.testing.assert_allclose(loaded.predict_noise(x, t), model.predict_noise(x, t), atol=1e-6)
    np.testing.assert_allclose(loaded.sample(5, seed=1), model.sample(5, seed=1), atol=1e-5)
    np.testing.assert_allclose(loaded.elbo(x, seed=2).total, model.elbo(x, seed=2).total, rtol=1e-5)
    loaded.fit(x, epochs=1, batch_size=8, verbose=0)  # compiled and trainable again


def test_inputs_are_checked_in_one_sentence():
    model = tiny_model()
    with pytest.raises(ValueError, match="expects examples shaped"):
        model.fit(np.zeros((8, 3), "float32"), verbose=0)
    with pytest.raises(ValueError, match="no labels"):
        model.fit(np.zeros((8, 2), "float32"), np.zeros(8), verbose=0)
    with pytest.raises(ValueError, match="flat examples"):
        D.make_diffusion_model((8, 8, 1), n_steps=10)
    with pytest.raises(ValueError, match="objective"):
        D.make_diffusion_model((2,), objective="vlb")
    with pytest.raises(ValueError, match="integers in 1..20"):
        model.predict_noise(np.zeros((2, 2)), np.array([0, 1]))


def test_fourier_features_widen_their_input():
    layer = D.FourierFeatures(3)
    out = ops.convert_to_numpy(layer(ops.convert_to_tensor(np.array([[0.5, -1.0]], "float32"))))
    assert out.shape == (1, 2 * 7)
    np.testing.assert_allclose(out[0, :2], [0.5, -1.0])
    np.testing.assert_allclose(out[0, 2:5], np.sin(np.pi * np.array([1, 2, 4]) * 0.5), atol=1e-6)
    assert keras.layers.deserialize(keras.layers.serialize(layer)).n_frequencies == 3


# The exercise ---------------------------------------------------------------------------------

def test_the_reference_passes_and_each_classic_mistake_gets_its_hint():
    ex = exercises.get("forward_diffusion")
    assert exercises.check("forward_diffusion", ex.reference).passed
    assert len(ex.mistakes) >= 3
    for mistake in ex.mistakes:
        result = exercises.check("forward_diffusion", mistake.answer)
        assert result.status == "failed" and result.hint == mistake.hint


def test_a_keras_ops_answer_and_the_librarys_own_pass():
    def with_ops(x0, t, alpha_bar, eps):
        a = ops.take(ops.convert_to_tensor(alpha_bar), ops.convert_to_tensor(t))
        a = ops.reshape(a, (-1,) + (1,) * (len(x0.shape) - 1))
        return ops.sqrt(a) * x0 + ops.sqrt(1 - a) * eps

    assert exercises.check("forward_diffusion", with_ops).passed
    assert exercises.check("forward_diffusion", D.diffuse).passed
