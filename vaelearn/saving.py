"""Save and load vaelearn models without losing one.

- ``model.save(path)`` on a vaelearn model writes ``path`` atomically (:func:`model_file`):
  a save interrupted by kill -9, a full disk or a crash leaves the previous file as it was.
- :func:`load_model` loads a ``.keras`` file, and says what is wrong with one that will not
  load and how to get a good one.
- ``keras.saving.load_model`` finds vaelearn's classes once ``vaelearn`` is imported:
  ``import vaelearn`` calls :func:`register_with_keras`, which imports the modules that
  define them as soon as Keras is imported and no vaelearn module is half-imported (at
  once if that is already so), whichever vaelearn module is imported first. Keras itself
  imports no package but its own while loading, so without ``import vaelearn`` it cannot.
  This module imports neither Keras nor TensorFlow.
"""

import importlib
import sys
import warnings
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path

from .errors import ModelFileError, UnwritablePathError
from .files import replacing, write_error_message
from .import_hooks import after_imports, around_first_import, half_imported

__all__ = ["MODEL_MODULES", "load_model", "model_file", "register_with_keras"]

# The modules that define (and so register) vaelearn's Keras classes.
MODEL_MODULES = ("vaelearn.networks", "vaelearn.models", "vaelearn.sequence", "vaelearn.quantization",
                 "vaelearn.priors", "vaelearn.hierarchy", "vaelearn.diffusion")
SUFFIX = ".keras"
_AGAIN = "Load an earlier copy, or train the model and save it again."


@contextmanager
def model_file(filepath, *, overwrite=True):
    """A temporary ``.keras`` path to save to, which replaces ``filepath`` once complete.

    Parameters
    ----------
    filepath : str or os.PathLike
        Must end in ``.keras``.
    overwrite : bool
        Replace an existing file.

    Yields
    ------
    pathlib.Path
    """
    path = Path(filepath)
    if path.suffix != SUFFIX:
        raise ModelFileError(
            f"Cannot save a vaelearn model as {path}: it is saved as a .keras file, which keeps "
            f"its configuration, weights and optimizer state. Use a name ending in .keras, e.g. "
            f"{path.with_suffix(SUFFIX).name} (model.save_weights('name.weights.h5') saves the "
            "weights alone)."
        )
    if path.exists() and not overwrite:
        raise ModelFileError(f"{path} exists and overwrite=False: choose another name, or pass "
                             "overwrite=True to replace it.")
    try:
        with replacing(path, suffix=".tmp" + SUFFIX) as tmp:
            yield tmp
    except OSError as e:
        message = write_error_message(e, path, "save the model in another folder")
        raise UnwritablePathError(f"{message} Any earlier {path.name} is unchanged.") from None


def load_model(filepath, *, compile=True):
    """Load a model saved with ``model.save``; the errors name the file and the fix.

    Parameters
    ----------
    filepath : str or os.PathLike
        A ``.keras`` file.
    compile : bool
        Compile the model with its saved optimizer, as ``keras.saving.load_model`` does.

    Raises
    ------
    FileNotFoundError
        No such file.
    ModelFileError
        The path is a folder, not a ``.keras`` file, or a damaged one.
    """
    _import_model_modules()
    import keras

    path = Path(filepath)
    if not path.exists():
        raise FileNotFoundError(f"No model file {path}: check the name and folder, or save the "
                                f"model first with model.save({str(path)!r}).")
    if path.is_dir():
        raise ModelFileError(f"{path} is a folder: give the path of the .keras file in it.")
    if path.suffix != SUFFIX:
        raise ModelFileError(f"{path} is not a .keras file, the only format vaelearn models load "
                             "from. Save the model with model.save('name.keras').")
    if not zipfile.is_zipfile(path):
        raise ModelFileError(f"{path} is not a complete .keras file (it is not a zip archive: "
                             f"cut short, or another kind of file). {_AGAIN}")
    try:
        return keras.saving.load_model(path, compile=compile)
    except (zipfile.BadZipFile, zlib.error, KeyError, EOFError, OSError, ValueError) as e:
        reason = " ".join(str(e).split())[:200]
        raise ModelFileError(f"{path} cannot be loaded as a model ({type(e).__name__}: "
                             f"{reason}). {_AGAIN}") from e


def register_with_keras():
    """Make ``keras.saving.load_model`` find vaelearn's model classes, without importing Keras.

    The model modules are imported now if Keras is imported and no vaelearn module is being
    imported; otherwise as soon as that holds: after Keras' first import, or after the
    vaelearn module that imported it has finished (importing them from inside it would find
    it half-made).
    """
    if _register_if_ready():
        return
    around_first_import("keras", _import_then_register)
    after_imports("vaelearn.", _register_if_ready)


_registered = False


def _register_if_ready(finished=None):
    """Import the model modules once Keras is imported and no vaelearn module but
    ``finished`` (one whose code has just run) is half-imported; True once they are."""
    global _registered
    if _registered:
        return True
    besides = () if finished is None else (finished.__name__,)
    if "keras" not in sys.modules or half_imported("vaelearn.", besides=besides):
        return False
    _registered = True  # first: importing the model modules comes back here
    try:
        _import_model_modules()
    except Exception as e:  # never break the import that brought us here
        warnings.warn(f"vaelearn could not register its models with Keras ({e!r}); "
                      f"import vaelearn.models before loading a saved model.")
    return True


def _import_model_modules():
    for name in MODEL_MODULES:
        importlib.import_module(name)


def _import_then_register(exec_module, module):
    exec_module(module)
    _register_if_ready()
