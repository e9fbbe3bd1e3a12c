"""Old names keep working for one release: each hands out the new object with a
DeprecationWarning that names the new one (pyproject.toml makes the warning an error
everywhere else, so that tests and notebooks use the new names)."""

import importlib

import numpy as np
import pytest

import vaelearn as vl
from vaelearn.deprecation import forward_moved_names, renamed_parameters

MOVED = {
    "vaelearn.losses": {
        **{name: f"vaelearn.objectives:{name}" for name in (
            "LOG_2PI", "batch_mean", "bernoulli_log_likelihood", "gaussian_kl",
            "gaussian_kl_per_dimension", "gaussian_log_likelihood", "log_normal",
            "log_standard_normal", "monte_carlo_kl")},
        **{name: f"vaelearn.evaluation:{name}" for name in ("elbo", "iwae_bound", "pixel_entropy")},
    },
    "vaelearn.models": {
        "DEFAULT_BATCH_SIZE": "vaelearn.defaults:BATCH_SIZE",
        "DEFAULT_LEARNING_RATE": "vaelearn.defaults:LEARNING_RATE",
        "DEFAULT_WARMUP_STEPS": "vaelearn.defaults:WARMUP_STEPS",
        "ARCHITECTURES": "vaelearn.networks:ARCHITECTURES",
        "Sampling": "vaelearn.networks:Sampling",
        "build_encoder": "vaelearn.networks:build_encoder",
        "build_decoder": "vaelearn.networks:build_decoder",
        "CourseModel": "vaelearn.course_model:CourseModel",
        "load_model": "vaelearn.saving:load_model",
    },
    "vaelearn.conditional": {
        "ConditionalVAE": "vaelearn.models:ConditionalVAE",
        "build_conditional_encoder": "vaelearn.networks:build_encoder",
        "build_conditional_decoder": "vaelearn.networks:build_decoder",
    },
    "vaelearn.text": {
        **{name: f"vaelearn.corpus:{name}" for name in (
            "BOS", "EOS", "FIRST_WORD", "PAD", "UNK", "Corpus", "Vocabulary", "make_corpus")},
        "SequenceVAE": "vaelearn.sequence:SequenceVAE",
        "make_sequence_vae": "vaelearn.sequence:make_sequence_vae",
    },
    "vaelearn.progress": {
        "LiveCurves": "vaelearn.training_display:LiveCurves",
        "TrainingProgress": "vaelearn.training_display:TrainingProgress",
    },
    "vaelearn.quiz": {
        "CheckResult": "vaelearn.quiz.grading:AnswerResult",
        "progress": "vaelearn.progress:report",
        "summarize": "vaelearn.progress:summarize",
        "ProgressReport": "vaelearn.progress:ProgressReport",
        "QuizSummary": "vaelearn.progress:QuizSummary",
        "Attempt": "vaelearn.records:Attempt",
        "AttemptList": "vaelearn.records:AttemptList",
        "home_dir": "vaelearn.records:home_dir",
        "read_attempts": "vaelearn.records:read_attempts",
        "record_path": "vaelearn.records:record_path",
        "ProgressFileError": "vaelearn.errors:ProgressFileError",
        "ProgressVersionError": "vaelearn.errors:ProgressVersionError",
        "ProgressWarning": "vaelearn.errors:ProgressWarning",
    },
    "vaelearn.exercises": {
        "CheckResult": "vaelearn.exercises.engine:ExerciseResult",
        "BY_NOTEBOOK": "vaelearn.course:EXERCISES_BY_NOTEBOOK",
        "PROGRESS_NAME": "vaelearn.records:EXERCISES",
    },
}
CASES = [(old, name, new) for old, names in MOVED.items() for name, new in names.items()]


@pytest.mark.parametrize("old_module, name, new", CASES,
                         ids=[f"{old}.{name}" for old, name, _ in CASES])
def test_a_moved_name_hands_out_the_new_object_with_a_warning(old_module, name, new):
    new_module, _, new_name = new.partition(":")
    module = importlib.import_module(old_module)
    with pytest.warns(DeprecationWarning,
                      match=rf"{old_module}\.{name} is now {new_module}\.{new_name}; it stops "
                            "working in the next release"):
        found = getattr(module, name)
    assert found is getattr(importlib.import_module(new_module), new_name)
    assert name not in getattr(module, "__all__", ())  # old names are not public


@pytest.mark.parametrize("old_module", sorted(MOVED))
def test_an_unknown_name_of_an_old_home_is_still_an_attribute_error(old_module):
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        getattr(importlib.import_module(old_module), "no_such_name")


def test_the_old_conditional_factory_builds_the_conditional_vae():
    from vaelearn.conditional import make_conditional_vae

    with pytest.warns(DeprecationWarning, match=r"make_vae\(shape, n_classes=\.\.\.\)"):
        cvae = make_conditional_vae((8, 8, 1), 4, latent_dim=2, hidden=(8,), seed=0)
    assert type(cvae) is vl.models.ConditionalVAE and cvae.n_classes == 4
    same = vl.models.make_vae((8, 8, 1), n_classes=4, latent_dim=2, hidden=(8,), seed=0)
    for a, b in zip(cvae.get_weights(), same.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_the_old_labels_keyword_of_sample_is_y():
    cvae = vl.models.make_vae((8, 8, 1), n_classes=4, latent_dim=2, hidden=(8,), seed=0)
    with pytest.warns(DeprecationWarning, match=r"sample\(labels=\.\.\.\) is now .*sample\(y=\.\.\.\)"):
        old = cvae.sample(3, labels=2, seed=1)
    np.testing.assert_array_equal(old, cvae.sample(3, y=2, seed=1))
    with pytest.raises(TypeError, match="both labels= and y="):
        cvae.sample(3, labels=2, y=2)


def test_the_old_n_keyword_of_the_gradient_estimators_is_n_samples():
    import keras

    from vaelearn.gradients import reparameterized_estimates, score_function_estimates

    def f(z):
        return keras.ops.sum(keras.ops.square(z), axis=-1)

    for estimates in (score_function_estimates, reparameterized_estimates):
        with pytest.warns(DeprecationWarning, match=r"\(n=\.\.\.\) is now .*\(n_samples=\.\.\.\)"):
            old = estimates(f, np.zeros(2), np.zeros(2), n=50, seed=0)
        new = estimates(f, np.zeros(2), np.zeros(2), n_samples=50, seed=0)
        assert old.d_mu.shape == (50, 2)
        np.testing.assert_array_equal(old.d_mu, new.d_mu)


def test_the_old_image_shape_of_a_dataset_is_its_example_shape(digits):
    with pytest.warns(DeprecationWarning, match=r"Dataset\.image_shape is now Dataset\.example_shape"):
        assert digits.image_shape == digits.example_shape == (8, 8, 1)


def test_the_forwarding_helpers_themselves():
    getter = forward_moved_names("old.home", {"x": "vaelearn.defaults:BATCH_SIZE"})
    with pytest.warns(DeprecationWarning, match=r"old\.home\.x is now vaelearn\.defaults\.BATCH_SIZE"):
        assert getter("x") == vl.defaults.BATCH_SIZE
    with pytest.raises(AttributeError):
        getter("y")

    @renamed_parameters(k="n_samples")
    def draws(*, n_samples=1):
        """Parameters
        ----------
        n_samples : int
        """
        return n_samples

    with pytest.warns(DeprecationWarning, match=r"draws\(k=\.\.\.\) is now .*draws\(n_samples=\.\.\.\)"):
        assert draws(k=5) == 5
    assert draws(n_samples=4) == 4
