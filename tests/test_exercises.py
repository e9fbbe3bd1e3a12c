"""Every exercise: the reference passes, other right answers pass, and each classic mistake
fails with its own hint. Checks of the checker live here, not in the learners' notebooks."""

import numpy as np
import pytest
from keras import ops
from scipy.special import logsumexp

import vaelearn as vl
from vaelearn import exercises
from vaelearn.course import EXERCISES_BY_NOTEBOOK
from vaelearn.exercises.solutions.reconstruction import _kl


def hint_of(name, mistake_index):
    return exercises.get(name).mistakes[mistake_index].hint


COMPARED = ["scale_pixels", "interpolate_codes", "vae_loss", "effective_beta", "iwae_bound",
            "reparameterize", "threshold_for_fpr", "information_gap", "word_dropout",
            "paired_interval", "logistic_log_prob", "nearest_code", "mixture_log_prior",
            "hierarchical_kl", "forward_diffusion"]


@pytest.mark.parametrize("name", COMPARED)
def test_reference_passes(name):
    assert exercises.check(name, exercises.get(name).reference).passed


def test_every_exercise_is_tested_here_and_listed_under_its_notebook():
    judged = ["kl_annealing_callback", "anomaly_score", "digit_samples", "generate",
              "scratch_encoder", "scratch_sampling", "scratch_decoder", "scratch_vae",
              "colour_networks", "colour_vae"]
    assert sorted(COMPARED + judged) == exercises.all_names()
    listed = [name for names in EXERCISES_BY_NOTEBOOK.values() for name in names]
    assert sorted(listed) == exercises.all_names()


RIGHT = [
    ("scale_pixels", lambda im: (im / 255).astype("float32")[..., None]),
    ("scale_pixels", lambda im: np.expand_dims(im, -1).astype(np.float32) / np.float32(255)),
    ("interpolate_codes", lambda a, b, s: np.array([a + (b - a) * i / (s - 1) for i in range(s)])),
    ("interpolate_codes", lambda a, b, s: np.linspace(a, b, s)),
    ("vae_loss", lambda x, l, m, v: ops.mean(
        ops.sum(ops.reshape(ops.binary_crossentropy(x, l, from_logits=True), (len(x), -1)), axis=1)
        + 0.5 * ops.sum(ops.square(m) + ops.exp(v) - v - 1, axis=1))),
    ("vae_loss", lambda x, l, m, v: (np.sum(-(x * np.log(1 / (1 + np.exp(-l)))
                                             + (1 - x) * np.log(1 - 1 / (1 + np.exp(-l)))))
                                     + np.sum(_kl(m, v))) / len(x)),
    ("effective_beta", lambda pixels, latent_dims: pixels * (1 / latent_dims)),
    ("effective_beta", lambda pixels, latent_dims: np.float32(pixels) / latent_dims),
    ("iwae_bound", lambda lw: logsumexp(lw, axis=0) - np.log(len(lw))),
    ("iwae_bound", lambda lw: ops.logsumexp(lw, axis=0) - np.log(lw.shape[0])),
    ("reparameterize", lambda mu, lv, eps: mu + ops.sqrt(ops.exp(lv)) * eps),
    ("reparameterize", lambda mu, lv, eps: ops.add(ops.multiply(ops.exp(lv / 2), eps), mu)),
    ("threshold_for_fpr", lambda scores, fpr: np.sort(scores)[int(fpr * len(scores))]),
    ("threshold_for_fpr", lambda scores, fpr: np.quantile(scores, fpr, method="lower")),
    ("threshold_for_fpr", lambda scores, fpr: np.percentile(scores, 100 * fpr, method="higher")),
    ("nearest_code", lambda z, c: ((z[:, None] - c[None]) ** 2).sum(-1).argmin(1)),
    ("mixture_log_prior", lambda z, mu, lv: vl.priors.mixture_log_prob(z, mu, lv)),
    ("forward_diffusion", lambda x0, t, ab, eps: vl.diffusion.diffuse(x0, t, ab, eps)),
]


