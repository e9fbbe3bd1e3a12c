import numpy as np
import pytest

from vaelearn import metrics


def test_active_units_counts_dimensions_that_vary_with_x():
    rng = np.random.default_rng(0)
    z = np.concatenate([rng.normal(size=(500, 3)), 0.01 * rng.normal(size=(500, 2))], axis=1)
    assert metrics.active_units(z) == 3
    np.testing.assert_allclose(metrics.latent_activity(z)[:3], 1.0, atol=0.15)


def test_kl_per_dimension_is_zero_for_the_prior():
    z_mean, z_log_var = np.zeros((10, 3)), np.zeros((10, 3))
    np.testing.assert_allclose(metrics.kl_per_dimension(z_mean, z_log_var), 0.0)
    np.testing.assert_allclose(metrics.kl_per_dimension(z_mean + 1, z_log_var), 0.5)


def test_mutual_information_is_zero_when_codes_ignore_x_and_near_log_n_when_exact():
    n = 400
    collapsed = metrics.mutual_information(np.zeros((n, 2)), np.zeros((n, 2)))
    assert abs(collapsed) < 0.05
    spread = np.random.default_rng(0).normal(scale=10, size=(n, 2))
    informative = metrics.mutual_information(spread, np.full((n, 2), -8.0))
    assert informative == pytest.approx(np.log(n), abs=0.05)


def test_mode_coverage_counts_modes_and_good_samples():
    centers = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    samples = np.array([[1.0, 0.01], [0.0, 0.98], [0.0, 0.0], [0.02, 1.0]])
    result = metrics.mode_coverage(samples, centers, sigma=0.05)
    assert result.modes_covered == 2 and result.n_modes == 3
    assert result.good_fraction == pytest.approx(0.75)


def test_sample_diversity():
    assert metrics.sample_diversity(np.ones((5, 4, 4, 1))) == 0.0
    pair = np.array([[0.0, 0.0], [3.0, 4.0]])
    assert metrics.sample_diversity(pair) == pytest.approx(5.0)
