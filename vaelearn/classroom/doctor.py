"""Check that a machine is ready for the course: ``vaelearn doctor``.

Every check returns a :class:`Check` with one of three statuses: ``ok``, ``note``
(worth knowing, nothing to fix) or ``fail`` (the course will not work as is).
Keras and its backend are imported only by :func:`check_device`, the one check that
needs them. :func:`check_memory` reads the memory limit the process runs under (a hub's
cgroup, else the machine's memory) and sets it against what each notebook needs.
"""

import os
import platform
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..course import MEMORY_MIB_BY_NOTEBOOK
from ..errors import CorruptCacheError, DatasetUnavailableError
from ..files import file_in_the_way
from ..memory import read_limit
from ..sources import REMOTE_DATASETS, data_dir, file_digest, verify_cached

__all__ = ["Check", "check_course", "check_datasets", "check_device", "check_home",
           "check_memory", "check_versions", "check_widgets", "installed_version", "report",
           "run_checks"]

OK, NOTE, FAIL = "ok", "note", "fail"

# Distribution names; for TensorFlow the first one installed wins.
PACKAGES = {
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-macos"),
    "keras": ("keras",),
    "numpy": ("numpy",),
    "ipywidgets": ("ipywidgets",),
    "jupyterlab": ("jupyterlab",),
    "jupyterlab_widgets": ("jupyterlab_widgets",),
}

# Keras backend -> the distributions that provide it.
BACKEND_PACKAGES = {"tensorflow": PACKAGES["tensorflow"], "jax": ("jax",), "torch": ("torch",)}

# What a kernel adds, in MiB, once its notebook has run: its private memory, which it keeps
# until it is shut down (TensorFlow's libraries, about 380 MiB, are charged to a cgroup once for
# all of a learner's kernels, so they count in the running notebook's need). BENCHMARKS.md, "A
# class on one hub": 367-921 MiB per finished notebook, 568 on average, 921 for 12; this
# leaves room for the larger ones.
FINISHED_KERNEL_MIB = 700

# ipywidgets major version -> the jupyterlab_widgets major version whose JupyterLab
# extension renders its widgets (with a mismatch, Lab shows "Error displaying widget").
WIDGETS_EXTENSION_MAJOR = {7: 1, 8: 3}

LAB_EXTENSION = Path("@jupyter-widgets", "jupyterlab-manager", "package.json")


@dataclass(frozen=True)
class Check:
    """The outcome of one check: what was checked, its status and what was found."""

    name: str
    status: str
    detail: str


def installed_version(distributions):
    """The version of the first installed distribution among several names.

    Parameters
    ----------
    distributions : iterable of str
        Distribution names, e.g. ``("tensorflow", "tensorflow-cpu")``.

    Returns
    -------
    str or None
    """
    for dist in distributions:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return None


def check_versions():
    """One check per package of :data:`PACKAGES`, after Python itself."""
    checks = [Check("python", OK, f"{platform.python_version()} ({sys.executable})")]
    for name, distributions in PACKAGES.items():
        version = installed_version(distributions)
        if version is None:
            checks.append(Check(name, FAIL, "not installed: run `pip install -e .`"))
        else:
            checks.append(Check(name, OK, version))
    return checks


def check_device():
    """The Keras backend and the devices it will train on (this imports it, ~6 s)."""
    from ..backend import accelerators

    chosen = os.environ.get("KERAS_BACKEND") or "Keras' default"
    try:
        import keras

        name = keras.backend.backend()
        found = accelerators()
    except Exception as e:  # a broken install raises anything from ImportError to OSError
        return Check("device", FAIL, f"the Keras backend ({chosen}) does not import: "
                                     f"{type(e).__name__}: {e}")
    where = ", ".join(found) if found else "CPU (no GPU found; the course runs on a CPU)"
    version = installed_version(BACKEND_PACKAGES[name])
    return Check("device", OK, f"{where}, Keras {keras.__version__} on {name} {version}")