@pytest.mark.parametrize("name, answer", RIGHT, ids=[f"{n}-{i}" for i, (n, _) in enumerate(RIGHT)])
def test_other_right_answers_pass(name, answer):
    assert exercises.check(name, answer).passed, exercises.check(name, answer)


@pytest.mark.parametrize("name", COMPARED)
def test_each_classic_mistake_fails_with_its_own_hint(name):
    ex = exercises.get(name)
    assert len(ex.mistakes) >= 2 or name in ("scale_pixels", "word_dropout")
    for mistake in ex.mistakes:
        result = exercises.check(name, mistake.answer)
        assert result.status == "failed", (name, mistake.hint)
        assert result.hint == mistake.hint


def test_a_hint_does_not_give_the_answer_away():
    for name in exercises.all_names():
        for mistake in exercises.get(name).mistakes:
            assert "np." not in mistake.hint and "ops." not in mistake.hint, (name, mistake.hint)


def test_numpy_inside_the_sampling_step_is_caught_by_its_gradients():
    def with_numpy(mu, log_var, eps):
        return mu + np.exp(0.5 * np.asarray(log_var)) * eps

    result = exercises.check("reparameterize", with_numpy)
    assert result.status == "failed" and "keras.ops" in result.hint


def test_numpy_meeting_a_pytorch_tensor_gets_the_keras_ops_hint():
    def as_on_pytorch(mu, log_var, eps):  # what `ndarray * torch.Tensor` raises
        raise TypeError("unsupported operand type(s) for *: 'numpy.ndarray' and 'Tensor'")

    def another_slip(mu, log_var, eps):
        raise TypeError("can't multiply sequence by non-int of type 'float'")

    result = exercises.check("reparameterize", as_on_pytorch)
    assert result.status == "failed" and "keras.ops" in result.hint
    assert exercises.check("reparameterize", another_slip).status == "error"


def test_unfinished_stub_is_not_attempted_and_not_recorded():
    def stub(*args):
        raise NotImplementedError

    assert exercises.check("iwae_bound", stub).status == "not attempted"
    assert not [a for a in vl.records.attempts() if a.quiz == vl.records.EXERCISES]


def test_wrong_answers_never_raise():
    for answer in (lambda *a: None, lambda *a: "text", lambda *a: 1 / 0, lambda *a: {"a": 1}):
        assert exercises.check("vae_loss", answer).status in ("failed", "error")


def test_checks_are_recorded_with_the_quiz_progress():
    exercises.check("effective_beta", lambda pixels, latent_dims: pixels)
    exercises.check("effective_beta", exercises.get("effective_beta").reference)
    recorded = [(a.question, a.correct) for a in vl.records.attempts() if a.quiz == "exercises"]
    assert recorded == [("effective_beta", False), ("effective_beta", True)]
    report = {s.quiz: s for s in vl.progress.report()}
    assert report["exercises"].attempted == 1 and report["exercises"].first_try == 0
    assert report["exercises"].correct == 1
    assert report["exercises"].total == len(exercises.all_names())


def test_yours_or_solution_keeps_a_passing_answer_and_replaces_a_stub(capsys):
    mine = exercises.get("iwae_bound").reference
    assert exercises.yours_or_solution("iwae_bound", mine) is mine
    assert exercises.yours_or_solution("iwae_bound", lambda lw: lw.mean(0)) is mine
    assert "course's solution" in capsys.readouterr().out
    assert not vl.records.attempts()  # records nothing


# --- judged exercises ------------------------------------------------------------------

