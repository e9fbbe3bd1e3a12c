import numpy as np
import pytest
from keras import ops

from vaelearn import evaluation, objectives


def test_closed_form_kl_matches_monte_carlo():
    rng = np.random.default_rng(0)
    mu = rng.normal(size=(6, 4)).astype("float32")
    log_var = rng.normal(scale=0.5, size=(6, 4)).astype("float32")
    exact = ops.convert_to_numpy(objectives.gaussian_kl(mu, log_var))
    estimate = ops.convert_to_numpy(objectives.monte_carlo_kl(mu, log_var, n_samples=20000, seed=1))
    # Per draw, log q - log p = const + eps^2 (sigma^2 - 1) / 2 + mu sigma eps, whose variance is
    # sum_j [(sigma_j^2 - 1)^2 / 2 + mu_j^2 sigma_j^2]; allow 4 standard errors.
    var = np.exp(log_var)
    per_draw_var = np.sum((var - 1) ** 2 / 2 + mu**2 * var, axis=1)
    stderr = np.sqrt(per_draw_var / 20000)
    assert np.all(np.abs(estimate - exact) < 4 * stderr), (estimate, exact, stderr)


def test_kl_of_a_unit_shift_is_one_half():
    assert float(objectives.gaussian_kl(np.ones((1, 1), "float32"), np.zeros((1, 1), "float32"))[0]) \
        == pytest.approx(0.5)
    assert float(objectives.gaussian_kl(np.zeros((1, 3), "float32"), np.zeros((1, 3), "float32"))[0]) == 0


def test_bernoulli_log_likelihood_is_minus_summed_bce():
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(3, 8, 8, 1)).astype("float32")
    logits = rng.normal(size=(3, 8, 8, 1)).astype("float32")
    p = 1 / (1 + np.exp(-logits))
    bce = -(x * np.log(p) + (1 - x) * np.log(1 - p)).reshape(3, -1).sum(1)
    np.testing.assert_allclose(ops.convert_to_numpy(objectives.bernoulli_log_likelihood(x, logits)),
                               -bce, rtol=1e-5)


def test_bernoulli_likelihood_is_bounded_by_pixel_entropy():
    x = np.random.default_rng(0).uniform(size=(4, 8, 8, 1)).astype("float32")
    logits = np.log(x / (1 - x))  # the best possible decoder output
    best = ops.convert_to_numpy(objectives.bernoulli_log_likelihood(x, logits))
    np.testing.assert_allclose(-best, evaluation.pixel_entropy(x), rtol=1e-4)


def test_gaussian_log_likelihood_matches_scipy():
    from scipy.stats import norm

    rng = np.random.default_rng(0)
    x, mean = rng.normal(size=(2, 5)).astype("float32"), rng.normal(size=(2, 5)).astype("float32")
    got = ops.convert_to_numpy(objectives.gaussian_log_likelihood(x, mean, np.log(0.5)))
    np.testing.assert_allclose(got, norm.logpdf(x, mean, 0.5).sum(1), rtol=1e-5)


def test_log_normal_matches_scipy():
    from scipy.stats import norm

    z = np.array([[0.3, -1.0]], "float32")
    mu = np.array([[0.1, 0.5]], "float32")
    log_var = np.array([[0.2, -0.4]], "float32")
    expected = norm.logpdf(z, mu, np.exp(0.5 * log_var)).sum()
    assert float(objectives.log_normal(z, mu, log_var)[0]) == pytest.approx(expected, rel=1e-5)


def test_gradients_reach_mean_and_log_variance_through_sampling():
    from vaelearn.backend import value_and_grad
    from vaelearn.networks import Sampling

    sampling = Sampling(seed=0)
    _, (grad_mu, grad_log_var) = value_and_grad(
        lambda mu, log_var: ops.sum(ops.square(sampling([mu, log_var]) - 1.0)),
        np.zeros((4, 2)), np.zeros((4, 2)))
    assert np.all(np.abs(grad_mu) > 0)
    assert np.any(np.abs(grad_log_var) > 0)
