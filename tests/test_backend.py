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
from vaelearn.models import Sampling

IMPORT = "import vaelearn, keras, numpy; keras.ops.sum(numpy.ones(3)); print('ran')"


def run(code, **env):
    environ = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**environ, **env}, check=True)


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's start-up log")
def test_keras_imported_after_vaelearn_starts_without_tensorflows_log_lines():
    quiet = run(IMPORT)
    assert quiet.stdout.strip() == "ran"
    assert "oneDNN" not in quiet.stderr and "absl" not in quiet.stderr, quiet.stderr
    # A learner who asks for the log still gets it.
    loud = run(IMPORT, TF_CPP_MIN_LOG_LEVEL="0")
    assert "oneDNN" in loud.stderr or "absl" in loud.stderr, loud.stderr


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's start-up log")
def test_a_log_level_is_the_users_only_if_vaelearn_did_not_set_it():
    code = ("import os, vaelearn\n"
            "from vaelearn.backend import tensorflow_log_requested as asked\n"
            "print(os.environ.get('TF_CPP_MIN_LOG_LEVEL'), asked())\n"
            "import keras\n"
            "print(os.environ.get('TF_CPP_MIN_LOG_LEVEL'), asked())\n")
    # `import vaelearn` sets nothing until TensorFlow is imported, then its own quiet level.
    assert run(code).stdout.split("\n")[:2] == ["None False", "3 False"]
    assert run(code, TF_CPP_MIN_LOG_LEVEL="3").stdout.split("\n")[:2] == ["3 True", "3 True"]


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


def test_steps_per_execution_is_one_only_where_the_backend_requires_it():
    expected = 1 if keras.backend.backend() == "torch" else 16
    assert backend.steps_per_execution(16) == expected


def test_accelerators_are_the_backends_non_cpu_devices():
    found = backend.accelerators()
    assert all(isinstance(name, str) and name for name in found)
    if keras.backend.backend() != "torch":  # Keras has no device list for PyTorch
        devices = keras.distribution.list_devices()
        assert len(found) == sum(not d.lower().startswith("cpu") for d in devices), devices
