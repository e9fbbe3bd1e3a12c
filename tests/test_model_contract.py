"""What every model of the course promises, checked once for each kind of model.

The six kinds: the plain autoencoder (``make_autoencoder``), the VAE (``make_vae``), the
conditional VAE (``make_vae(n_classes=...)``), the VAE of 8-bit pixels
(``make_vae(likelihood="logistic")``, whose likelihood has a weight of its own), the VAE with a
learned prior (``make_learned_prior_vae``, whose KL is a Monte Carlo estimate) and the
sequence VAE (``make_sequence_vae``), each on tiny data (48 examples, 2 epochs). The VQ-VAE,
the two-layer VAE and the diffusion model log other terms and read other codes; their files
(test_quantization.py, test_hierarchy.py, test_diffusion.py) hold them to the same promises. Each file of model-specific tests
(test_models.py, test_conditional.py, test_text.py) keeps only what one kind does alone.
"""

import inspect
import json
from dataclasses import dataclass, field

import keras
import numpy as np
import pytest

import vaelearn as vl
from vaelearn.corpus import Vocabulary, make_corpus
from vaelearn.models import VAE, Autoencoder, ConditionalVAE, make_autoencoder, make_vae
from vaelearn.networks import build_decoder, build_encoder
from vaelearn.priors import LearnedPriorVAE, make_learned_prior_vae
from vaelearn.sequence import SequenceVAE, make_sequence_vae

KINDS = ["autoencoder", "vae", "conditional", "logistic", "learned_prior", "sequence"]
CLASSES = {"autoencoder": Autoencoder, "vae": VAE, "conditional": ConditionalVAE,
           "logistic": VAE, "learned_prior": LearnedPriorVAE, "sequence": SequenceVAE}
N_COMPONENTS = 3
N_TRAIN, N_VAL, BATCH = 48, 16, 16
BETA = 0.5  # not 1, so that a loss that forgot beta does not add up
LATENT = 2
HIDDEN = (16,)
N_CLASSES = 10


@dataclass
class Case:
    """One kind of model with its tiny data: ``make(seed)`` builds a compiled model."""

    kind: str
    x: object
    x_val: object
    y: object = None
    y_val: object = None
    example_shape: tuple = ()
    likelihood: str = "bernoulli"
    make: object = field(default=None, repr=False)

    @property
    def conditional(self):
        return self.kind == "conditional"

    @property
    def variational(self):
        return self.kind != "autoencoder"

    @property
    def images(self):
        return self.kind != "sequence"

    def val_labels(self, n):
        """Keyword arguments that pass the labels of the first ``n`` validation examples,
        where the model takes labels."""
        return {"y": self.y_val[:n]} if self.conditional else {}


@pytest.fixture(scope="module")
def corpus():
    corpus = make_corpus(N_TRAIN, N_VAL, seed=0)
    return corpus, Vocabulary.from_sentences(corpus.train + corpus.test)


def make_case(kind, digits, corpus):
    if kind == "sequence":
        sentences, vocabulary = corpus
        return Case(kind, sentences.train, sentences.test, make=lambda seed=0: make_sequence_vae(
            vocabulary, sentences.max_length, latent_dim=LATENT, embedding_dim=4, units=8,
            beta=BETA, seed=seed))
    shape = digits.example_shape
    makers = {
        "autoencoder": lambda seed=0: make_autoencoder(shape, latent_dim=LATENT, hidden=HIDDEN,
                                                       seed=seed),
        "vae": lambda seed=0: make_vae(shape, latent_dim=LATENT, hidden=HIDDEN, beta=BETA,
                                       seed=seed),
        "conditional": lambda seed=0: make_vae(shape, n_classes=N_CLASSES, latent_dim=LATENT,
                                               hidden=HIDDEN, beta=BETA, seed=seed),
        "logistic": lambda seed=0: make_vae(shape, latent_dim=LATENT, hidden=HIDDEN, beta=BETA,
                                            likelihood="logistic", seed=seed),
        "learned_prior": lambda seed=0: make_learned_prior_vae(
            shape, prior="vamp", n_components=N_COMPONENTS, latent_dim=LATENT, hidden=HIDDEN,
            beta=BETA, seed=seed),
    }
    labelled = kind == "conditional"
    likelihood = "logistic" if kind == "logistic" else "bernoulli"
    x, x_val = digits.x_train[:N_TRAIN], digits.x_test[:N_VAL]
    if likelihood == "logistic":  # the digits' 17 grey levels, moved onto the 8-bit grid
        x, x_val = ((np.round(a * 255) / 255).astype("float32") for a in (x, x_val))
    return Case(kind, x, x_val, y=digits.y_train[:N_TRAIN] if labelled else None,
                y_val=digits.y_test[:N_VAL] if labelled else None,
                example_shape=shape, likelihood=likelihood, make=makers[kind])


