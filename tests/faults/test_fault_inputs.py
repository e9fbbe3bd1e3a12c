"""Bad inputs to the learning library get an error that says what to do, or a clear warning.

Before: empty arrays to fit/encode and sample(0), batch_size=-5 and decoder_std=0 ended
in tracebacks from deep inside NumPy or Keras; an exercise function returning None or a
string made the answer check raise; tf.Tensor and tf.data inputs skipped the input checks
(0-255 pixels trained silently).
"""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from vaelearn import exercises
from vaelearn.models import make_vae


@pytest.fixture(scope="module")
def vae(digits):
    return make_vae(digits.example_shape, latent_dim=2, seed=0)


def test_fit_on_no_examples_says_so(vae):
    with pytest.raises(ValueError, match=r"Got no examples \(an array shaped \(0, 8, 8, 1\)\); "
                                         r"pass at least one, shaped \(n, 8, 8, 1\)"):
        vae.fit(np.zeros((0, 8, 8, 1), "float32"), epochs=1, verbose=0)


def test_no_examples_in_give_no_results_out(vae):
    empty = np.zeros((0, 8, 8, 1), "float32")
    z_mean, z_log_var = vae.encode(empty)
    assert z_mean.shape == z_log_var.shape == (0, 2)
    assert vae.transform(empty).shape == (0, 2)
    assert vae.reconstruct(empty).shape == (0, 8, 8, 1)
    assert vae.decode(np.zeros((0, 2))).shape == (0, 8, 8, 1)
    assert vae.sample(0).shape == (0, 8, 8, 1)


def test_an_empty_batch_through_a_convolutional_model(digits):
    conv = make_vae(digits.example_shape, latent_dim=2, arch="conv", hidden=(16,))
    assert conv.reconstruct(np.zeros((0, 8, 8, 1), "float32")).shape == (0, 8, 8, 1)


@pytest.mark.parametrize("n", [-1, 2.5, "4"])
def test_sample_needs_a_count(vae, n):
    with pytest.raises(ValueError, match="n_samples is the number of images to sample"):
        vae.sample(n)


@pytest.mark.parametrize("batch_size", [-5, 0, 2.5])
def test_a_batch_size_that_is_not_a_positive_integer(vae, digits, batch_size):
    message = f"batch_size must be a positive integer \\(examples per batch\\), got {batch_size}"
    with pytest.raises(ValueError, match=message):
        vae.fit(digits.x_train[:16], batch_size=batch_size, epochs=1, verbose=0)
    with pytest.raises(ValueError, match=message):
        vae.encode(digits.x_test, batch_size=batch_size)


@pytest.mark.parametrize("decoder_std", [0, -1.0, float("nan"), float("inf"), "fixed"])
def test_decoder_std_must_be_positive_or_learned(digits, decoder_std):
    with pytest.raises(ValueError, match="decoder_std must be a positive number, 'learned' or 'predicted'"):
        make_vae(digits.example_shape, likelihood="gaussian", decoder_std=decoder_std)


@pytest.mark.parametrize("returned, message", [
    (None, "Your function returned None: end it with `return` and its result."),
    ("0.5", "Your function returned text ('0.5'), not numbers."),
    ({"threshold": 0.5}, "Your function returned a dict, not an array of numbers."),
], ids=["None", "str", "dict"])
@pytest.mark.parametrize("name", ["threshold_for_fpr", "scale_pixels"])  # scalar and array answers
def test_an_answer_that_is_not_numbers_fails_the_check_without_raising(name, returned, message):
    result = exercises.check(name, lambda *args: returned)
    assert result.status == "failed"
    assert result.message == message


def pixels_0_255(digits):
    return (digits.x_train[:64] * 255).astype("float32")


@pytest.mark.parametrize("wrap", [tf.constant, keras.ops.convert_to_tensor],
                         ids=["tf.constant", "keras tensor"])
def test_tensors_are_checked_like_arrays(vae, digits, wrap):
    with pytest.raises(ValueError, match=r"needs inputs in \[0, 1\]"):
        vae.fit(wrap(pixels_0_255(digits)), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"needs inputs in \[0, 1\]"):
        vae.fit(digits.x_train[:64], validation_data=wrap(pixels_0_255(digits)), epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"reshape\(-1, 8, 8, 1\)"):
        vae.fit(wrap(digits.x_train[:64].reshape(-1, 64)), epochs=1, verbose=0)


@pytest.mark.parametrize("batched", [lambda x: x, lambda x: (x,), lambda x: (x, x)],
                         ids=["x", "(x,)", "(x, y)"])
def test_a_tf_data_dataset_is_checked_on_its_first_batch(vae, digits, batched):
    dataset = tf.data.Dataset.from_tensor_slices(pixels_0_255(digits)).batch(16).map(batched)
    with pytest.raises(ValueError, match=r"needs inputs in \[0, 1\]"):
        vae.fit(dataset, epochs=1, verbose=0)


def test_a_py_dataset_is_checked_on_its_first_batch(vae, digits):
    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return 4

        def __getitem__(self, index):
            return pixels_0_255(digits)[16 * index:16 * (index + 1)]

    with pytest.raises(ValueError, match=r"needs inputs in \[0, 1\]"):
        vae.fit(Batches(), epochs=1, verbose=0)


def test_a_generator_cannot_be_checked_and_a_warning_says_so(digits):
    vae = make_vae(digits.example_shape, latent_dim=2, seed=0)
    batches = ((digits.x_train[i:i + 16],) for i in range(0, 64, 16))
    with pytest.warns(UserWarning, match="fit\\(\\) cannot check inputs given as generator"):
        vae.fit(batches, epochs=1, steps_per_epoch=4, shuffle=False, verbose=0)


def test_checked_inputs_train_without_a_warning(vae, digits):
    dataset = tf.data.Dataset.from_tensor_slices(digits.x_train[:64]).batch(16)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        vae.fit(dataset, epochs=1, verbose=0)
        vae.fit(tf.constant(digits.x_train[:64]), epochs=1, verbose=0)
    assert not [w for w in caught if "cannot check" in str(w.message)]
