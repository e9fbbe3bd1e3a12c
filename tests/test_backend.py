"""vaelearn.backend: what differs between Keras backends gives the same answers on each, and
TensorFlow starts quietly.

`make test-backends` runs this file (and every other test) under KERAS_BACKEND=tensorflow,
jax and torch.
"""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from keras import ops

import vaelearn as vl
from vaelearn import backend
from vaelearn.networks import Sampling

IMPORT = "import vaelearn, keras, numpy; keras.ops.sum(numpy.ones(3)); print('ran')"


def run(code, **env):
    environ = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**environ, **env}, check=True)


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's start-up log")
@pytest.mark.parametrize("level", [None, "3"], ids=["unset", "the usual recipe to silence it"])
def test_keras_imported_after_vaelearn_starts_without_tensorflows_log_lines(level):
    # TensorFlow 2.21 prints its absl and oneDNN lines before it reads TF_CPP_MIN_LOG_LEVEL.
    quiet = run(IMPORT, **({} if level is None else {"TF_CPP_MIN_LOG_LEVEL": level}))
    assert quiet.stdout.strip() == "ran"
    assert not any(word in quiet.stderr for word in ("absl", "oneDNN", "cuda", "cuInit")), quiet.stderr


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's start-up log")
def test_a_learner_who_asks_for_more_log_gets_tensorflows_start_up_lines():
    loud = run(IMPORT, TF_CPP_MIN_LOG_LEVEL="0")
    assert "oneDNN" in loud.stderr or "absl" in loud.stderr, loud.stderr


@pytest.mark.parametrize("level, requested", [
    (None, False), ("3", False), ("4", False), (" 3", False), ("2", True), ("0", True), ("loud", True),
])
def test_only_a_level_below_vaelearns_requests_tensorflows_log(monkeypatch, level, requested):
    if level is None:
        monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    else:
        monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", level)
    assert backend.tensorflow_log_requested() is requested


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's start-up log")
def test_vaelearn_sets_its_quiet_level_only_where_the_user_set_none():
    code = ("import os, vaelearn\n"
            "from vaelearn.backend import tensorflow_log_requested as asked\n"
            "print(os.environ.get('TF_CPP_MIN_LOG_LEVEL'), asked())\n"
            "import keras\n"
            "print(os.environ.get('TF_CPP_MIN_LOG_LEVEL'), asked())\n")
    # `import vaelearn` sets nothing until TensorFlow is imported, then its own quiet level.
    assert run(code).stdout.split("\n")[:2] == ["None False", "3 False"]
    assert run(code, TF_CPP_MIN_LOG_LEVEL="4").stdout.split("\n")[:2] == ["4 False", "4 False"]


def test_other_standard_error_output_during_the_import_is_passed_on():
    code = ("import os, sys, vaelearn.backend as b\n"
            "with b._startup_lines_dropped():\n"
            "    os.write(2, b'I0000 00:00:1.0 port.cc:153] oneDNN custom operations are on.\\n')\n"
            "    os.write(2, b'a real problem\\n')\n")
    assert run(code).stderr == "a real problem\n"


def test_name_is_the_keras_backend():
    assert backend.name() == keras.backend.backend() in ("tensorflow", "jax", "torch")


def test_value_and_grad_of_keras_ops():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    y = np.array([2.0, -1.0])
    value, (dx, dy) = backend.value_and_grad(lambda a, b: ops.sum(ops.square(a) * b), x, y)
    assert isinstance(value, np.ndarray) and value.shape == () and isinstance(dx, np.ndarray)
    np.testing.assert_allclose(value, np.sum(x**2 * y), rtol=1e-6)
    np.testing.assert_allclose(dx, 2 * x * y, rtol=1e-6)
    np.testing.assert_allclose(dy, np.sum(x**2, axis=0), rtol=1e-6)


def test_value_and_grad_through_a_keras_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, use_bias=False)])
    kernel = ops.convert_to_numpy(model.layers[0].kernel)
    x = np.ones((4, 3))
    _, (dx,) = backend.value_and_grad(lambda a: ops.sum(model(a)), x)
    np.testing.assert_allclose(dx, np.broadcast_to(kernel[:, 0], (4, 3)), rtol=1e-6)


def test_a_value_that_does_not_depend_on_an_argument_has_a_zero_gradient():
    draw = np.random.default_rng(0).normal(0.5, 1.0)  # a number: nothing links it to mu
    value, (d_mu, d_other) = backend.value_and_grad(
        lambda mu, other: (draw - 2.0) ** 2 + ops.sum(other), np.float32(0.5), np.ones(2))
    assert float(value) == pytest.approx((draw - 2.0) ** 2 + 2.0, rel=1e-6)
    assert d_mu.shape == () and float(d_mu) == 0.0
    np.testing.assert_array_equal(d_other, [1.0, 1.0])
    _, (d_mu,) = backend.value_and_grad(lambda mu: (draw - 2.0) ** 2, np.float32(0.5))
    assert float(d_mu) == 0.0


def test_auxiliary_outputs_come_back_as_arrays():
    mu, log_var = np.zeros((1, 3)), np.log([[1.0, 0.25, 4.0]])
    sampling = Sampling(seed=0)
    (total, z), (d_mu, d_log_var) = backend.value_and_grad(
        lambda m, lv: (lambda z: (ops.sum(z), z))(sampling([m, lv])), mu, log_var, has_aux=True)
    assert isinstance(z, np.ndarray) and z.shape == (1, 3)
    eps = (z - mu) / np.exp(0.5 * log_var)
    np.testing.assert_allclose(total, z.sum(), rtol=1e-5)
    np.testing.assert_allclose(d_mu, 1.0)
    np.testing.assert_allclose(d_log_var, 0.5 * np.exp(0.5 * log_var) * eps, atol=1e-5)


