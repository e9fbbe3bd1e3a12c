"""Run code around the first import of another package, without importing it now.

``import vaelearn`` must stay light (``import vaelearn.quiz`` imports no TensorFlow), yet two
things have to happen when a learner's cell first imports the heavy packages: TensorFlow's
start-up log is dropped (:mod:`vaelearn.backend`), and vaelearn's model classes are registered
with Keras so that ``keras.saving.load_model`` finds them (:mod:`vaelearn.saving`).
"""

import importlib.abc
import importlib.util
import sys

__all__ = ["around_first_import"]


class _FirstImport(importlib.abc.MetaPathFinder):
    """Finds module ``name`` once, and runs its import inside ``wrapper(exec_module, module)``."""

    def __init__(self, name, wrapper):
        self.name, self.wrapper = name, wrapper

    def find_spec(self, name, path=None, target=None):
        if name != self.name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)  # what the other finders make of it
        if spec is not None and hasattr(spec.loader, "exec_module"):
            exec_module = spec.loader.exec_module
            spec.loader.exec_module = lambda module: self.wrapper(exec_module, module)
        return spec


def around_first_import(name, wrapper):
    """Run the first import of module ``name`` as ``wrapper(exec_module, module)``.

    ``wrapper`` must call ``exec_module(module)``. Returns False, and installs nothing, if
    ``name`` is imported already (the caller then does what it needs at once)."""
    if name in sys.modules:
        return False
    if not any(isinstance(f, _FirstImport) and f.name == name and f.wrapper is wrapper
               for f in sys.meta_path):
        sys.meta_path.insert(0, _FirstImport(name, wrapper))
    return True
