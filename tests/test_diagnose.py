"""vl.diagnose: a model broken one way gets that one finding, and a healthy model none.

Three healthy models are trained once (a VAE on MNIST, a logistic VAE on the colour emoji, a
conditional VAE with a learned Gaussian std); each fault is planted in a copy of one of them
by editing its weights, its loss, its decoder or its samples, so that everything else about
the model stays healthy.
"""

import math
from xml.etree import ElementTree

import keras
import numpy as np
import pytest
from keras import ops
from scipy import ndimage

import vaelearn as vl
from vaelearn.diagnosis import NOTEBOOKS, Diagnosis, diagnose

NAMES = ("finite weights and loss", "log-variance", "loss scale", "decoder scale",
         "active units", "sharpness of samples", "memorisation")


def trained(data, *, updates=400, **options):
    model = vl.models.make_vae(data.example_shape, hidden=(128, 64), seed=0, **options)
    labels = [data.y_train] if options.get("n_classes") else []
    epochs = vl.training.epochs_for(len(data.x_train), batch_size=32, updates=updates)
    model.fit(data.x_train, *labels, epochs=epochs, batch_size=32, verbose=0)
    return model


@pytest.fixture(scope="module")
def mnist():
    return vl.data.load("mnist_sample").subset(2000, 1000, seed=0)


@pytest.fixture(scope="module")
def healthy(mnist):
    return trained(mnist, latent_dim=8)


@pytest.fixture(scope="module")
def emoji():
    return vl.data.load("emoji")


@pytest.fixture(scope="module")
def colour(emoji):
    return trained(emoji, latent_dim=8, likelihood="logistic")


@pytest.fixture(scope="module")
def conditional(mnist):
    return trained(mnist, latent_dim=4, n_classes=10, likelihood="gaussian",
                   decoder_std="learned")


def copy_of(model, cls=None):
    """A copy with its own networks and the same weights (as ``cls``, a subclass, if given)."""
    clone = (cls or type(model)).from_config(model.get_config())
    clone.set_weights(model.get_weights())
    return clone


def problem_names(report):
    return [check.name for check in report.checks if check.status == "problem"]


def row(report, name):
    (check,) = [c for c in report.checks if c.name == name]
    return check


# --- Healthy models -----------------------------------------------------------------------

@pytest.mark.parametrize("which", ["healthy", "colour", "conditional"])
def test_a_healthy_model_has_no_problem(request, which):
    model = request.getfixturevalue(which)
    data = request.getfixturevalue("emoji" if which == "colour" else "mnist")
    report = diagnose(model, data, seed=0)
    assert report.problems == [], str(report)
    assert [c.name for c in report.checks] == list(NAMES)


def test_a_deliberate_beta_is_no_loss_scale_problem(healthy, mnist):
    model = copy_of(healthy)
    model.beta.assign(4.0)
    report = diagnose(model, mnist, seed=0)
    assert report.problems == [], str(report)
    assert "effective beta 4 " in row(report, "loss scale").measured


# --- One fault, one finding ---------------------------------------------------------------

def test_a_nan_weight_is_found_and_the_rest_skipped(healthy, mnist):
    model = copy_of(healthy)
    kernel = model.decoder.layers[-2].kernel
    values = ops.convert_to_numpy(kernel)
    values[0, 0] = np.nan
    kernel.assign(values)
    report = diagnose(model, mnist, seed=0)
    assert problem_names(report) == ["finite weights and loss"]
    assert "1 of" in row(report, "finite weights and loss").measured
    assert all(c.status == "skipped" for c in report.checks[1:])


def test_exploding_log_variances_are_found(healthy, mnist):
    model = copy_of(healthy)
    bias = model.encoder.get_layer("z_log_var").bias
    bias.assign(ops.convert_to_numpy(bias) + 20.0)
    assert problem_names(diagnose(model, mnist, seed=0)) == ["log-variance"]


def test_posterior_collapse_is_found(healthy, mnist):
    model = copy_of(healthy)
    kernel = model.encoder.get_layer("z_mean").kernel
    kernel.assign(np.zeros(kernel.shape, "float32"))
    report = diagnose(model, mnist, seed=0)
    assert problem_names(report) == ["active units"]
    assert row(report, "active units").measured.startswith("0 of 8")