def test_the_annealing_callback_is_judged_by_training_with_it():
    import keras

    ex = exercises.get("kl_annealing_callback")
    assert exercises.check("kl_annealing_callback", ex.reference).passed

    class Precomputed(keras.callbacks.Callback):  # another right answer: a lookup table
        def __init__(self, epochs):
            super().__init__()
            self.values = np.minimum(1.0, np.arange(100) / (epochs - 1))

        def on_epoch_begin(self, epoch, logs=None):
            self.model.beta.assign(float(self.values[epoch]))

    class AtTrainBegin(ex.reference):  # also right: the first value set before training
        def on_train_begin(self, logs=None):
            self.model.beta.assign(0.0)

    assert exercises.check("kl_annealing_callback", Precomputed).passed
    assert exercises.check("kl_annealing_callback", AtTrainBegin).passed

    def mistake(update):
        class Mistaken(keras.callbacks.Callback):
            def __init__(self, epochs):
                super().__init__()
                self.epochs = epochs

        for hook, fn in update.items():
            setattr(Mistaken, hook, fn)
        return Mistaken

    cases = {
        "reaching 1 one epoch late": mistake({"on_epoch_begin": lambda self, e, logs=None:
                                              self.model.beta.assign(min(1.0, e / self.epochs))}),
        "at epoch end": mistake({"on_epoch_end": lambda self, e, logs=None:
                                 self.model.beta.assign(min(1.0, (e + 1) / (self.epochs - 1)))}),
        "no cap": mistake({"on_epoch_begin": lambda self, e, logs=None:
                           self.model.beta.assign(e / (self.epochs - 1))}),
    }
    hints = {name: exercises.check("kl_annealing_callback", answer).hint
             for name, answer in cases.items()}
    assert "last of the" in hints["reaching 1 one epoch late"]
    assert "when each epoch begins" in hints["at epoch end"]
    assert "stop at 1" in hints["no cap"]


@pytest.mark.skipif(__import__("keras").backend.backend() == "torch",
                    reason="PyTorch runs eagerly, so a replaced beta is used: not a mistake there")
def test_replacing_the_beta_variable_is_caught():
    import keras

    class Rebinds(keras.callbacks.Callback):
        def __init__(self, epochs):
            super().__init__()
            self.epochs = epochs

        def on_epoch_begin(self, epoch, logs=None):
            self.model.beta = min(1.0, epoch / (self.epochs - 1))

    result = exercises.check("kl_annealing_callback", Rebinds)
    assert result.status in ("failed", "error")


@pytest.fixture(scope="module")
def trained_detector(digits):
    vl.seed(0)
    normal = digits.x_train[digits.y_train != 4]
    vae = vl.models.make_vae(digits.example_shape, latent_dim=8, seed=0)
    vae.fit(normal, epochs=vl.training.epochs_for(len(normal), batch_size=64, updates=800),
            batch_size=64, verbose=0)
    return dict(model=vae, images=digits.x_test, is_anomaly=(digits.y_test == 4).astype(int))


@pytest.mark.slow
def test_any_score_that_finds_the_anomalies_passes(trained_detector):
    ex = exercises.get("anomaly_score")
    assert exercises.check("anomaly_score", ex.reference, **trained_detector).passed
    negative_elbo = lambda model, images: -vl.evaluation.elbo(model, images, n_samples=5, seed=0)
    absolute_error = lambda model, images: np.abs(images - model.reconstruct(images)).sum(axis=(1, 2, 3))
    for answer in (negative_elbo, absolute_error):
        assert exercises.check("anomaly_score", answer, **trained_detector).passed
    flipped = exercises.check("anomaly_score", lambda m, x: -ex.reference(m, x), **trained_detector)
    assert flipped.status == "failed" and "more anomalous" in flipped.hint
    per_pixel = exercises.check("anomaly_score", lambda m, x: (x - m.reconstruct(x)) ** 2,
                                **trained_detector)
    assert per_pixel.status == "failed" and "every axis but the first" in per_pixel.hint
    blind = exercises.check("anomaly_score", lambda m, x: x.mean(axis=(1, 2, 3)), **trained_detector)
    assert blind.status == "failed" and "trained on normal images" in blind.hint


@pytest.fixture(scope="module")
def conditional(digits):
    vl.seed(0)
    cvae = vl.models.make_vae(digits.example_shape, n_classes=10, latent_dim=2, seed=0)
    cvae.fit(digits.x_train, digits.y_train, batch_size=64, verbose=0,
             epochs=vl.training.epochs_for(len(digits.x_train), batch_size=64, updates=1000))
    return dict(cvae=cvae, judge=vl.metrics.fit_judge(digits.x_train, digits.y_train, seed=0))


