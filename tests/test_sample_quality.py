"""Fréchet distance, improved precision and recall, and a judge's features, against answers
known in advance and the impostors they must see through."""

import numpy as np
import pytest

import vaelearn as vl
from vaelearn.metrics import frechet_distance, judge_features, precision_recall


def test_the_frechet_distance_of_two_gaussians_is_known():
    rng = np.random.default_rng(0)
    a = rng.normal(0.0, 1.0, (20000, 1))
    b = rng.normal(2.0, 3.0, (20000, 1))
    # (mu_a - mu_b)^2 + (sigma_a - sigma_b)^2 in one dimension
    assert frechet_distance(a, b) == pytest.approx(4.0 + 4.0, rel=0.05)
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-8)


def test_the_frechet_distance_sees_a_missing_direction_of_variation():
    rng = np.random.default_rng(1)
    real = rng.normal(size=(5000, 4))
    flat = real * [1, 1, 1, 0]  # no variation along the last axis: Tr adds 1
    assert frechet_distance(flat, real) == pytest.approx(1.0, abs=0.1)


def test_precision_and_recall_tell_realism_from_coverage():
    rng = np.random.default_rng(2)
    real = np.concatenate([rng.normal(-5, 1, (500, 2)), rng.normal(5, 1, (500, 2))])
    same = np.concatenate([rng.normal(-5, 1, (500, 2)), rng.normal(5, 1, (500, 2))])
    one_mode = rng.normal(-5, 1, (1000, 2))  # realistic, covers half the data
    elsewhere = rng.normal(50, 1, (1000, 2))
    both = precision_recall(same, real)
    assert both.precision > 0.9 and both.recall > 0.9
    half = precision_recall(one_mode, real)
    assert half.precision > 0.9 and 0.4 < half.recall < 0.6
    assert precision_recall(elsewhere, real) == vl.metrics.PrecisionRecall(0.0, 0.0)


def test_a_judge_with_a_hidden_layer_gives_its_activations_as_features():
    digits = vl.data.load("digits")
    judge = vl.metrics.fit_judge(digits.x_train, digits.y_train, hidden=32, seed=0)
    assert judge.score(digits.x_test, digits.y_test) > 0.85
    features = judge_features(judge, digits.x_test)
    assert features.shape == (len(digits.x_test), 32) and features.min() >= 0
    linear = vl.metrics.fit_judge(digits.x_train, digits.y_train, n_components=20, seed=0)
    assert judge_features(linear, digits.x_test).shape == (len(digits.x_test), 20)
    # Two halves of the real test digits are closer than real digits and their mean image.
    half = len(digits.x_test) // 2
    real_a, real_b = features[:half], features[half: 2 * half]
    mean_image = judge_features(judge, np.repeat(digits.x_train.mean(0, keepdims=True), half, 0)
                                + np.random.default_rng(0).normal(0, 0.01, real_a.shape[:1] + digits.example_shape))
    assert frechet_distance(real_a, real_b) < 0.5 * frechet_distance(mean_image, real_b)