def test_value_and_grad_needs_a_scalar():
    with pytest.raises(Exception, match="scalar"):
        backend.value_and_grad(lambda a: a * 2.0, np.ones(3))


def test_seed_repeats_numpy_and_keras_draws_and_reads_vaelearn_seed(monkeypatch):
    def draw():
        return ops.convert_to_numpy(keras.random.normal((4,))), np.random.rand()

    assert vl.seed(3) == 3
    keras_draw, numpy_draw = draw()
    vl.seed(3)
    again = draw()
    np.testing.assert_array_equal(again[0], keras_draw)
    assert again[1] == numpy_draw
    vl.seed(4)
    assert not np.array_equal(draw()[0], keras_draw)
    monkeypatch.setenv("VAELEARN_SEED", "3")
    assert vl.seed() == 3
    np.testing.assert_array_equal(draw()[0], keras_draw)


@pytest.mark.parametrize("name, expected", [("tensorflow", 7), ("jax", 7), ("torch", 1)])
def test_steps_per_execution_is_one_only_on_pytorch(monkeypatch, name, expected):
    monkeypatch.setattr(backend, "name", lambda: name)
    assert backend.steps_per_execution(7) == expected
    assert isinstance(backend.steps_per_execution(np.int64(7)), int)


def test_a_model_compiled_with_defaults_runs_that_many_steps_per_call():
    from vaelearn.defaults import STEPS_PER_EXECUTION
    from vaelearn.models import make_vae

    on_torch = keras.backend.backend() == "torch"
    vae = make_vae((8, 8, 1), latent_dim=2, hidden=(8,), seed=0)
    assert vae.steps_per_execution == (1 if on_torch else STEPS_PER_EXECUTION) > 0

    class Calls(keras.callbacks.Callback):
        batches = 0

        def on_train_batch_end(self, batch, logs=None):
            Calls.batches += 1

    steps = 2 * STEPS_PER_EXECUTION
    x = np.random.default_rng(0).uniform(size=(2 * steps, 8, 8, 1)).astype("float32")
    history = vae.fit(x, batch_size=2, epochs=1, verbose=0, callbacks=[Calls()])
    assert history.params["steps"] == steps
    # Keras calls batch callbacks once per compiled call: every step on PyTorch.
    assert Calls.batches == (steps if on_torch else 2)


class FakeDevice:
    def __init__(self, **attributes):
        self.__dict__.update(attributes)


def test_accelerators_on_tensorflow_are_its_non_cpu_physical_devices(monkeypatch):
    tf = pytest.importorskip("tensorflow")
    devices = [tf.config.PhysicalDevice("/physical_device:CPU:0", "CPU"),
               tf.config.PhysicalDevice("/physical_device:GPU:0", "GPU"),
               tf.config.PhysicalDevice("/physical_device:GPU:1", "GPU"),
               tf.config.PhysicalDevice("/physical_device:TPU:0", "TPU")]
    monkeypatch.setattr(backend, "name", lambda: "tensorflow")
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda *kind: devices)
    assert backend.accelerators() == ["GPU:0", "GPU:1", "TPU:0"]
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda *kind: devices[:1])
    assert backend.accelerators() == []


def test_accelerators_on_jax_name_the_platform_and_the_kind(monkeypatch):
    devices = [FakeDevice(platform="cpu", id=0, device_kind="cpu"),
               FakeDevice(platform="gpu", id=0, device_kind="NVIDIA H200"),
               FakeDevice(platform="tpu", id=3, device_kind="TPU v4")]
    monkeypatch.setattr(backend, "name", lambda: "jax")
    monkeypatch.setitem(sys.modules, "jax", FakeDevice(devices=lambda: devices))
    assert backend.accelerators() == ["GPU:0 (NVIDIA H200)", "TPU:3 (TPU v4)"]
    monkeypatch.setitem(sys.modules, "jax", FakeDevice(devices=lambda: devices[:1]))
    assert backend.accelerators() == []


@pytest.mark.parametrize("cuda, mps, expected", [
    (["A100", "H200"], False, ["cuda:0 (A100)", "cuda:1 (H200)"]),
    (["H200"], True, ["cuda:0 (H200)"]),  # CUDA first
    ([], True, ["mps (Apple GPU)"]),
    ([], False, []),
], ids=["two GPUs", "cuda and mps", "mps", "cpu"])
def test_accelerators_on_pytorch_are_its_cuda_devices_or_mps(monkeypatch, cuda, mps, expected):
    torch = FakeDevice(
        cuda=FakeDevice(is_available=lambda: bool(cuda), device_count=lambda: len(cuda),
                        get_device_name=lambda i: cuda[i]),
        backends=FakeDevice(mps=FakeDevice(is_available=lambda: mps)))
    monkeypatch.setattr(backend, "name", lambda: "torch")
    monkeypatch.setitem(sys.modules, "torch", torch)
    assert backend.accelerators() == expected


def test_describe_names_the_backend_and_its_accelerators_or_the_cpu(monkeypatch):
    prefix = f"Keras {keras.__version__} on the {keras.backend.backend()} backend"
    monkeypatch.setattr(backend, "accelerators", lambda: [])
    assert backend.describe() == f"{prefix} (CPU)"
    monkeypatch.setattr(backend, "accelerators", lambda: ["GPU:0", "GPU:1"])
    assert backend.describe() == f"{prefix} (GPU:0, GPU:1)"