@pytest.mark.slow
def test_digit_samples_are_judged_by_what_they_show(conditional):
    ex = exercises.get("digit_samples")
    assert exercises.check("digit_samples", ex.reference, **conditional).passed

    def with_keras_random(cvae, digit, n, seed):
        import keras

        z = keras.random.normal((n, cvae.latent_dim), seed=seed)
        return cvae.decode(z, [digit] * n)

    assert exercises.check("digit_samples", with_keras_random, **conditional).passed

    def with_a_list_of_labels(cvae, digit, n, seed):
        z = np.random.default_rng(seed).normal(size=(n, cvae.latent_dim))
        return cvae.decode(z.astype("float32"), [digit] * n)

    assert exercises.check("digit_samples", with_a_list_of_labels, **conditional).passed
    same_code = lambda cvae, digit, n, seed: cvae.decode(np.zeros((n, 2), "float32"), np.full(n, digit))
    wrong_label = lambda cvae, digit, n, seed: ex.reference(cvae, (digit + 1) % 10, n, seed)
    unseeded = lambda cvae, digit, n, seed: ex.reference(cvae, digit, n, None)
    for answer, words in ((same_code, "its own code"), (wrong_label, "takes the code and the label"),
                          (unseeded, "from the seed")):
        result = exercises.check("digit_samples", answer, **conditional)
        assert result.status == "failed" and words in result.hint, result


@pytest.mark.slow
def test_the_generative_story_needs_real_draws(digits):
    vae = vl.models.make_vae(digits.example_shape, latent_dim=2, seed=0)
    vae.fit(digits.x_train, epochs=3, batch_size=64, verbose=0)
    ex = exercises.get("generate")
    assert exercises.check("generate", ex.reference, vae=vae).passed

    def via_sample(vae, n, seed):
        return vae.sample(n, seed=seed, draw=True)

    def two_generators(vae, n, seed):
        z = np.random.default_rng([seed, 0]).standard_normal((n, vae.latent_dim)).astype("float32")
        p = vae.decode(z)
        return (np.random.default_rng([seed, 1]).random(p.shape) < p).astype("float32")

    for answer in (via_sample, two_generators):
        assert exercises.check("generate", answer, vae=vae).passed
    means = lambda vae, n, seed: vae.sample(n, seed=seed)
    threshold = lambda vae, n, seed: (vae.sample(n, seed=seed) > 0.5).astype("float32")
    assert "flips every coin" in exercises.check("generate", means, vae=vae).hint
    assert "thresholding" in exercises.check("generate", threshold, vae=vae).hint


# --- notebook 05: a VAE from scratch -----------------------------------------------------

