"""Known answers for the learned priors (vaelearn.priors) and for the bounds that use them."""

import math

import keras
import numpy as np
import pytest
from keras import layers, ops
from scipy import stats

import vaelearn as vl
from vaelearn import evaluation, objectives, priors
from vaelearn.models import VAE, make_vae
from vaelearn.priors import GaussianMixture, LearnedPriorVAE, make_learned_prior_vae

SHAPE = (4, 4, 1)
LATENT = 3


def tiny_images(n, seed=0):
    return np.random.default_rng(seed).random((n, *SHAPE)).astype("float32")


def linear_encoder(seed=0):
    """An encoder without biases: the all-zero image has the posterior N(0, I) exactly."""
    x = keras.Input(SHAPE)
    flat = layers.Flatten()(x)
    init = keras.initializers.RandomNormal(0.0, 0.3, seed=seed)
    z_mean = layers.Dense(LATENT, use_bias=False, kernel_initializer=init)(flat)
    z_log_var = layers.Dense(LATENT, use_bias=False, kernel_initializer=init)(flat)
    return keras.Model(x, [z_mean, z_log_var])


def tiny_decoder(seed=1):
    return vl.networks.build_decoder(LATENT, SHAPE, hidden=(8,), seed=seed)


# The mixture density ---------------------------------------------------------------------------


def test_one_component_is_the_gaussian_density():
    rng = np.random.default_rng(0)
    z, mean, log_var = rng.normal(size=(6, 4)), rng.normal(size=(1, 4)), rng.normal(size=(1, 4))
    expected = stats.multivariate_normal(mean[0], np.diag(np.exp(log_var[0]))).logpdf(z)
    np.testing.assert_allclose(ops.convert_to_numpy(priors.mixture_log_prob(z, mean, log_var)),
                               expected, rtol=1e-5)
    np.testing.assert_allclose(GaussianMixture(mean, log_var).log_prob(z), expected, rtol=1e-10)


def test_identical_components_are_one_component():
    rng = np.random.default_rng(1)
    z, mean, log_var = rng.normal(size=(5, 3)), rng.normal(size=(1, 3)), rng.normal(size=(1, 3))
    one = GaussianMixture(mean, log_var).log_prob(z)
    np.testing.assert_allclose(GaussianMixture(np.repeat(mean, 7, 0), np.repeat(log_var, 7, 0)).log_prob(z),
                               one, rtol=1e-10)
    np.testing.assert_allclose(ops.convert_to_numpy(priors.mixture_log_prob(
        z, np.repeat(mean, 7, 0), np.repeat(log_var, 7, 0))), one, rtol=1e-5)


def test_two_components_by_hand_and_far_codes_stay_finite():
    means, log_vars = np.array([[-1.0], [2.0]]), np.array([[0.0], [math.log(4.0)]])
    z = np.array([[0.5], [300.0]])
    by_hand = np.log(0.5 * stats.norm(-1, 1).pdf(0.5) + 0.5 * stats.norm(2, 2).pdf(0.5))
    got = GaussianMixture(means, log_vars).log_prob(z)
    assert got[0] == pytest.approx(by_hand, rel=1e-10)
    # At z = 300 the density underflows to 0; its log is the wider component's, less log 2.
    assert got[1] == pytest.approx(stats.norm(2, 2).logpdf(300.0) - math.log(2), rel=1e-10)
    keras_value = ops.convert_to_numpy(priors.mixture_log_prob(z, means, log_vars))
    np.testing.assert_allclose(keras_value, got, rtol=1e-5)


def test_keras_and_numpy_densities_agree_with_leading_axes():
    rng = np.random.default_rng(2)
    means, log_vars = rng.normal(size=(5, 3)), rng.normal(0, 0.5, size=(5, 3))
    z = rng.normal(size=(2, 4, 3))
    keras_value = ops.convert_to_numpy(priors.mixture_log_prob(z, means, log_vars))
    assert keras_value.shape == (2, 4)
    np.testing.assert_allclose(keras_value.reshape(-1),
                               GaussianMixture(means, log_vars).log_prob(z.reshape(-1, 3)), rtol=1e-5)


def test_sampling_matches_the_mixtures_moments():
    means = np.array([[-2.0, 0.0], [1.0, 3.0]])
    log_vars = np.log(np.array([[0.25, 1.0], [4.0, 0.5]]))
    z = GaussianMixture(means, log_vars).sample(40000, seed=0)
    mean = means.mean(axis=0)
    variance = np.exp(log_vars).mean(axis=0) + means.var(axis=0)
    # 5 standard errors per moment: a right sampler fails this less than once in a million.
    np.testing.assert_array_less(np.abs(z.mean(axis=0) - mean), 5 * np.sqrt(variance / len(z)))
    fourth = np.mean([(np.exp(lv) * 3 + 6 * np.exp(lv) * (m - mean) ** 2 + (m - mean) ** 4)
                      for m, lv in zip(means, log_vars)], axis=0)
    var_se = np.sqrt((fourth - variance**2) / len(z))
    np.testing.assert_array_less(np.abs(z.var(axis=0) - variance), 5 * var_se)
    assert GaussianMixture(means, log_vars).sample(3, seed=5).tolist() == \
        GaussianMixture(means, log_vars).sample(3, seed=5).tolist()


