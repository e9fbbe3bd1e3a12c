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
    collapsed = metrics.mutual_information(np.zeros((n, 2)), np.zeros((n, 2)), seed=0)
    assert abs(collapsed) < 0.05
    spread = np.random.default_rng(0).normal(scale=10, size=(n, 2))
    informative = metrics.mutual_information(spread, np.full((n, 2), -8.0), seed=0)
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


def _uniform_factors(n, sizes, seed):
    rng = np.random.default_rng(seed)
    return np.stack([rng.integers(k, size=n) for k in sizes], axis=1)


def test_mig_of_a_perfect_one_to_one_code_is_one():
    factors = _uniform_factors(10000, (3, 4, 8, 8), seed=0)
    # each dimension holds one factor (any order, scale or sign), one holds nothing
    code = np.column_stack([2.0 * factors[:, 2], -factors[:, 0], 0.1 * factors[:, 3] + 5,
                            np.random.default_rng(1).normal(size=10000), factors[:, 1]])
    gaps = metrics.mutual_information_gap(code, factors, multioutput="raw_values")
    assert gaps.shape == (4,)
    np.testing.assert_allclose(gaps, 1.0, atol=0.005)  # less only by the estimator's bias
    assert metrics.mutual_information_gap(code, factors) == pytest.approx(gaps.mean())


def test_mig_of_a_code_independent_of_the_factors_is_near_zero():
    factors = _uniform_factors(10000, (3, 4, 8, 8), seed=0)
    code = np.random.default_rng(2).normal(size=(10000, 6))
    assert 0.0 <= metrics.mutual_information_gap(code, factors) < 0.01


def test_mig_in_between_equals_the_known_information_gap():
    # A binary factor held exactly by z0 and through a channel that flips 10% of the values
    # by z1: I(z0; v) = H(v) = log 2 and I(z1; v) = log 2 - h(0.1), so the gap is h(0.1) / log 2.
    v = np.repeat([0, 1], 500)
    flipped = v.copy()
    flipped[np.r_[0:50, 500:550]] ^= 1  # exactly 10% of each value
    code = np.column_stack([v, flipped, np.zeros(1000)])
    h = -(0.1 * np.log(0.1) + 0.9 * np.log(0.9))
    assert metrics.mutual_information_gap(code, v) == pytest.approx(h / np.log(2), rel=1e-9)


def test_mig_is_not_rotation_invariant_and_punishes_a_factor_spread_over_two_dimensions():
    factors = _uniform_factors(10000, (8, 8), seed=3) - 3.5
    angle = np.pi / 4
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    assert metrics.mutual_information_gap(factors, factors) > 0.99
    assert metrics.mutual_information_gap(factors @ rotation.T, factors) < 0.01
    info = metrics.factor_information(factors @ rotation.T, factors)
    assert info.shape == (2, 2) and info.min() > 0.5  # the information is there, shared


def test_mig_says_what_is_wrong_with_its_inputs():
    factors = _uniform_factors(100, (3, 4), seed=0)
    with pytest.raises(ValueError, match="2 dimensions or more"):
        metrics.mutual_information_gap(np.zeros((100, 1)), factors)
    with pytest.raises(ValueError, match="one value only"):
        metrics.mutual_information_gap(np.zeros((100, 2)), np.zeros((100, 1)))
    with pytest.raises(ValueError, match="same n"):
        metrics.mutual_information_gap(np.zeros((99, 2)), factors)
    with pytest.raises(ValueError, match="multioutput"):
        metrics.mutual_information_gap(np.zeros((100, 2)), factors, multioutput="mean")