def test_the_scratch_pieces_are_judged_against_vaelearns_own():
    import keras
    from keras import layers

    from vaelearn.exercises.solutions import scratch

    for name in ("scratch_encoder", "scratch_sampling", "scratch_decoder", "scratch_vae"):
        assert exercises.check(name, exercises.get(name).reference).passed, name

    def sequential_encoder(input_shape, latent_dim):  # another right answer: a Sequential trunk
        trunk = keras.Sequential([layers.Conv2D(32, 3, 2, "same", activation="relu"),
                                  layers.Conv2D(64, 3, 2, "same", activation="relu"),
                                  layers.Flatten(), layers.Dense(16, activation="relu")])
        x = keras.Input(input_shape)
        h = trunk(x)
        return keras.Model(x, [layers.Dense(latent_dim, name="m")(h),
                               layers.Dense(latent_dim, name="v")(h)])

    def valid_padding(input_shape, latent_dim):
        x = keras.Input(input_shape)
        h = layers.Conv2D(32, 3, strides=2, activation="relu")(x)
        h = layers.Conv2D(64, 3, strides=2, activation="relu")(h)
        h = layers.Dense(16, activation="relu")(layers.Flatten()(h))
        return keras.Model(x, [layers.Dense(latent_dim)(h), layers.Dense(latent_dim)(h)])

    def sigmoid_decoder(latent_dim, output_shape):
        model = scratch.build_decoder(latent_dim, output_shape)
        return keras.Model(model.input, keras.ops.sigmoid(model.output))

    def two_draws_per_layer(seed=None):  # right: keras.random with its own SeedGenerator
        class Alt(layers.Layer):
            def __init__(self):
                super().__init__()
                self.gen = keras.random.SeedGenerator(seed)

            def call(self, inputs):
                mu, log_var = inputs
                return mu + keras.ops.sqrt(keras.ops.exp(log_var)) * keras.random.normal(
                    keras.ops.shape(mu), seed=self.gen)
        return Alt()

    class Unseeded(scratch.Sampling):
        def call(self, inputs):
            mu, log_var = inputs
            return mu + keras.ops.exp(0.5 * log_var) * keras.random.normal(keras.ops.shape(mu))

    class VarianceAsStd(scratch.Sampling):
        def call(self, inputs):
            mu, log_var = inputs
            return mu + keras.ops.exp(log_var) * keras.random.normal(keras.ops.shape(mu), seed=self.seed_generator)

    class MeanOverPixels(scratch.ScratchVAE):
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            logits, z_mean, z_log_var = y_pred
            cross_entropy = keras.ops.mean(keras.ops.softplus(logits) - x * logits, axis=(1, 2, 3))
            kl = 0.5 * keras.ops.sum(z_mean**2 + keras.ops.exp(z_log_var) - z_log_var - 1, axis=1)
            return keras.ops.mean(cross_entropy + kl)

    def activation_layers_encoder(input_shape, latent_dim):  # ReLU as layers: no weights of their own
        x = keras.Input(shape=input_shape)
        h = layers.Activation("relu")(layers.Conv2D(filters=32, kernel_size=(3, 3), strides=(2, 2),
                                                    padding="same")(x))
        h = layers.ReLU()(layers.Conv2D(64, (3, 3), (2, 2), padding="same")(h))
        h = layers.ReLU()(layers.Dense(16)(layers.Reshape((-1,))(h)))
        return keras.Model(inputs=x, outputs=[layers.Dense(latent_dim)(h), layers.Dense(latent_dim)(h)])

    def decoder_with_numbers(latent_dim, output_shape):
        h0, w0 = output_shape[0] // 4, output_shape[1] // 4
        z = keras.Input((latent_dim,))
        h = layers.Reshape((h0, w0, 64))(layers.Dense(h0 * w0 * 64, activation="relu")(z))
        for filters in (64, 32):
            h = layers.ReLU()(layers.Conv2DTranspose(filters, 3, strides=2, padding="same")(h))
        return keras.Model(z, layers.Conv2DTranspose(output_shape[-1], 3, padding="same")(h))

    def decoder_sequential(latent_dim, output_shape):
        h0, w0 = output_shape[0] // 4, output_shape[1] // 4
        return keras.Sequential([keras.Input((latent_dim,)),
                                 layers.Dense(h0 * w0 * 64, activation="relu"),
                                 layers.Reshape((h0, w0, 64)),
                                 layers.Conv2DTranspose(64, 3, 2, "same", activation="relu"),
                                 layers.Conv2DTranspose(32, 3, 2, "same", activation="relu"),
                                 layers.Conv2DTranspose(output_shape[-1], 3, 1, "same")])

    class SamplingWithStddev(scratch.Sampling):
        def call(self, inputs):
            mu, log_var = inputs
            eps = keras.random.normal(keras.ops.shape(mu), mean=0.0, stddev=1.0, seed=self.seed_generator)
            return keras.ops.add(mu, keras.ops.multiply(keras.ops.exp(log_var / 2), eps))

    class DictVAE(scratch.ScratchVAE):  # right: a dict from call, Keras' cross-entropy
        def call(self, x, training=False):
            z_mean, z_log_var = self.encoder(x)
            return {"logits": self.decoder(self.sampling([z_mean, z_log_var])), "mu": z_mean, "lv": z_log_var}

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            bce = keras.losses.binary_crossentropy(x, y_pred["logits"], from_logits=True)  # (n, H, W)
            kl = -0.5 * (1 + y_pred["lv"] - y_pred["mu"] ** 2 - keras.ops.exp(y_pred["lv"]))
            return keras.ops.mean(keras.ops.sum(bce, axis=(1, 2)) + keras.ops.sum(kl, axis=-1))

    class PackageLikelihood(scratch.ScratchVAE):  # right: the package's own log-likelihood
        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            logits, z_mean, z_log_var = y_pred
            return keras.ops.mean(-vl.objectives.bernoulli_log_likelihood(x, logits)
                                  + vl.objectives.gaussian_kl(z_mean, z_log_var))

    for name, answer in (("scratch_encoder", sequential_encoder),
                         ("scratch_encoder", activation_layers_encoder),
                         ("scratch_decoder", decoder_with_numbers),
                         ("scratch_decoder", decoder_sequential),
                         ("scratch_sampling", two_draws_per_layer),
                         ("scratch_sampling", SamplingWithStddev),
                         ("scratch_vae", DictVAE), ("scratch_vae", PackageLikelihood)):
        assert exercises.check(name, answer).passed, (name, exercises.check(name, answer))
    assert "padding" in exercises.check("scratch_encoder", valid_padding).hint
    assert "none on the last" in exercises.check("scratch_decoder", sigmoid_decoder).hint
    assert "SeedGenerator" in exercises.check("scratch_sampling", Unseeded).hint
    assert "sigma comes from log_var" in exercises.check("scratch_sampling", VarianceAsStd).hint
    assert "summed over its pixels" in exercises.check("scratch_vae", MeanOverPixels).hint