def test_a_bad_mixture_is_refused():
    with pytest.raises(ValueError, match="one shape"):
        GaussianMixture(np.zeros((2, 3)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="shaped"):
        GaussianMixture.standard_normal(2).log_prob(np.zeros((4, 3)))


# The VampPrior that is N(0, I) -----------------------------------------------------------------


@pytest.fixture(scope="module")
def standard_vamp():
    """A VampPrior with one pseudo-input, the zero image, whose posterior is N(0, I)."""
    vae = LearnedPriorVAE(linear_encoder(), tiny_decoder(), prior="vamp", n_components=1, seed=0)
    vae.pseudo_inputs.assign(np.zeros((1, *SHAPE), dtype="float32"))
    return vae


def test_one_standard_pseudo_input_is_the_standard_normal_prior(standard_vamp):
    z = np.random.default_rng(3).normal(size=(10, LATENT)).astype("float32")
    np.testing.assert_allclose(ops.convert_to_numpy(standard_vamp.log_prior(z)),
                               ops.convert_to_numpy(objectives.log_standard_normal(z)), rtol=1e-6)


def test_its_sampled_kl_estimates_the_closed_form_kl(standard_vamp):
    x = tiny_images(8)
    z_mean, z_log_var = (ops.convert_to_numpy(t) for t in standard_vamp.encoder(x))
    draws = objectives.reparameterize(z_mean, z_log_var, n_samples=20000, seed=0)
    estimates = ops.convert_to_numpy(priors.sampled_kl(
        ops.reshape(draws, (-1, LATENT)), np.tile(z_mean, (20000, 1)), np.tile(z_log_var, (20000, 1)),
        standard_vamp.log_prior)).reshape(20000, -1)
    exact = ops.convert_to_numpy(objectives.gaussian_kl(z_mean, z_log_var))
    se = estimates.std(axis=0, ddof=1) / np.sqrt(len(estimates))
    # 5 standard errors on each of 8 examples: a right estimate fails less than once in 10^5.
    np.testing.assert_array_less(np.abs(estimates.mean(axis=0) - exact), 5 * se + 1e-6)


def test_its_bounds_are_the_standard_vaes(standard_vamp):
    x = tiny_images(16, seed=4)
    plain = VAE(standard_vamp.encoder, standard_vamp.decoder, seed=0)
    np.testing.assert_allclose(evaluation.iwae_bound(standard_vamp, x, n_samples=20, seed=1),
                               evaluation.iwae_bound(plain, x, n_samples=20, seed=1), rtol=1e-5)
    learned = evaluation.elbo(standard_vamp, x, n_samples=4000, seed=2)
    exact = evaluation.elbo(plain, x, n_samples=4000, seed=2)
    # Same draws for the likelihood; the learned prior's KL is estimated from them: within a few
    # hundredths of a nat of the closed form on 4,000 draws.
    np.testing.assert_allclose(learned, exact, atol=0.1)


def test_the_training_kl_is_the_sampled_one(standard_vamp):
    x = tiny_images(32, seed=5)
    outputs = standard_vamp(x, training=True)
    standard_vamp.kl_loss_tracker.reset_state()
    standard_vamp.compute_loss(x=x, y_pred=outputs)
    logged = float(ops.convert_to_numpy(standard_vamp.kl_loss_tracker.result()))
    expected = ops.convert_to_numpy(objectives.log_normal(outputs["z"], outputs["z_mean"], outputs["z_log_var"])
                                    - objectives.log_standard_normal(outputs["z"])).mean()
    assert logged == pytest.approx(float(expected), rel=1e-5)


# The model -------------------------------------------------------------------------------------


@pytest.mark.parametrize("prior", ["vamp", "mixture"])
def test_training_adds_up_moves_the_prior_and_round_trips(prior, tmp_path):
    x = tiny_images(48)
    vae = make_learned_prior_vae(SHAPE, prior=prior, n_components=4, latent_dim=LATENT, hidden=(8,),
                                 beta=0.5, seed=0,
                                 pseudo_inputs=x[:4] if prior == "vamp" else None)
    before = vae.prior().means.copy()
    history = vae.fit(x, epochs=2, batch_size=16, verbose=0).history
    np.testing.assert_allclose(history["loss"],
                               np.add(history["reconstruction_loss"], 0.5 * np.array(history["kl_loss"])),
                               rtol=1e-4)
    assert not np.allclose(vae.prior().means, before), "the prior's parameters learn"
    path = tmp_path / "prior.keras"
    vae.save(path)
    loaded = vl.saving.load_model(path)
    assert type(loaded) is LearnedPriorVAE and loaded.prior_kind == prior and loaded.n_components == 4
    z = np.random.default_rng(0).normal(size=(5, LATENT)).astype("float32")
    np.testing.assert_allclose(ops.convert_to_numpy(loaded.log_prior(z)),
                               ops.convert_to_numpy(vae.log_prior(z)), rtol=1e-6)
    np.testing.assert_allclose(loaded.sample(6, seed=3), vae.sample(6, seed=3), rtol=1e-6)
    np.testing.assert_allclose(evaluation.iwae_bound(loaded, x[:8], n_samples=5, seed=0),
                               evaluation.iwae_bound(vae, x[:8], n_samples=5, seed=0), rtol=1e-5)
    assert loaded.sample(3, seed=1, draw=True).shape == (3, *SHAPE)


def test_the_factory_builds_make_vaes_networks():
    plain = make_vae(SHAPE, latent_dim=LATENT, hidden=(8,), seed=3)
    learned = make_learned_prior_vae(SHAPE, prior="mixture", latent_dim=LATENT, hidden=(8,), seed=3)
    x = tiny_images(4)
    for a, b in zip(plain.encode(x), learned.encode(x)):
        np.testing.assert_allclose(a, b)


def test_wrong_settings_are_refused():
    with pytest.raises(ValueError, match="free_bits"):
        LearnedPriorVAE(linear_encoder(), tiny_decoder(), free_bits=0.5)
    with pytest.raises(ValueError, match="prior"):
        LearnedPriorVAE(linear_encoder(), tiny_decoder(), prior="flow")
    with pytest.raises(ValueError, match="pseudo_inputs must be shaped"):
        make_learned_prior_vae(SHAPE, n_components=3, latent_dim=LATENT, hidden=(8,),
                               pseudo_inputs=tiny_images(2))
    with pytest.raises(ValueError, match="mixture prior has none"):
        make_learned_prior_vae(SHAPE, prior="mixture", n_components=2, latent_dim=LATENT,
                               hidden=(8,), pseudo_inputs=tiny_images(2))


# Measuring the hole ----------------------------------------------------------------------------


def test_a_prior_equal_to_the_codes_has_no_hole_and_a_wide_one_has_one():
    rng = np.random.default_rng(6)
    aggregate = GaussianMixture(rng.normal(0, 2, (300, 2)), np.full((300, 2), math.log(0.1)))
    held_out = aggregate.sample(2000, seed=1)
    for codes in (held_out, None):  # held-out codes, or leave-one-out draws of the components
        same = priors.hole_share(aggregate, aggregate.sample(4000, seed=2), held_out_codes=codes,
                                 seed=3)
        # A prior equal to q(z) leaves 5% of its draws below the level, up to 5 standard errors.
        assert abs(same.share - same.expected_without_hole) < 5 * same.standard_error
        wide = priors.hole_share(aggregate, 6 * rng.standard_normal((4000, 2)),
                                 held_out_codes=codes, seed=3)
        assert wide.share > same.share + 10 * wide.standard_error


def test_leave_one_out_drops_the_own_component():
    means, log_vars = np.array([[0.0], [5.0], [9.0]]), np.zeros((3, 1))
    z = np.array([[0.1], [5.2]])
    got = GaussianMixture(means, log_vars).log_prob(z, leave_out=np.array([0, 1]))
    expected = [GaussianMixture(means[[1, 2]], log_vars[[1, 2]]).log_prob(z[:1])[0],
                GaussianMixture(means[[0, 2]], log_vars[[0, 2]]).log_prob(z[1:])[0]]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_elbo_surgery_adds_up():
    x = tiny_images(64, seed=7)
    vae = make_vae(SHAPE, latent_dim=LATENT, hidden=(8,), seed=0)
    vae.fit(x, epochs=1, batch_size=16, verbose=0)
    surgery = priors.elbo_surgery(vae, x, seed=0)
    assert surgery.average_kl == pytest.approx(surgery.mutual_information + surgery.marginal_kl, abs=1e-9)
    assert 0 <= surgery.mutual_information <= math.log(len(x)) + 1e-9
    assert isinstance(priors.prior_of(vae), GaussianMixture) and priors.prior_of(vae).n_components == 1


# The exercise ----------------------------------------------------------------------------------


def test_the_exercise_passes_right_answers_and_names_each_mistake(tmp_path, monkeypatch):
    from vaelearn import exercises

    monkeypatch.setenv("VAELEARN_HOME", str(tmp_path))
    exercise = exercises.get("mixture_log_prior")
    right = [exercise.reference,
             lambda z, mu, log_var: priors.mixture_log_prob(z, mu, log_var),  # float32 keras.ops
             lambda z, mu, log_var: GaussianMixture(mu, log_var).log_prob(z)]
    for answer in right:
        assert exercises.check("mixture_log_prior", answer).passed
    hints = [exercises.check("mixture_log_prior", mistake.answer).hint for mistake in exercise.mistakes]
    assert hints == [mistake.hint for mistake in exercise.mistakes]
