"""The one place for what differs per backend: today, TensorFlow's quiet start."""

import os
import subprocess
import sys

import pytest

IMPORT = "import vaelearn, keras, numpy; keras.ops.sum(numpy.ones(3)); print('ran')"


def run(code, **env):
    environ = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**environ, **env}, check=True)


@pytest.mark.skipif(os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow",
                    reason="TensorFlow's start-up log")
def test_keras_imported_after_vaelearn_starts_without_tensorflows_log_lines():
    quiet = run(IMPORT)
    assert quiet.stdout.strip() == "ran"
    assert "oneDNN" not in quiet.stderr and "absl" not in quiet.stderr, quiet.stderr
    # A learner who asks for the log still gets it.
    loud = run(IMPORT, TF_CPP_MIN_LOG_LEVEL="0")
    assert "oneDNN" in loud.stderr or "absl" in loud.stderr, loud.stderr


def test_other_standard_error_output_during_the_import_is_passed_on():
    code = ("import os, sys, vaelearn.backend as b\n"
            "with b._startup_lines_dropped():\n"
            "    os.write(2, b'I0000 00:00:1.0 port.cc:153] oneDNN custom operations are on.\\n')\n"
            "    os.write(2, b'a real problem\\n')\n")
    assert run(code).stderr == "a real problem\n"