def _rows_hidden_together(tokens, rate, rng):
    hide = (rng.random((len(tokens), 1)) < rate) & (tokens >= 4)
    return np.where(hide, 3, tokens)


def _kept_with_rate(tokens, rate, rng):
    hide = (rng.random(tokens.shape) < 1 - rate) & (tokens >= 4)
    return np.where(hide, 3, tokens)


def _in_place(tokens, rate, rng):
    tokens[(rng.random(tokens.shape) < rate) & (tokens >= 4)] = 3
    return tokens


def _specials_hidden_too(tokens, rate, rng):
    return np.where(rng.random(tokens.shape) < rate, 3, tokens)


@pytest.mark.parametrize("answer, words", [
    (_rows_hidden_together, "hidden together"),
    (_kept_with_rate, "not of keeping it"),
    (_in_place, "work on a copy"),
    (_specials_hidden_too, "only words may be hidden"),
], ids=["rows together", "rate of keeping", "in place", "special tokens"])
def test_word_dropout_names_each_classic_slip(answer, words):
    result = exercises.check("word_dropout", answer)
    assert result.status == "failed" and words in result.message, result


# --- Notebook 12: a colour VAE -------------------------------------------------------------

def test_the_logistic_exercise_scores_as_the_course_does():
    from vaelearn.objectives import discretized_logistic_log_likelihood

    ex = exercises.get("logistic_log_prob")
    for x, location, log_scale in ex.cases():
        as_images = lambda a: a[:, :, None, None].astype("float32")
        course = ops.convert_to_numpy(discretized_logistic_log_likelihood(
            as_images(x), as_images(location), as_images(log_scale)))
        np.testing.assert_allclose(ex.reference(x, location, log_scale).sum(axis=1), course,
                                   rtol=1e-5)


def test_a_stable_logistic_in_logs_passes_too():
    def in_logs(x, location, log_scale):
        from vaelearn.objectives import discretized_logistic_log_likelihood

        shaped = lambda a: ops.convert_to_tensor(np.asarray(a)[..., None], "float64")
        return np.stack([ops.convert_to_numpy(discretized_logistic_log_likelihood(
            shaped(x[:, i]), shaped(location[:, i]), shaped(log_scale[:, i])))
            for i in range(x.shape[1])], axis=1)

    assert exercises.check("logistic_log_prob", in_logs).passed


def _colour_networks(decoder_channels=6, *, use_label=True, filters=16):
    import keras
    from keras import layers

    def build(example_shape, latent_dim, n_classes):
        image, label = keras.Input(example_shape), keras.Input((n_classes,))
        h = layers.Flatten()(layers.Conv2D(filters, 3, strides=4, padding="same")(image))
        h = layers.Dense(32, activation="relu")(layers.Concatenate()([h, label]))
        encoder = keras.Model([image, label], [layers.Dense(latent_dim)(h), layers.Dense(latent_dim)(h)])
        code, label = keras.Input((latent_dim,)), keras.Input((n_classes,))
        h = layers.Concatenate()([code, label]) if use_label else code
        h = layers.Reshape((8, 8, 16))(layers.Dense(8 * 8 * 16, activation="relu")(h))
        outputs = layers.Conv2DTranspose(decoder_channels, 3, strides=4, padding="same")(h)
        return encoder, keras.Model([code, label], outputs)

    return build