class MeanReducedVAE(vl.models.VAE):
    """Notebook 02's slip: the reconstruction term averaged over pixels instead of summed."""

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        log_likelihood = self.decoder_log_likelihood(y_pred["target"], y_pred["reconstruction"])
        pixels = math.prod(self.example_shape)
        reconstruction = ops.mean(-log_likelihood) / pixels
        return reconstruction + self.beta * vl.objectives.kl_penalty(y_pred["z_mean"],
                                                                     y_pred["z_log_var"])


def test_a_loss_averaged_over_pixels_is_found_with_its_effective_beta(healthy, mnist):
    report = diagnose(copy_of(healthy, MeanReducedVAE), mnist, seed=0)
    assert problem_names(report) == ["loss scale"]
    assert "effective beta 784 " in row(report, "loss scale").measured


@pytest.mark.parametrize("which", ["colour", "conditional"])
def test_a_collapsed_decoder_scale_is_found(request, which):
    model = copy_of(request.getfixturevalue(which))
    log_scale = model.decoder_log_scale if which == "colour" else model.decoder_log_std
    log_scale.assign(np.full(log_scale.shape, math.log(1e-5), "float32"))
    report = diagnose(model, request.getfixturevalue("emoji" if which == "colour" else "mnist"),
                      seed=0)
    assert problem_names(report) == ["decoder scale"], str(report)


def mean_image_decoder(model, data):
    """A decoder that ignores its code: the logits of the data's mean image."""
    mean = np.clip(data.x_train.mean(axis=0), 1e-4, 1 - 1e-4)
    dense = keras.layers.Dense(mean.size, kernel_initializer="zeros",
                               bias_initializer=keras.initializers.Constant(
                                   np.log(mean / (1 - mean)).ravel()))
    z = keras.Input((model.latent_dim,))
    return keras.Model(z, keras.layers.Reshape(mean.shape)(dense(z)))


class BlurredSamplesVAE(vl.models.VAE):
    """Its samples are its own, blurred by a Gaussian of 2 pixels."""

    def sample(self, n_samples, *, y=None, temperature=1.0, seed=None, draw=False):
        images = super().sample(n_samples, y=y, temperature=temperature, seed=seed, draw=draw)
        return np.stack([ndimage.gaussian_filter(image, (2, 2, 0)) for image in images])


@pytest.mark.parametrize("fault", ["mean image", "blurred"])
def test_blurry_samples_are_found(healthy, mnist, fault):
    if fault == "mean image":
        model = copy_of(healthy)
        model = vl.models.VAE(model.encoder, mean_image_decoder(model, mnist))
    else:
        model = copy_of(healthy, BlurredSamplesVAE)
    assert problem_names(diagnose(model, mnist, seed=0)) == ["sharpness of samples"]


class CopyingVAE(vl.models.VAE):
    """Its samples are training images (``copied``), drawn at random."""

    copied = None

    def sample(self, n_samples, *, y=None, temperature=1.0, seed=None, draw=False):
        rng = np.random.default_rng(seed)
        return self.copied[rng.choice(len(self.copied), n_samples, replace=False)]


def test_samples_copied_from_the_training_images_are_found(healthy, mnist):
    model = copy_of(healthy, CopyingVAE)
    model.copied = mnist.x_train
    report = diagnose(model, mnist, seed=0)
    assert problem_names(report) == ["memorisation"]


def test_a_model_overfit_on_20_images_is_found(mnist):
    twenty = vl.data.Dataset("twenty", mnist.x_train[:20], mnist.y_train[:20], mnist.x_test,
                             mnist.y_test)
    model = vl.models.make_vae(mnist.example_shape, latent_dim=8, hidden=(128, 64), seed=0)
    model.fit(np.repeat(twenty.x_train, 50, axis=0), epochs=20, batch_size=20, verbose=0)
    assert problem_names(diagnose(model, twenty, seed=0)) == ["memorisation"]


