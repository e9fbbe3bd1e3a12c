"""What differs between Keras backends, in one place.

Also: importing Keras on TensorFlow prints C++ start-up lines (absl, oneDNN, CPU features)
to the process's standard error, where a notebook shows them in red. ``import_keras``
imports Keras with those lines dropped and every other line passed on; set
``TF_CPP_MIN_LOG_LEVEL`` yourself to see them all.
"""

import os
import re
import sys
import tempfile
from contextlib import contextmanager

__all__ = ["import_keras"]

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


def import_keras():
    """Import and return ``keras``, without TensorFlow's start-up log unless asked for."""
    if "keras" in sys.modules or "TF_CPP_MIN_LOG_LEVEL" in os.environ:
        import keras

        return keras
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"  # later C++ INFO and WARNING lines too
    with _startup_lines_dropped():
        import keras
    return keras