def test_any_colour_networks_with_the_right_inputs_and_outputs_pass():
    assert exercises.check("colour_networks", exercises.get("colour_networks").reference).passed
    assert exercises.check("colour_networks", _colour_networks()).passed


@pytest.mark.parametrize("answer, words", [
    (_colour_networks(decoder_channels=3), "then a log-scale"),
    (_colour_networks(use_label=False), "Join the label"),
    (_colour_networks(filters=4000), "Fewer filters"),
    (lambda shape, latent, classes: _colour_networks()(shape, latent, classes)[0], "return encoder, decoder"),
])
def test_colour_networks_that_cannot_work_fail_with_their_hint(answer, words):
    result = exercises.check("colour_networks", answer)
    assert result.status == "failed" and words in result.hint, result


@pytest.fixture(scope="module")
def emoji():
    return vl.data.load("emoji")


@pytest.mark.slow
def test_the_colour_vae_is_graded_by_its_bits_per_dimension(emoji):
    from vaelearn.exercises.own_images import BITS_PER_DIM, MAX_UPDATES

    held_out = dict(x=emoji.x_test, y=emoji.y_test)
    vl.seed(0)
    trained = exercises.get("colour_vae").reference(emoji.x_train, emoji.y_train, n_classes=9, seed=0)
    assert exercises.check("colour_vae", trained, **held_out).passed
    assert int(trained.optimizer.iterations) <= MAX_UPDATES

    # One scale per channel: the same networks and training fall short of the bar.
    encoder, decoder = exercises.get("colour_networks").reference(emoji.example_shape, 16, 9)
    import keras
    from keras import layers

    locations = keras.Model(decoder.inputs, layers.Lambda(lambda o: o[..., :3])(decoder.outputs[0]))
    per_channel = vl.models.ConditionalVAE(encoder, locations, n_classes=9, likelihood="logistic", seed=0)
    per_channel.compile_with_defaults(learning_rate=2e-3)
    per_channel.fit(emoji.x_train, emoji.y_train, epochs=10, batch_size=64, verbose=0)
    result = exercises.check("colour_vae", per_channel, **held_out)
    assert result.status == "failed" and "decoder_std='predicted'" in result.hint, result
    assert f"{BITS_PER_DIM}" in result.message

    untrained = vl.models.make_vae(emoji.example_shape, n_classes=9, likelihood="logistic", seed=0)
    assert "not been trained" in exercises.check("colour_vae", untrained, **held_out).message
    plain = vl.models.make_vae(emoji.example_shape, latent_dim=2, likelihood="logistic", seed=0)
    assert "conditional" in exercises.check("colour_vae", plain, **held_out).message


def test_a_colour_vae_trained_too_long_or_on_the_wrong_likelihood_fails(emoji):
    x, y = emoji.x_train[:640], emoji.y_train[:640]
    held_out = dict(x=emoji.x_test[:64], y=emoji.y_test[:64])
    long = vl.models.make_vae(emoji.example_shape, n_classes=9, latent_dim=2, hidden=(8,),
                              likelihood="logistic", seed=0)
    long.fit(x, y, epochs=51, batch_size=64, verbose=0)  # 510 updates
    assert "510 updates" in exercises.check("colour_vae", long, **held_out).message
    gaussian = vl.models.make_vae(emoji.example_shape, n_classes=9, latent_dim=2, hidden=(8,),
                                  likelihood="gaussian", seed=0)
    gaussian.fit(x, y, epochs=1, batch_size=64, verbose=0)
    result = exercises.check("colour_vae", gaussian, **held_out)
    assert result.status == "failed" and "likelihood='logistic'" in result.hint