@pytest.fixture(params=KINDS)
def case(request, digits, corpus):
    return make_case(request.param, digits, corpus)


@pytest.fixture(scope="module", params=KINDS)
def trained(request, digits, corpus):
    """A model of each kind after 2 epochs, and its history. ``fit`` is called with Keras'
    positional order: x, y, batch_size, epochs."""
    case = make_case(request.param, digits, corpus)
    vl.seed(0)
    model = case.make()
    # The sentences in a tuple: a bare list of them is unpacked as (x, y, ...) (a bug, see
    # tests/test_text.py::test_validation_sentences_are_taken_as_fit_takes_its_sentences).
    validation = ((case.x_val, case.y_val) if case.conditional
                  else case.x_val if case.images else (case.x_val,))
    history = model.fit(case.x, case.y, BATCH, 2, verbose=0, validation_data=validation)
    return case, model, history


def as_json(config):
    """A config as it is saved (tuples become lists)."""
    return json.loads(json.dumps(config))


def outputs(case, model):
    """What a learner reads from a model, with fixed seeds: arrays, or lists of sentences."""
    if not case.images:
        z = np.linspace(-1, 1, 3 * LATENT, dtype="float32").reshape(3, LATENT)
        return [*model.encode(case.x_val), model.transform(case.x_val),
                model.log_likelihood(case.x_val[:3], z), model.decode(z),
                model.reconstruct(case.x_val[:5]), model.sample(5, seed=3)]
    labels = case.val_labels(N_VAL)
    z = np.linspace(-1, 1, N_VAL * LATENT, dtype="float32").reshape(N_VAL, LATENT)
    found = [model.transform(case.x_val, **labels), model.decode(z, **labels),
             model.reconstruct(case.x_val, **labels), model.log_likelihood(case.x_val, z, **labels),
             model.sample(5, seed=3), model.sample(5, seed=3, draw=True)]
    if case.variational:
        found += list(model.encode(case.x_val, **labels))
    return found


def assert_same_outputs(got, want):
    assert len(got) == len(want)
    for a, b in zip(got, want):
        if isinstance(b, list):
            assert a == b
        else:
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def learning_rate(model):
    return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))


# --- Saving -------------------------------------------------------------------------------

@pytest.mark.parametrize("load", [vl.saving.load_model, keras.saving.load_model],
                         ids=["vaelearn.saving.load_model", "keras.saving.load_model"])
def test_a_saved_model_loads_back_the_same(trained, tmp_path, load):
    case, model, _ = trained
    path = tmp_path / f"{case.kind}.keras"
    if case.variational:
        model.beta.assign(2.5)  # a value that only the saved variable can bring back
    try:
        model.save(path)
        want = outputs(case, model)
    finally:
        if case.variational:
            model.beta.assign(BETA)
    loaded = load(path)

    assert type(loaded) is CLASSES[case.kind]
    if case.variational:
        assert float(keras.ops.convert_to_numpy(loaded.beta)) == 2.5
        loaded.beta.assign(BETA)  # as the model's config says again, after the save
    assert as_json(loaded.get_config()) == as_json(model.get_config())
    assert len(loaded.get_weights()) == len(model.get_weights())
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert_same_outputs(outputs(case, loaded), want)
    # The optimizer's state and its warmup schedule come back too.
    assert int(loaded.optimizer.iterations) == int(model.optimizer.iterations) > 0
    assert learning_rate(loaded) == pytest.approx(learning_rate(model))


# --- Training -----------------------------------------------------------------------------

def test_fit_takes_keras_arguments_in_keras_order(trained):
    case, model, history = trained
    assert history.params["epochs"] == 2 and len(history.history["loss"]) == 2
    assert history.params["steps"] == N_TRAIN // BATCH  # the third positional: batch_size


@pytest.mark.parametrize("kind", KINDS)
def test_fit_and_evaluate_have_exactly_keras_signatures(kind):
    def described(method):
        return [(p.name, p.kind, p.default)
                for p in inspect.signature(method).parameters.values()]

    cls = CLASSES[kind]
    assert described(cls.fit) == described(keras.Model.fit)
    assert described(cls.evaluate) == described(keras.Model.evaluate)


