import numpy as np
import pytest

import vaelearn as vl
from vaelearn.models import make_vae


@pytest.fixture(scope="module")
def trained(digits):
    vl.seed(0)
    cvae = make_vae(digits.example_shape, n_classes=10, latent_dim=2, hidden=(64, 32), beta=0.5,
                    seed=0)
    history = cvae.fit(digits.x_train, digits.y_train, epochs=12, batch_size=64, verbose=0,
                       validation_data=(digits.x_test, digits.y_test))
    return cvae, history.history


def test_training_with_labels_lowers_the_loss(trained):
    _, logs = trained
    assert {"loss", "reconstruction_loss", "kl_loss", "val_loss", "val_kl_loss"} <= set(logs)
    assert logs["loss"][-1] < logs["loss"][0]


def test_one_hot_and_integer_labels_train_the_same_model(digits):
    runs = []
    for labels in (digits.y_train[:256], np.eye(10)[digits.y_train[:256]]):
        vl.seed(0)
        cvae = make_vae(digits.example_shape, n_classes=10, latent_dim=2, hidden=(16,), seed=0)
        runs.append(cvae.fit(digits.x_train[:256], labels, epochs=2, batch_size=64, verbose=0,
                             shuffle=False).history["loss"])
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-5)


def test_shapes(trained, digits):
    cvae, _ = trained
    assert cvae.latent_dim == 2 and cvae.example_shape == digits.example_shape
    z_mean, z_log_var = cvae.encode(digits.x_test[:7], digits.y_test[:7])
    assert z_mean.shape == z_log_var.shape == (7, 2)
    assert cvae.transform(digits.x_test[:7], digits.y_test[:7]).shape == (7, 2)
    assert cvae.reconstruct(digits.x_test[:7], digits.y_test[:7]).shape == (7, 8, 8, 1)
    assert cvae.decode(np.zeros((3, 2), "float32"), 4).shape == (3, 8, 8, 1)
    for labels in (None, 3, np.arange(5) % 10):
        images = cvae.sample(5, y=labels, seed=0)
        assert images.shape == (5, 8, 8, 1)
        assert images.min() >= 0 and images.max() <= 1


def test_sampling_is_seeded_and_label_dependent(trained):
    cvae, _ = trained
    np.testing.assert_allclose(cvae.sample(4, y=2, seed=1), cvae.sample(4, y=2, seed=1))
    assert not np.allclose(cvae.sample(4, y=2, seed=1), cvae.sample(4, y=5, seed=1))
    # temperature 0 decodes z = 0: one image per label
    zero = cvae.sample(3, y=7, temperature=0.0, seed=1)
    np.testing.assert_allclose(zero[0], zero[2], rtol=1e-6)


def test_samples_show_the_requested_digit(trained, digits):
    from sklearn.linear_model import LogisticRegression

    cvae, _ = trained
    flat = lambda a: a.reshape(len(a), -1)
    judge = LogisticRegression(max_iter=2000).fit(flat(digits.x_train), digits.y_train)
    requested = np.repeat(np.arange(10), 20)
    samples = cvae.sample(len(requested), y=requested, seed=0)
    assert np.mean(judge.predict(flat(samples)) == requested) > 0.8


def test_helpful_errors(trained, digits):
    cvae, _ = trained
    with pytest.raises(ValueError, match="is conditional: pass the labels y"):
        cvae.fit(digits.x_train)
    with pytest.raises(ValueError, match="0..9"):
        cvae.sample(2, y=[0, 10])
    with pytest.raises(ValueError, match="columns"):
        cvae.labels(np.zeros((2, 3)), 2)
    with pytest.raises(ValueError, match="2 labels"):
        cvae.decode(np.zeros((3, 2), "float32"), [1, 2])
    with pytest.raises(ValueError, match="expects examples shaped"):
        cvae.encode(np.zeros((2, 64)), [0, 1])


def test_labels_become_one_hot_rows(trained):
    cvae, _ = trained
    eye = np.eye(10, dtype="float32")
    np.testing.assert_array_equal(cvae.labels(np.array([0, 3]), 2), eye[[0, 3]])
    np.testing.assert_array_equal(cvae.labels(7, 3), eye[[7, 7, 7]])  # one int for all
    np.testing.assert_array_equal(cvae.labels(eye[[1, 2]], 2), eye[[1, 2]])  # one-hot as given
    assert cvae.labels(np.array([4]), 1).dtype == np.float32
