"""Every exercise: the reference passes, other right answers pass, classic slips fail."""

import numpy as np
import pytest

from vaelearn import exercises


def test_get_finds_exercises_of_modules_not_imported_yet():
    import vaelearn.exercises.reparameterization  # noqa: F401  (one module imported first)

    for name in ("interpolate_codes", "bernoulli_nll", "gaussian_kl", "reparameterize"):
        assert exercises.get(name).name == name


NAMES = ["scale_pixels", "interpolate_codes", "bernoulli_nll", "gaussian_kl", "reparameterize",
         "free_bits_kl", "threshold_for_fpr", "latent_analogy", "code_kl"]


@pytest.mark.parametrize("name", NAMES)
def test_reference_passes(name):
    assert exercises.check(name, exercises.get(name).reference).passed


def _slips():
    ref = lambda name: exercises.get(name).reference
    return [
        ("interpolate_codes", lambda a, b, s: a + np.linspace(0, 1, s, endpoint=False)[:, None] * (b - a)),
        ("interpolate_codes", lambda a, b, s: ref("interpolate_codes")(b, a, s)),
        ("bernoulli_nll", lambda x, p: ref("bernoulli_nll")(x, p) / np.prod(np.shape(x)[1:])),
        ("bernoulli_nll", lambda x, p: -(x * np.log(p)).reshape(len(x), -1).sum(axis=1)),
        ("gaussian_kl", lambda mu, lv: 2 * ref("gaussian_kl")(mu, lv)),
        ("gaussian_kl", lambda mu, lv: ref("gaussian_kl")(mu, lv) / np.shape(mu)[-1]),
        ("gaussian_kl", lambda mu, lv: 0.5 * np.sum(mu**2 + lv - np.log(np.abs(lv) + 1e-12) - 1, axis=-1)),
        ("reparameterize", lambda mu, lv, eps: mu + np.exp(lv) * eps),
        ("scale_pixels", lambda images: (images // 255)[..., None]),
        ("scale_pixels", lambda images: images[..., None] / 255.0),  # float64, not float32
        ("free_bits_kl", lambda kl, lam: np.sum(np.mean(np.maximum(kl, lam), axis=0))),
        ("threshold_for_fpr", lambda scores, fpr: np.quantile(scores, 1 - fpr)),
        ("code_kl", lambda mu, lv: 0.5 * np.sum(mu**2 + np.exp(0.5 * lv) - lv - 1, axis=-1)),
    ]


@pytest.mark.parametrize("name, slip", _slips())
def test_classic_slips_fail(name, slip):
    result = exercises.check(name, slip)
    assert result.status == "failed"


def test_unfinished_stub_is_not_attempted():
    def stub(*args):
        raise NotImplementedError

    assert exercises.check("gaussian_kl", stub).status == "not attempted"


@pytest.mark.parametrize("answer", [
    lambda scores, fpr: np.sort(scores)[int(fpr * len(scores))],      # an order statistic
    lambda scores, fpr: np.quantile(scores, fpr, method="lower"),
    lambda scores, fpr: np.percentile(scores, 100 * fpr, method="higher"),
])
def test_any_threshold_that_flags_the_target_share_is_right(answer):
    assert exercises.check("threshold_for_fpr", answer).passed


@pytest.mark.parametrize("answer", [
    lambda images: (images / 255).astype("float32")[..., None],
    lambda images: np.expand_dims(images, -1).astype(np.float32) / np.float32(255),
])
def test_other_correct_scalings_are_right(answer):
    assert exercises.check("scale_pixels", answer).passed