def test_the_history_adds_up_to_its_logged_terms_every_epoch(trained):
    case, model, history = trained
    logs = history.history
    for prefix in ("", "val_"):
        total = np.array(logs[prefix + "loss"])
        reconstruction = np.array(logs[prefix + "reconstruction_loss"])
        assert len(total) == len(reconstruction) == 2
        if case.variational:
            parts = reconstruction + BETA * np.array(logs[prefix + "kl_loss"])
        else:
            assert prefix + "kl_loss" not in logs  # no posterior, no KL term
            parts = reconstruction
        np.testing.assert_allclose(total, parts, rtol=1e-5)
    assert np.all(np.isfinite(logs["loss"]))


def test_evaluate_adds_up_like_fit_and_takes_labels_like_fit(trained):
    case, model, _ = trained
    labels = {"y": case.y_val} if case.conditional else {}
    logs = model.evaluate(case.x_val, verbose=0, return_dict=True, **labels)
    kl = logs["kl_loss"] if case.variational else 0.0
    assert logs["loss"] == pytest.approx(logs["reconstruction_loss"] + BETA * kl, rel=1e-5)


def test_fit_weights_each_example_by_its_sample_weight(case):
    model = case.make()
    logs = model.fit(case.x, case.y, epochs=1, sample_weight=np.zeros(N_TRAIN, "float32"),
                     verbose=0).history
    assert logs["loss"] == [0.0]  # every example weighted 0
    assert logs["reconstruction_loss"] == [0.0]


def test_the_loss_weights_each_example_as_keras_does(case):
    """Keras' convention: sum_i w_i loss_i / n, so weights (2, 2, 0, 0) give the loss of the
    first two examples alone."""
    model = case.make()
    if case.images:
        # Digits and blank images, decoded as 3 for every pixel (a logit, or a logistic's
        # location above 1): the blank images lose far more than the digits.
        x = np.concatenate([case.x[:2], np.zeros_like(case.x[:2])])
    else:
        by_length = sorted(case.x, key=lambda s: len(s.split()))  # a loss per word
        x = by_length[:2] + by_length[-2:]
    inputs, _ = model.keras_data(x, case.y[:4] if case.conditional else None)
    y_pred = model(inputs)
    if case.images:
        y_pred = {**y_pred, "reconstruction": keras.ops.full((4, *case.example_shape), 3.0)}

    def loss(w=None, rows=slice(None)):
        part = {k: v[rows] for k, v in y_pred.items()}
        given = [a[rows] for a in inputs] if isinstance(inputs, list) else inputs[rows]
        return float(keras.ops.convert_to_numpy(
            model.compute_loss(x=given, y_pred=part, sample_weight=w)))

    assert loss(np.ones(4, "float32")) == pytest.approx(loss(), rel=1e-6)
    weighted = loss(np.array([2, 2, 0, 0], "float32"))
    assert weighted == pytest.approx(loss(rows=slice(0, 2)), rel=1e-5)
    assert weighted != pytest.approx(loss(), rel=1e-3)


BIG = 10.0  # an L2 weight whose penalty dwarfs rounding: tens of nats


def regularized(case):
    """A model of the case's kind whose encoder carries an L2 penalty on one kernel, and that
    kernel.

    The image models are put together from vaelearn.networks' encoder with one more Dense
    layer on its code, regularized as a learner would (``kernel_regularizer``). The sequence
    VAE builds its own layers and takes no networks, so the regularizer is set on the built
    kernel of its encoder's hidden layer (what ``kernel_regularizer`` does at build time).
    """
    if not case.images:
        model = case.make()
        kernel = model.encoder_hidden.kernel
        kernel.regularizer = keras.regularizers.L2(BIG)
        return model, kernel
    n_classes = N_CLASSES if case.conditional else None
    base = build_encoder(case.example_shape, LATENT, hidden=HIDDEN, n_classes=n_classes,
                         variational=case.variational, seed=1)
    inputs = [keras.Input(case.example_shape)]
    if n_classes:
        inputs.append(keras.Input((n_classes,)))
    codes = base(inputs if n_classes else inputs[0])
    penalized = keras.layers.Dense(LATENT, kernel_regularizer=keras.regularizers.L2(BIG),
                                   kernel_initializer=keras.initializers.GlorotUniform(2))
    if case.variational:
        z_mean, z_log_var = codes
        encoder = keras.Model(inputs if n_classes else inputs[0], [penalized(z_mean), z_log_var])
    else:
        encoder = keras.Model(inputs[0], penalized(codes))
    decoder = build_decoder(LATENT, case.example_shape, hidden=HIDDEN, n_classes=n_classes, seed=3)
    if case.kind == "autoencoder":
        model = Autoencoder(encoder, decoder)
    elif case.conditional:
        model = ConditionalVAE(encoder, decoder, n_classes=N_CLASSES, beta=BETA, seed=4)
    elif case.kind == "learned_prior":
        model = LearnedPriorVAE(encoder, decoder, n_components=N_COMPONENTS, beta=BETA, seed=4)
    else:
        model = VAE(encoder, decoder, beta=BETA, likelihood=case.likelihood, seed=4)
    model.compile_with_defaults()
    return model, penalized.kernel


