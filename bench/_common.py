"""Helpers shared by the benchmarks: 28x28 data, timed training, memory, machine, tables.

Import this module before TensorFlow: it sets ``TF_CPP_MIN_LOG_LEVEL`` and puts the
repository root on ``sys.path`` so ``vaelearn`` imports from a checkout. It imports
TensorFlow only inside the functions that train.
"""

import functools
import importlib.metadata
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

BATCH_SIZE = 128
LATENT_DIM = 2
REFERENCE_PARAMS = {"encoder": 69_076, "decoder": 65_089}


@functools.lru_cache(maxsize=None)
def images28():
    """All 28x28 training images as float32 ``(n, 28, 28, 1)`` in [0, 1], and their source.

    MNIST (all 70,000 images, as the reference uses) when it is cached, else the 1,797
    bundled 8x8 digits upsampled to 28x28 (cubic spline, clipped to [0, 1]).
    """
    from vaelearn import data, sources

    if sources.is_cached("mnist"):
        mnist = data.load("mnist")
        return np.concatenate([mnist.x_train, mnist.x_test]), "mnist (70,000 images)"
    from scipy.ndimage import zoom
    from sklearn.datasets import load_digits

    small = load_digits().images / 16.0
    big = np.clip(zoom(small, (1, 28 / 8, 28 / 8), order=3), 0.0, 1.0)
    return big.astype("float32")[..., None], f"digits upsampled to 28x28 ({len(big):,} images)"


def make_vaelearn_vae(**kwargs):
    """vaelearn's convolutional VAE with the reference architecture.

    ``make_vae``'s own ``seed`` is left at its default (None): the initial weights then come
    from the global generators, as the reference's do, so that seeding them alike
    (``keras.utils.set_random_seed``) gives both models the same initial weights; the
    sampling noise draws from the same generators. (An int ``seed`` would seed the weights
    too, differently from the reference's.)
    """
    from vaelearn.models import make_vae

    return make_vae((28, 28, 1), latent_dim=LATENT_DIM, arch="conv", hidden=(16,), **kwargs)


def check_param_counts(model):
    """Raise unless ``model``'s encoder and decoder have the reference's parameter counts."""
    counts = {"encoder": model.encoder.count_params(), "decoder": model.decoder.count_params()}
    if counts != REFERENCE_PARAMS:
        raise AssertionError(f"parameter counts {counts} differ from the reference's "
                             f"{REFERENCE_PARAMS}")
    return counts


def negative_elbo(model, x, seed=0, batch_size=1024):
    """Mean of BCE summed over pixels + closed-form KL over ``x``, one fixed-noise sample.

    The same quantity for both models: the encoder's first two outputs are (z_mean,
    z_log_var); the decoder's output goes through a sigmoid when ``model.likelihood`` is
    "bernoulli" (vaelearn's logits), else it is read as probabilities (the reference).
    Cross-entropy is computed in float64 with probabilities clipped to [1e-7, 1 - 1e-7].
    """
    from keras import ops

    eps = np.random.default_rng(seed).standard_normal((len(x), LATENT_DIM)).astype("float32")
    logits = getattr(model, "likelihood", None) == "bernoulli"
    total = 0.0
    for i in range(0, len(x), batch_size):
        xb = x[i:i + batch_size]
        z_mean, z_log_var = (ops.convert_to_numpy(t) for t in model.encoder(xb)[:2])
        z = z_mean + np.exp(0.5 * z_log_var) * eps[i:i + batch_size]
        out = model.decoder(z)
        p = ops.convert_to_numpy(ops.sigmoid(out) if logits else out).astype("float64")
        p = np.clip(p, 1e-7, 1 - 1e-7)
        bce = -(xb * np.log(p) + (1 - xb) * np.log(1 - p)).reshape(len(xb), -1).sum(axis=1)
        kl = 0.5 * (z_mean ** 2 + np.exp(z_log_var) - z_log_var - 1).sum(axis=1)
        total += float((bce + kl).sum())
    return total / len(x)


def train_epochs(model, data, epochs, batch_size=BATCH_SIZE):
    """Train ``model`` with one ``fit`` call; return (seconds per epoch, logged losses).

    The first epoch's time includes tracing and compilation. ``data``: an array, or a
    batched ``tf.data.Dataset`` (then ``batch_size`` is ignored).
    """
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.ends, self.losses = [], []

        def on_epoch_end(self, epoch, logs=None):
            self.ends.append(time.perf_counter())
            self.losses.append(float(logs["loss"]))

    timer = EpochTimer()
    is_dataset = hasattr(data, "element_spec")  # a tf.data.Dataset shuffles itself
    kwargs = {"shuffle": False} if is_dataset else {"batch_size": batch_size}
    start = time.perf_counter()
    model.fit(data, epochs=epochs, verbose=0, callbacks=[timer], **kwargs)
    seconds = np.diff([start] + timer.ends).tolist()
    return seconds, timer.losses


class PeakRSS:
    """Context manager: the peak resident memory (psutil, sampled every ``interval`` s in a
    thread) above the RSS at entry, in MiB, as ``.peak_mib`` after exit."""

    def __init__(self, interval=0.005):
        import psutil

        self._process, self.interval = psutil.Process(), interval
        self.peak_mib = 0.0

    def __enter__(self):
        self._base = self._peak = self._process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(self.interval):
            self._peak = max(self._peak, self._process.memory_info().rss)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._peak = max(self._peak, self._process.memory_info().rss)
        self.peak_mib = (self._peak - self._base) / 2**20


def median(values):
    """The median of a non-empty sequence."""
    return statistics.median(values)


def machine_info():
    """A one-line description of the machine and the library versions."""
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                  if line.startswith("model name")), platform.processor())
    return (f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"TensorFlow {_version('tensorflow-cpu', 'tensorflow')}, Keras {_version('keras')}")


def _version(*distributions):
    for name in distributions:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return "not installed"


def cpu_flags():
    """The CPU feature flags from /proc/cpuinfo (an empty set elsewhere)."""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def print_table(rows, headers):
    """Print ``rows`` (sequences of already formatted cells) as a Markdown table."""
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    print(line(headers))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))