def check_memory(*, root=None):
    """Whether the memory this process may use holds the course's largest notebook, and how many
    notebooks may stay open at once: one running at its peak, the others finished.

    Parameters
    ----------
    root : str or os.PathLike, optional
        As :func:`vaelearn.memory.read_limit`'s.
    """
    largest = max(MEMORY_MIB_BY_NOTEBOOK, key=MEMORY_MIB_BY_NOTEBOOK.get)
    need = MEMORY_MIB_BY_NOTEBOOK[largest]
    found = read_limit(root=root)
    if found.limit_bytes is None:
        return Check("memory", NOTE, f"{found.describe()}; the course's largest notebook, "
                                     f"{largest}, needs {need:,} MiB")
    limit = found.limit_mib
    short = sum(mib > limit for mib in MEMORY_MIB_BY_NOTEBOOK.values())
    if short:
        fix = (f"run the course on a machine with at least {need:,} MiB"
               if found.source == "machine" else f"ask for a memory limit of at least {need:,} MiB")
        return Check("memory", FAIL,
                     f"{limit:,.0f} MiB, {found.describe()}: too little for {short} of "
                     f"{len(MEMORY_MIB_BY_NOTEBOOK)} notebooks ({largest} needs {need:,} MiB), "
                     f"whose kernels may be stopped part-way; {fix}")
    open_at_once = 1 + int((limit - need) // FINISHED_KERNEL_MIB)
    return Check("memory", OK,
                 f"{limit:,.0f} MiB, {found.describe()}: the course fits ({largest} needs the "
                 f"most, {need:,} MiB); {open_at_once} notebook{'s' * (open_at_once > 1)} may "
                 f"stay open at once (a finished one keeps about {FINISHED_KERNEL_MIB} MiB)")


def check_course():
    """Whether the course's quizzes and notebooks are where vaelearn looks for them."""
    from ..course import notebook_dir, notebooks, quiz_dir
    from ..exercises import engine
    from ..quiz import available

    fix = "reinstall vaelearn (pip install --force-reinstall vaelearn)"
    quizzes = available()
    if quizzes:
        quiz_check = Check("quizzes", OK, f"{len(quizzes)} in {quiz_dir()}")
    elif not engine.solutions_installed():
        quiz_check = Check("quizzes", OK, "none: a graded installation holds no answers, and "
                                          "the quizzes are graded questions in the assignments")
    else:
        quiz_check = Check("quizzes", FAIL, f"none in {quiz_dir()}: {fix}, or set "
                                            "VAELEARN_QUIZ_DIR to a folder of quiz files")
    found = notebooks()
    if found:
        notebook_check = Check("notebooks", OK, f"{len(found)} in {notebook_dir()} "
                                                "(`vaelearn notebooks` copies them for you)")
    else:
        notebook_check = Check("notebooks", FAIL, f"none in {notebook_dir()}: {fix}")
    return [quiz_check, notebook_check]


def check_widgets():
    """Whether JupyterLab can display this ipywidgets version's widgets."""
    widgets = installed_version(PACKAGES["ipywidgets"])
    extension = installed_version(PACKAGES["jupyterlab_widgets"])
    if widgets is None or extension is None:
        return Check("widgets", FAIL, "ipywidgets and jupyterlab_widgets must both be installed")
    found = f"ipywidgets {widgets} + jupyterlab_widgets {extension}"
    needed = WIDGETS_EXTENSION_MAJOR.get(_major(widgets))
    if needed != _major(extension):
        return Check(
            "widgets", FAIL,
            f"{found} do not match: ipywidgets {_major(widgets)} needs jupyterlab_widgets "
            f"{needed}.x where `jupyter lab` runs (pip install 'jupyterlab_widgets>={needed},<{needed + 1}')",
        )
    folder = _lab_extension_folder()
    if folder is None:
        return Check("widgets", FAIL, f"{found}, but JupyterLab's widget extension files are "
                                      "missing: reinstall jupyterlab_widgets")
    return Check("widgets", OK, f"{found} (extension in {folder})")


def _major(version):
    return int(version.split(".")[0])


def _lab_extension_folder():
    from jupyter_core.paths import jupyter_path

    for root in jupyter_path("labextensions"):
        if (Path(root) / LAB_EXTENSION).is_file():
            return Path(root)
    return None


def check_datasets():
    """The bundled MNIST sample, emoji and digits, then each downloadable dataset: verified,
    missing or corrupt."""
    from ..data import EMOJI, EMOJI_SHA256, MNIST_SAMPLE, MNIST_SAMPLE_SHA256

    checks = [_check_bundled("mnist_sample", MNIST_SAMPLE, MNIST_SAMPLE_SHA256),
              _check_bundled("emoji", EMOJI, EMOJI_SHA256)]
    if installed_version(("scikit-learn",)) is None:
        checks.append(Check("dataset digits", FAIL, "scikit-learn, which bundles it, is not installed"))
    else:
        checks.append(Check("dataset digits", OK, "bundled with scikit-learn (works offline)"))
    blocker = file_in_the_way(data_dir())
    for name in REMOTE_DATASETS:
        if blocker is not None:
            checks.append(Check(f"dataset {name}", FAIL,
                                f"cannot be cached: {blocker} is a file, where the data folder "
                                f"{data_dir()} should be; move it away or set VAELEARN_DATA_DIR"))
            continue
        try:
            verify_cached(name)
        except CorruptCacheError as e:
            checks.append(Check(f"dataset {name}", FAIL, str(e)))
        except DatasetUnavailableError:
            checks.append(Check(f"dataset {name}", NOTE,
                                f"not downloaded (optional): `vaelearn prefetch {name}`"))
        else:
            checks.append(Check(f"dataset {name}", OK, f"verified in {data_dir()}"))
    return checks


def _check_bundled(name, path, sha256):
    """Whether the dataset file that ships with vaelearn is there, with its checksum."""
    if file_digest_or_none(path) == sha256:
        return Check(f"dataset {name}", OK, "bundled with vaelearn, checksum verified")
    return Check(f"dataset {name}", FAIL, f"{path} is missing or damaged: "
                 "reinstall vaelearn (pip install --force-reinstall vaelearn)")


def file_digest_or_none(path):
    """The SHA-256 of ``path``, or None when it cannot be read."""
    try:
        return file_digest(path, "sha256")
    except OSError:
        return None


def check_home():
    """Whether the progress folder exists or can be created, and is writable."""
    from ..records import home_dir

    home = home_dir()
    try:
        home.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=home):
            pass
    except OSError as e:
        return Check("VAELEARN_HOME", FAIL, f"cannot write to {home} ({e.strerror or e}); "
                                            "set VAELEARN_HOME to a writable folder")
    return Check("VAELEARN_HOME", OK, f"{home} is writable")


def run_checks():
    """Every check, in the order the report shows them."""
    return [*check_versions(), check_device(), check_memory(), check_widgets(), *check_course(),
            *check_datasets(), check_home()]


def report(checks):
    """The readiness report.

    Parameters
    ----------
    checks : list of Check

    Returns
    -------
    text : str
    exit_code : int
        0 when no check failed, 1 otherwise.
    """
    width = max(len(check.name) for check in checks)
    lines = [f"{check.status:<4}  {check.name:<{width}}  {check.detail}" for check in checks]
    failed = [check.name for check in checks if check.status == FAIL]
    notes = sum(check.status == NOTE for check in checks)
    if failed:
        lines.append(f"FAIL: {len(failed)} of {len(checks)} checks failed ({', '.join(failed)}).")
    else:
        lines.append(f"PASS: all {len(checks)} checks passed"
                     + (f" ({notes} note{'s' * (notes > 1)})." if notes else "."))
    return "\n".join(lines), int(bool(failed))