def test_a_regularizer_on_the_encoder_is_part_of_the_training_loss(case):
    model, kernel = regularized(case)
    labels = {"y": case.y_val} if case.conditional else {}

    # Evaluated (the weights stay put): the loss is the objective plus exactly the penalty.
    logs = model.evaluate(case.x_val, verbose=0, return_dict=True, **labels)
    penalty = BIG * float(np.sum(keras.ops.convert_to_numpy(kernel) ** 2))
    assert penalty > 1.0
    kl = logs["kl_loss"] if case.variational else 0.0
    assert logs["loss"] == pytest.approx(logs["reconstruction_loss"] + BETA * kl + penalty,
                                         rel=1e-5)

    # Trained: each epoch's loss exceeds its logged terms by the penalty of the moment.
    history = model.fit(case.x, case.y, epochs=2, verbose=0).history
    kl = np.array(history["kl_loss"]) if case.variational else 0.0
    excess = np.array(history["loss"]) - (np.array(history["reconstruction_loss"]) + BETA * kl)
    assert np.all(excess > 1.0), excess


# --- Labels -------------------------------------------------------------------------------

def test_only_the_conditional_model_takes_labels(case):
    model = case.make()
    x = case.x[:4]
    labels = np.arange(4)
    if case.conditional:
        message = "is conditional: pass the labels y"
        for call in (lambda: model.fit(x, epochs=1, verbose=0),
                     lambda: model.evaluate(x, verbose=0),
                     lambda: model.fit(x, case.y[:4], validation_data=case.x_val, verbose=0),
                     lambda: model.encode(x), lambda: model.transform(x),
                     lambda: model.reconstruct(x),
                     lambda: model.decode(np.zeros((4, LATENT), "float32")),
                     lambda: model.log_likelihood(x, np.zeros((4, LATENT), "float32"))):
            with pytest.raises(ValueError, match=message):
                call()
        return
    message = r"takes no\s+labels y"
    calls = [lambda: model.fit(x, labels, epochs=1, verbose=0),
             lambda: model.evaluate(x, labels, verbose=0)]
    if case.images:
        calls += [lambda: model.transform(x, labels), lambda: model.reconstruct(x, labels),
                  lambda: model.decode(np.zeros((4, LATENT), "float32"), labels),
                  lambda: model.log_likelihood(x, np.zeros((4, LATENT), "float32"), labels),
                  lambda: model.sample(4, y=1)]
        if case.variational:
            calls.append(lambda: model.encode(x, labels))
    for call in calls:
        with pytest.raises(ValueError, match=message):
            call()


# --- Sampling and seeds ---------------------------------------------------------------------

@pytest.mark.parametrize("n_samples", [0, 1, 7])
def test_sample_returns_n_samples_items(case, n_samples):
    model = case.make()
    samples = model.sample(n_samples, seed=0)
    assert len(samples) == n_samples
    if case.images:
        assert samples.shape == (n_samples, *case.example_shape)
        assert samples.dtype == np.float32
    else:
        assert isinstance(samples, list) and all(isinstance(s, str) for s in samples)


def randomly_initialized(model):
    """(name, value) of the variables whose initial values are drawn (kernels and word
    vectors), in the model's order."""
    return [(v.path, keras.ops.convert_to_numpy(v)) for v in model.trainable_variables
            if v.path.endswith(("kernel", "embeddings"))]


def test_seed_makes_the_initial_weights_reproducible(case):
    first, again, other = case.make(seed=0), case.make(seed=0), case.make(seed=1)
    assert len(first.get_weights()) == len(again.get_weights()) > 0
    for a, b in zip(first.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
    drawn, drawn_other = randomly_initialized(first), randomly_initialized(other)
    assert len(drawn) == len(drawn_other) >= 4
    for (path, values), (_, values_other) in zip(drawn, drawn_other):
        assert values.shape == values_other.shape
        assert not np.array_equal(values, values_other), f"{path} is the same for seeds 0 and 1"
