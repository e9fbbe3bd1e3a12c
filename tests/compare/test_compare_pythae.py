"""bench/compare_pythae.py: its likelihood bounds are the course's, and its smoke run works."""

import json

import numpy as np
import pytest

import compare_pythae as cp

pytestmark = pytest.mark.slow


def test_bounds_are_exact_when_the_posterior_is_the_prior_and_the_decoder_ignores_z():
    x = (np.random.default_rng(0).random((5, 28, 28, 1)) < 0.3).astype("float32")
    logits = np.linspace(-3, 3, 784).astype("float32")
    encode = lambda xb: (np.zeros((len(xb), cp.LATENT_DIM)), np.zeros((len(xb), cp.LATENT_DIM)))
    decode_logits = lambda z: np.tile(logits, (len(z), 1))
    elbo, iwae = cp.bounds(encode, decode_logits, x, n_samples=7, seed=0, batch_size=2)
    flat = x.reshape(5, -1).astype("float64")
    exact = (flat * logits - np.logaddexp(0, logits.astype("float64"))).sum(axis=1)
    np.testing.assert_allclose(elbo, exact, rtol=1e-6)
    np.testing.assert_allclose(iwae, exact, rtol=1e-6)


def test_bounds_agree_with_vaelearns_own_estimators():
    import keras

    import vaelearn as vl

    x = vl.data.binarize(vl.data.load("mnist_sample").x_test[:64], seed=0)
    model = vl.models.make_vae(x.shape[1:], latent_dim=cp.LATENT_DIM, hidden=cp.HIDDEN, seed=0)
    model.fit(x, epochs=2, verbose=0)
    decode_logits = lambda z: keras.ops.convert_to_numpy(model.decoder(z)).reshape(len(z), -1)
    elbo, iwae = cp.bounds(model.encode, decode_logits, x, n_samples=500, seed=1)
    ours_elbo = vl.evaluation.elbo(model, x, n_samples=500, seed=2)
    ours_iwae = vl.evaluation.iwae_bound(model, x, n_samples=500, seed=2)
    assert elbo.mean() == pytest.approx(ours_elbo.mean(), abs=0.3)
    assert iwae.mean() == pytest.approx(ours_iwae.mean(), abs=0.3)
    assert np.all(iwae >= elbo - 0.5)  # L_k >= ELBO, up to Monte-Carlo noise


def test_quick_run_ends_with_the_speedup_line(capsys):
    assert cp.main(["--quick"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("speedup_vs_pythae: ") and float(out[-1].split(": ")[1]) > 0
    rows = [line for line in out if line.startswith("| vaelearn") or line.startswith("| pythae")]
    assert len(rows) == 2
