"""vl.sampling.fitted_codes: codes drawn from Gaussians fitted to the training codes."""

import numpy as np
import pytest

from vaelearn.sampling import fitted_codes


class KnownCodes:
    """A stand-in model whose encoder returns given posterior means and log-variances."""

    def __init__(self, z_mean, z_log_var):
        self.z_mean, self.z_log_var = z_mean, z_log_var

    def encode(self, x, y=None):
        return self.z_mean[x], self.z_log_var[x]


@pytest.fixture
def two_categories():
    # label 0's codes around (5, 0) with spread (1, 2), correlated; label 1's around (-5, 3)
    rng = np.random.default_rng(0)
    first = rng.multivariate_normal([5, 0], [[1.0, 1.2], [1.2, 4.0]], 4000)
    second = rng.multivariate_normal([-5, 3], [[0.25, 0], [0, 0.25]], 4000)
    z_mean = np.concatenate([first, second]).astype("float32")
    model = KnownCodes(z_mean, np.full_like(z_mean, -30.0))  # posteriors of ~no width
    return model, np.arange(len(z_mean)), np.repeat([0, 1], 4000)


def test_each_label_draws_from_its_own_fitted_gaussian(two_categories):
    model, x, y = two_categories
    y_new = np.repeat([1, 0], 5000)
    z = fitted_codes(model, x, y, y_new=y_new, seed=0)
    assert z.shape == (10000, 2) and z.dtype == np.float32
    # standard errors of these moments (fit and draws): ~0.01-0.05; tolerances of 4 or more
    np.testing.assert_allclose(z[y_new == 0].mean(axis=0), [5, 0], atol=0.2)
    np.testing.assert_allclose(z[y_new == 1].mean(axis=0), [-5, 3], atol=0.05)
    np.testing.assert_allclose(np.cov(z[y_new == 0], rowvar=False), [[1, 1.2], [1.2, 4]],
                               rtol=0.1, atol=0.05)
    np.testing.assert_allclose(np.cov(z[y_new == 1], rowvar=False), [[0.25, 0], [0, 0.25]],
                               atol=0.05)


def test_the_posterior_width_is_part_of_the_fitted_spread():
    # every posterior mean at 0, each of variance 4: the codes, and the fit, spread by 2
    model = KnownCodes(np.zeros((5000, 3), "float32"), np.full((5000, 3), np.log(4.0), "float32"))
    z = fitted_codes(model, np.arange(5000), n_samples=5000, seed=1)
    np.testing.assert_allclose(z.std(axis=0), 2.0, atol=0.15)
    # the prior's draws would have spread 1: the check tells them apart
    assert not np.allclose(np.random.default_rng(1).standard_normal((5000, 3)).std(axis=0), 2.0,
                           atol=0.15)


def test_an_unconditional_fit_pools_all_codes(two_categories):
    model, x, y = two_categories
    z = fitted_codes(model, x, n_samples=4000, seed=2)
    np.testing.assert_allclose(z.mean(axis=0), [0, 1.5], atol=0.3)


def test_seeded_draws_repeat(two_categories):
    model, x, y = two_categories
    np.testing.assert_array_equal(fitted_codes(model, x, y, y_new=[0, 1, 1], seed=3),
                                  fitted_codes(model, x, y, y_new=[0, 1, 1], seed=3))


def test_what_cannot_be_fitted_says_so(two_categories):
    model, x, y = two_categories
    with pytest.raises(ValueError, match="y_new .* or n_samples"):
        fitted_codes(model, x, y)
    with pytest.raises(ValueError, match="Label 7 has 0 example"):
        fitted_codes(model, x, y, y_new=[7], seed=0)
