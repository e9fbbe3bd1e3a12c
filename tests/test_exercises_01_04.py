"""The exercises of notebooks 01-04: references pass, classic slips fail."""

import numpy as np
import pytest

from vaelearn import exercises


def test_get_finds_exercises_of_modules_not_imported_yet():
    import vaelearn.exercises.reparameterization  # noqa: F401  (one module imported first)

    for name in ("interpolate_codes", "bernoulli_nll", "gaussian_kl", "reparameterize"):
        assert exercises.get(name).name == name


@pytest.mark.parametrize("name", ["interpolate_codes", "bernoulli_nll", "gaussian_kl", "reparameterize"])
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
        ("reparameterize", lambda mu, lv, eps: mu + np.exp(lv) * eps),
    ]


@pytest.mark.parametrize("name, slip", _slips())
def test_classic_slips_fail(name, slip):
    result = exercises.check(name, slip)
    assert result.status == "failed"


def test_unfinished_stub_is_not_attempted():
    def stub(*args):
        raise NotImplementedError

    assert exercises.check("gaussian_kl", stub).status == "not attempted"
