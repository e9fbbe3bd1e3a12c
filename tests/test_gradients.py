"""Score-function and reparameterized gradient estimators agree with an analytic gradient."""

import numpy as np
from keras import ops

from vaelearn.gradients import (reparameterized_estimates, score_function_estimates,
                                summarize)

A = np.array([1.0, -0.5])


def f_numpy(z):
    return np.sum((z - A) ** 2, axis=-1)


def f_tensor(z):
    # ops.subtract, not `-`: PyTorch refuses arithmetic between a tensor and a NumPy array.
    return ops.sum(ops.square(ops.subtract(z, A.astype("float32"))), axis=-1)


# E[(z - a)^2] = (mu - a)^2 + sigma^2  =>  d/dmu = 2 (mu - a),  d/dlog_var = sigma^2.
MU, LOG_VAR = np.array([0.3, 0.2]), np.array([0.0, np.log(0.25)])
GRAD_MU, GRAD_LOG_VAR = 2 * (MU - A), np.exp(LOG_VAR)


def test_score_function_is_unbiased():
    est = score_function_estimates(f_numpy, MU, LOG_VAR, n_samples=200_000, seed=0)
    for samples, truth in ((est.d_mu, GRAD_MU), (est.d_log_var, GRAD_LOG_VAR)):
        s = summarize(samples)
        assert np.all(np.abs(s.mean - truth) < 4 * s.standard_error)


def test_reparameterized_is_unbiased_and_exact_per_sample():
    est = reparameterized_estimates(f_tensor, MU, LOG_VAR, n_samples=50_000, seed=0)
    s_mu, s_lv = summarize(est.d_mu), summarize(est.d_log_var)
    assert np.all(np.abs(s_mu.mean - GRAD_MU) < 4 * s_mu.standard_error)
    assert np.all(np.abs(s_lv.mean - GRAD_LOG_VAR) < 4 * s_lv.standard_error)
    # Per sample, d/dmu f(mu + sigma eps) = 2 (z - a) with z = mu + sigma eps.
    eps = np.random.default_rng(0).standard_normal((50_000, 2))
    z = MU + np.exp(0.5 * LOG_VAR) * eps
    np.testing.assert_allclose(est.d_mu, 2 * (z - A), rtol=1e-4, atol=1e-4)


def test_reparameterized_has_lower_variance_here():
    score = summarize(score_function_estimates(f_numpy, MU, LOG_VAR, n_samples=20_000, seed=1).d_mu)
    path = summarize(reparameterized_estimates(f_tensor, MU, LOG_VAR, n_samples=20_000, seed=1).d_mu)
    assert np.all(score.variance > 5 * path.variance)


def test_summarize_shapes_and_standard_error():
    s = summarize(np.arange(10.0))
    assert s.mean.shape == (1,) and s.n_samples == 10
    np.testing.assert_allclose(s.standard_error, np.std(np.arange(10.0), ddof=1) / np.sqrt(10))
