import keras
import numpy as np
import pytest

import vaelearn as vl
from vaelearn.conditional import ConditionalVAE, make_conditional_vae


@pytest.fixture(scope="module")
def trained(digits):
    vl.seed(0)
    cvae = make_conditional_vae(digits.image_shape, n_classes=10, latent_dim=2, hidden=(64, 32),
                                beta=0.5, seed=0)
    history = cvae.fit(digits.x_train, digits.y_train, epochs=12, batch_size=64, verbose=0,
                       validation_data=(digits.x_test, digits.y_test))
    return cvae, history.history


def test_history_adds_up_with_beta(trained):
    _, logs = trained
    assert {"loss", "reconstruction_loss", "kl_loss", "val_loss", "val_kl_loss"} <= set(logs)
    for prefix in ("", "val_"):
        np.testing.assert_allclose(
            logs[prefix + "loss"],
            np.add(logs[prefix + "reconstruction_loss"], 0.5 * np.array(logs[prefix + "kl_loss"])),
            rtol=1e-5)
    assert logs["loss"][-1] < logs["loss"][0]


def test_one_hot_and_integer_labels_train_the_same_model(digits):
    runs = []
    for labels in (digits.y_train[:256], np.eye(10)[digits.y_train[:256]]):
        vl.seed(0)
        cvae = make_conditional_vae(digits.image_shape, latent_dim=2, hidden=(16,), seed=0)
        runs.append(cvae.fit(digits.x_train[:256], labels, epochs=2, batch_size=64, verbose=0,
                             shuffle=False).history["loss"])
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-5)


def test_shapes(trained, digits):
    cvae, _ = trained
    assert cvae.latent_dim == 2 and cvae.example_shape == digits.image_shape
    z_mean, z_log_var = cvae.encode(digits.x_test[:7], digits.y_test[:7])
    assert z_mean.shape == z_log_var.shape == (7, 2)
    assert cvae.transform(digits.x_test[:7], digits.y_test[:7]).shape == (7, 2)
    assert cvae.reconstruct(digits.x_test[:7], digits.y_test[:7]).shape == (7, 8, 8, 1)
    assert cvae.decode(np.zeros((3, 2), "float32"), 4).shape == (3, 8, 8, 1)
    for labels in (None, 3, np.arange(5) % 10):
        images = cvae.sample(5, labels=labels, seed=0)
        assert images.shape == (5, 8, 8, 1)
        assert images.min() >= 0 and images.max() <= 1


def test_sampling_is_seeded_and_label_dependent(trained):
    cvae, _ = trained
    np.testing.assert_allclose(cvae.sample(4, labels=2, seed=1), cvae.sample(4, labels=2, seed=1))
    assert not np.allclose(cvae.sample(4, labels=2, seed=1), cvae.sample(4, labels=5, seed=1))
    # temperature 0 decodes z = 0: one image per label
    zero = cvae.sample(3, labels=7, temperature=0.0, seed=1)
    np.testing.assert_allclose(zero[0], zero[2], rtol=1e-6)


def test_samples_show_the_requested_digit(trained, digits):
    from sklearn.linear_model import LogisticRegression

    cvae, _ = trained
    flat = lambda a: a.reshape(len(a), -1)
    judge = LogisticRegression(max_iter=2000).fit(flat(digits.x_train), digits.y_train)
    requested = np.repeat(np.arange(10), 20)
    samples = cvae.sample(len(requested), labels=requested, seed=0)
    assert np.mean(judge.predict(flat(samples)) == requested) > 0.8


def test_save_and_load_round_trip(trained, digits, tmp_path):
    cvae, _ = trained
    path = tmp_path / "cvae.keras"
    cvae.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, ConditionalVAE)
    assert loaded.n_classes == 10 and loaded.latent_dim == 2
    assert float(keras.ops.convert_to_numpy(loaded.beta)) == 0.5
    np.testing.assert_allclose(loaded.sample(6, labels=np.arange(6), seed=3),
                               cvae.sample(6, labels=np.arange(6), seed=3), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(loaded.encode(digits.x_test[:5], digits.y_test[:5])[0],
                               cvae.encode(digits.x_test[:5], digits.y_test[:5])[0], rtol=1e-5, atol=1e-6)


def test_helpful_errors(trained, digits):
    cvae, _ = trained
    with pytest.raises(ValueError, match="fit\\(x, y\\)"):
        cvae.fit(digits.x_train)
    with pytest.raises(ValueError, match="0..9"):
        cvae.sample(2, labels=[0, 10])
    with pytest.raises(ValueError, match="columns"):
        cvae.one_hot(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="2 labels"):
        cvae.decode(np.zeros((3, 2), "float32"), [1, 2])
    with pytest.raises(ValueError, match="expects examples shaped"):
        cvae.encode(np.zeros((2, 64)), [0, 1])


def test_compute_loss_honours_sample_weight(digits):
    cvae = make_conditional_vae(digits.image_shape, latent_dim=2, hidden=(16,), seed=0)
    x, labels = digits.x_test[:4], cvae.one_hot(digits.y_test[:4])
    y_pred = cvae([x, labels])

    def loss(w=None, rows=slice(None)):
        part = {k: v[rows] for k, v in y_pred.items()}
        return float(keras.ops.convert_to_numpy(
            cvae.compute_loss(x=[x[rows], labels[rows]], y_pred=part, sample_weight=w)))

    assert loss(np.ones(4, "float32")) == pytest.approx(loss(), rel=1e-6)
    assert loss(np.array([0, 0, 2, 2], "float32")) == pytest.approx(loss(rows=slice(2, 4)),
                                                                    rel=1e-5)


def test_fit_passes_sample_weight_and_batch_size_to_keras(digits):
    cvae = make_conditional_vae(digits.image_shape, latent_dim=2, hidden=(16,), seed=0)
    x, y = digits.x_train[:64], digits.y_train[:64]
    weights = np.zeros(64, "float32")
    logs = cvae.fit(x, y, 32, epochs=1, sample_weight=weights, verbose=0).history
    assert logs["loss"] == [0.0]  # every example weighted 0
    with pytest.raises(TypeError):
        cvae.fit(x, y, 32, 1)  # keras.Model.fit's 4th positional is epochs