def test_a_fixed_std_above_the_collapse_threshold_is_named_in_the_collapse_finding(healthy, mnist):
    collapsed = copy_of(healthy)
    kernel = collapsed.encoder.get_layer("z_mean").kernel
    kernel.assign(np.zeros(kernel.shape, "float32"))
    model = vl.models.VAE(collapsed.encoder, collapsed.decoder, likelihood="gaussian",
                          decoder_std=10.0)
    report = diagnose(model, mnist, seed=0)
    assert "active units" in problem_names(report)
    collapse = row(report, "active units")
    assert "decoder_std" in collapse.fix and collapse.notebook == NOTEBOOKS["loss scale"]
    assert row(report, "decoder scale").status == "ok"


# --- The report -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def broken_report(healthy, mnist):
    model = copy_of(healthy, MeanReducedVAE)
    kernel = model.encoder.get_layer("z_mean").kernel
    kernel.assign(np.zeros(kernel.shape, "float32"))
    return diagnose(model, mnist, seed=0)


def test_the_report_is_a_table_in_html_and_in_text(broken_report):
    page = broken_report._repr_html_()
    table = ElementTree.fromstring(page)  # well-formed, so a strict parser reads it
    assert table.tag == "table" and "2 problems found" in table.find("caption").text
    assert [th.text for th in table.findall("thead/tr/th")] == [
        "check", "measured", "result", "finding and fix", "notebook"]
    rows = table.findall("tbody/tr")
    assert [r[0].text for r in rows] == list(NAMES) and all(len(r) == 5 for r in rows)
    text = str(broken_report)
    assert text == repr(broken_report)
    for name in NAMES:
        assert name in page and name in text
    assert "2 problems found" in text


def test_each_problem_is_one_line_naming_its_notebook(broken_report):
    problems = broken_report.problems
    assert isinstance(problems, list) and len(problems) == 2
    for line in problems:
        assert isinstance(line, str) and "\n" not in line and "Fix:" in line
        assert any(f"notebook {notebook}" in line for notebook in NOTEBOOKS.values())


def test_every_check_has_a_name_and_a_status():
    report = Diagnosis([vl.diagnosis.Check("x", "1 nat", "problem", "Bad.", "Fix it.", "06")])
    assert report.problems == ["x: Bad. Fix: Fix it. (notebook 06)"]


def test_a_bare_array_skips_the_memorisation_test(healthy, mnist):
    report = diagnose(healthy, mnist.x_test, seed=0)
    memorisation = row(report, "memorisation")
    assert memorisation.status == "skipped"
    assert memorisation.finding == "needs a Dataset with test images"
    assert "skipped: needs a Dataset with test images" in str(report)


def test_it_is_deterministic_for_a_seed(healthy, mnist):
    first, again = (diagnose(healthy, mnist, n_examples=128, seed=3) for _ in range(2))
    assert first.checks == again.checks


# --- What it cannot read --------------------------------------------------------------------

def test_a_model_it_cannot_read_gets_one_clear_error(mnist):
    plain = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten()])
    with pytest.raises(TypeError, match="has no encoder, decoder") as caught:
        diagnose(plain, mnist)
    assert "\n" not in str(caught.value)
    autoencoder = vl.models.make_autoencoder(mnist.example_shape, hidden=(16,), seed=0)
    with pytest.raises(TypeError, match=r"\[z_mean, z_log_var\]"):
        diagnose(autoencoder, mnist)


def test_a_conditional_model_needs_a_dataset(conditional, mnist):
    with pytest.raises(ValueError, match="conditional: pass the Dataset"):
        diagnose(conditional, mnist.x_test)


def test_examples_of_the_wrong_shape_are_refused(healthy):
    with pytest.raises(ValueError, match="expects examples shaped"):
        diagnose(healthy, np.zeros((10, 8, 8, 1), "float32"))


def test_the_package_face_offers_it_lazily():
    assert vl.diagnose is diagnose
    assert "diagnose" in dir(vl) and "diagnose" in vl.__all__


def test_a_decoder_that_predicts_its_scales_is_read_and_its_loss_weighed(emoji):
    model = trained(emoji, updates=100, latent_dim=8, likelihood="logistic",
                    decoder_std="predicted")
    report = diagnose(model, emoji, n_examples=128, seed=0)
    assert row(report, "decoder scale").status == "ok"
    assert "cannot collapse" in row(report, "decoder scale").measured
    assert row(report, "loss scale").status == "ok", row(report, "loss scale").measured
