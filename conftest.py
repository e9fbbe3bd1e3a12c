"""Settings for every test run, the notebook (nbval) runs included."""

import os

# Quiet TensorFlow's C++ logs, run the notebooks on the bundled MNIST sample even where full
# MNIST is cached (`make test` runs them once more with VAELEARN_DATASET=digits), and keep the
# test run's quiz progress out of the real home folder.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("VAELEARN_DATASET", "mnist_sample")


def pytest_configure(config):
    if "VAELEARN_HOME" not in os.environ:
        import tempfile

        os.environ["VAELEARN_HOME"] = tempfile.mkdtemp(prefix="vaelearn-test-home-")


def pytest_collectstart(collector):
    # TensorFlow may still write to stderr; the notebooks' asserts are what nbval checks.
    try:
        from nbval.plugin import IPyNbFile
    except ImportError:
        return
    if isinstance(collector, IPyNbFile):
        collector.skip_compare += ("stderr",)


def pytest_sessionstart(session):
    # With VAELEARN_EXECUTED=DIR, every notebook that nbval runs without a failure is also
    # saved there with its outputs, so that the site (`make site`) reuses this run.
    folder = os.environ.get("VAELEARN_EXECUTED")
    if folder:
        from tests.executed_copies import ExecutedCopies

        session.config.pluginmanager.register(ExecutedCopies(folder), "vaelearn-executed-copies")
