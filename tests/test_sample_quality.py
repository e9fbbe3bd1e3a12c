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


# --- The pixel histogram's bits per dimension, and sharpness ----------------------------

def test_the_pixel_histogram_knows_each_pixel_and_nothing_more():
    rng = np.random.default_rng(0)
    uniform = rng.integers(0, 256, (4000, 2, 2, 3)) / 255
    # Levels drawn uniformly: about 8 bits, a little more for the levels the counts missed.
    bits = vl.metrics.histogram_bits_per_dim(uniform[:3000], uniform[3000:])
    assert bits.shape == (1000,) and 8.0 < bits.mean() < 8.2
    # A pixel that is always white costs almost nothing; with pseudocount 0.5 exactly
    # -log2((m + 0.5) / (m + 128)).
    white = np.ones((100, 2, 2, 1))
    np.testing.assert_allclose(vl.metrics.histogram_bits_per_dim(white, white[:3]),
                               -np.log2(100.5 / 228), rtol=1e-12)
    # Pixels that go together are no cheaper: the histogram scores each on its own.
    levels = rng.integers(0, 256, (4000, 1, 1, 1)) / 255
    copies = np.repeat(levels, 4, axis=2)
    np.testing.assert_allclose(vl.metrics.histogram_bits_per_dim(copies[:3000], copies[3000:]),
                               vl.metrics.histogram_bits_per_dim(levels[:3000], levels[3000:]))


def test_sharpness_is_the_laplacians_energy_and_blur_lowers_it():
    from scipy import ndimage

    flat = np.full((2, 5, 5, 3), 0.4)
    np.testing.assert_allclose(vl.metrics.sharpness(flat), [0.0, 0.0], atol=1e-24)
    dot = np.zeros((1, 5, 5, 1))
    dot[0, 2, 2] = 1.0  # the Laplacian is 4 at the dot and -1 at its 4 neighbours
    np.testing.assert_allclose(vl.metrics.sharpness(dot), [(16 + 4) / 9])
    images = np.random.default_rng(1).random((10, 16, 16, 3))
    blurred = ndimage.gaussian_filter(images, (0, 1, 1, 0))
    assert np.all(vl.metrics.sharpness(blurred) < 0.2 * vl.metrics.sharpness(images))
