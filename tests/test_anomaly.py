import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score

import vaelearn as vl
from vaelearn.anomaly import SCORES, VAEAnomalyDetector


@pytest.fixture(scope="module")
def task(digits):
    """Digit 1 is the anomaly; the detector trains on the other digits."""
    x_normal = digits.x_train[digits.y_train != 1]
    return x_normal, digits.x_test, (digits.y_test == 1).astype(int)


@pytest.fixture(scope="module")
def fitted(task):
    vl.seed(0)
    x_normal, _, _ = task
    # The training this file's thresholds were measured with: 15 epochs of batches of 64 at
    # a learning rate of 1e-3 (the detector's defaults before vaelearn.defaults).
    return VAEAnomalyDetector(latent_dim=4, epochs=15, batch_size=64, learning_rate=1e-3,
                              hidden=(64, 32), contamination=0.1, seed=0, verbose=0).fit(x_normal)


def test_fit_sets_the_threshold_at_the_contamination_quantile(fitted, task):
    x_normal, _, _ = task
    scores = fitted.score_samples(x_normal)
    assert fitted.threshold_ == pytest.approx(np.quantile(scores, 0.1))
    assert np.mean(fitted.predict(x_normal) == -1) == pytest.approx(0.1, abs=0.01)


def test_predict_follows_the_sign_of_decision_function(fitted, task):
    _, x_test, _ = task
    decision = fitted.decision_function(x_test)
    np.testing.assert_allclose(decision, fitted.score_samples(x_test) - fitted.threshold_)
    np.testing.assert_array_equal(fitted.predict(x_test), np.where(decision < 0, -1, 1))
    assert set(np.unique(fitted.predict(x_test))) <= {-1, 1}


def test_every_score_has_one_finite_value_per_example(fitted, task):
    _, x_test, _ = task
    for score in SCORES:
        values = fitted.score_samples(x_test[:20], score=score)
        assert values.shape == (20,) and np.all(np.isfinite(values)), score


def test_scores_are_reproducible(fitted, task):
    _, x_test, _ = task
    for score in SCORES:
        np.testing.assert_allclose(fitted.score_samples(x_test[:20], score=score),
                                   fitted.score_samples(x_test[:20], score=score), rtol=1e-6)


def test_entropy_corrected_score_is_the_elbo_plus_pixel_entropy(fitted, task):
    _, x_test, _ = task
    x = x_test[:30]
    np.testing.assert_allclose(fitted.score_samples(x, score="elbo_minus_entropy"),
                               fitted.score_samples(x, score="elbo") + vl.evaluation.pixel_entropy(x),
                               rtol=1e-5)


def test_iwae_score_is_at_least_the_elbo_on_average(fitted, task):
    _, x_test, _ = task
    assert fitted.score_samples(x_test, score="iwae").mean() >= fitted.score_samples(
        x_test, score="elbo").mean()


def test_reconstruction_score_separates_the_anomalous_digit(fitted, task):
    _, x_test, is_anomaly = task
    auroc = roc_auc_score(is_anomaly, -fitted.score_samples(x_test, score="reconstruction"))
    assert auroc > 0.75, auroc


def test_the_entropy_correction_beats_the_raw_bernoulli_likelihood(fitted, task):
    _, x_test, is_anomaly = task
    raw = roc_auc_score(is_anomaly, -fitted.score_samples(x_test, score="elbo"))
    corrected = roc_auc_score(is_anomaly, -fitted.score_samples(x_test, score="elbo_minus_entropy"))
    assert corrected > raw + 0.15, (raw, corrected)


def test_fixed_threshold_overrides_contamination(task):
    x_normal, x_test, _ = task
    detector = VAEAnomalyDetector(latent_dim=2, epochs=1, hidden=(16,), threshold=-30.0,
                                  score="elbo", seed=0).fit(x_normal[:200])
    assert detector.threshold_ == -30.0
    np.testing.assert_array_equal(detector.predict(x_test[:10]),
                                  np.where(detector.score_samples(x_test[:10]) < -30.0, -1, 1))


def test_fit_predict_and_clone_work_like_scikit_learn(task):
    x_normal, _, _ = task
    detector = VAEAnomalyDetector(latent_dim=2, epochs=1, hidden=(16,), contamination=0.2,
                                  score="reconstruction", seed=0)
    labels = detector.fit_predict(x_normal[:300])
    assert labels.shape == (300,) and np.mean(labels == -1) == pytest.approx(0.2, abs=0.02)
    copy = clone(detector)
    assert copy.get_params() == detector.get_params() and not hasattr(copy, "model_")


def test_flat_feature_arrays_are_accepted(task):
    x_normal, x_test, _ = task
    detector = VAEAnomalyDetector(latent_dim=2, epochs=1, hidden=(16,), score="elbo",
                                  seed=0).fit(x_normal[:200].reshape(200, -1))
    assert detector.score_samples(x_test[:5].reshape(5, -1)).shape == (5,)


def test_helpful_errors():
    with pytest.raises(ValueError, match="Unknown score"):
        VAEAnomalyDetector(score="likelihood").fit(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="Bernoulli"):
        VAEAnomalyDetector(score="elbo_minus_entropy", likelihood="gaussian").fit(np.zeros((4, 3)))
    with pytest.raises(NotFittedError, match="VAEAnomalyDetector instance is not fitted yet"):
        VAEAnomalyDetector().score_samples(np.zeros((4, 3)))


def test_parameters_are_keyword_only_and_scikit_learns_own_methods_stay():
    with pytest.raises(TypeError):
        VAEAnomalyDetector(8)
    assert "_validate_params" not in VAEAnomalyDetector.__dict__
