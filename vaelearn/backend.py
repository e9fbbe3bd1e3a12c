"""What differs between Keras backends, in one place.

Also: importing TensorFlow prints C++ start-up lines (absl, oneDNN, CPU features) to the
process's standard error, where a notebook shows them in red. ``import vaelearn`` arranges
for the first import of TensorFlow (usually through ``import keras``) to drop those lines
and pass every other line on. Set ``TF_CPP_MIN_LOG_LEVEL`` yourself to see them all.
"""

import logging
import os
import re
import sys
import tempfile
from contextlib import contextmanager

from .import_hooks import around_first_import

__all__ = ["quiet_tensorflow_import"]

# absl's INFO and WARNING lines ("I0000 00:00:..."), its notice about them, and the
# CPU-feature advice that continues one of them.
_STARTUP_NOISE = re.compile(
    r"^([IW]\d{4} |WARNING: All log messages before absl::InitializeLog|To enable the following "
    r"instructions:)"
)


@contextmanager
def _startup_lines_dropped():
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no file descriptor 2 to redirect
        yield
        return
    with tempfile.TemporaryFile(mode="w+b") as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            kept = [line for line in capture.read().decode("utf-8", "replace").splitlines(True)
                    if not _STARTUP_NOISE.match(line)]
            if kept:
                sys.stderr.write("".join(kept))


def _import_quietly(exec_module, module):
    with _startup_lines_dropped():
        exec_module(module)
    # TensorFlow's Python warnings, e.g. about retracing when a lesson builds several models
    # in a loop.
    logging.getLogger("tensorflow").setLevel(logging.ERROR)


def quiet_tensorflow_import():
    """Drop TensorFlow's start-up log when it is first imported, unless the user asked for
    logs (``TF_CPP_MIN_LOG_LEVEL`` set) or it is imported already."""
    if "tensorflow" in sys.modules or "TF_CPP_MIN_LOG_LEVEL" in os.environ:
        return
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"  # later C++ lines too (tf.data logs errors it ignores)
    around_first_import("tensorflow", _import_quietly)
