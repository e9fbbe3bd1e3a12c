"""Run code around imports, without importing anything now.

``import vaelearn`` must stay light (``import vaelearn.quiz`` imports no TensorFlow), yet two
things have to happen when a learner's cell first imports the heavy packages: TensorFlow's
start-up log is dropped (:mod:`vaelearn.backend`), and vaelearn's model classes are registered
with Keras so that ``keras.saving.load_model`` finds them (:mod:`vaelearn.saving`).
"""

import importlib.abc
import importlib.util
import sys

__all__ = ["after_imports", "around_first_import", "half_imported"]


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

    Parameters
    ----------
    name : str
        A top-level module, e.g. ``"keras"``.
    wrapper : callable
        Called as ``wrapper(exec_module, module)``; it must call ``exec_module(module)``.

    Returns
    -------
    bool
        False, with nothing installed, if ``name`` is imported already (the caller then
        does what it needs at once).
    """
    if name in sys.modules:
        return False
    if not any(isinstance(f, _FirstImport) and f.name == name and f.wrapper is wrapper
               for f in sys.meta_path):
        sys.meta_path.insert(0, _FirstImport(name, wrapper))
    return True


class _AfterImports(importlib.abc.MetaPathFinder):
    """Runs ``callback(module)`` after each import of a module whose name starts with
    ``prefix``, until the callback returns True."""

    def __init__(self, prefix, callback):
        self.prefix, self.callback = prefix, callback

    def find_spec(self, name, path=None, target=None):
        if not name.startswith(self.prefix):
            return None
        sys.meta_path.remove(self)  # the other finders say where the module is
        try:
            spec = importlib.util.find_spec(name)
        finally:
            if self.callback is not None:
                sys.meta_path.insert(0, self)
        if spec is not None and hasattr(spec.loader, "exec_module"):
            exec_module = spec.loader.exec_module

            def exec_then_call(module):
                exec_module(module)
                if self.callback is not None and self.callback(module):
                    self.callback = None
                    if self in sys.meta_path:
                        sys.meta_path.remove(self)

            spec.loader.exec_module = exec_then_call
        return spec


def after_imports(prefix, callback):
    """Call ``callback(module)`` after each later import of a module named ``prefix...``,
    until it returns True.

    Parameters
    ----------
    prefix : str
        E.g. ``"vaelearn."``.
    callback : callable
        Called with the module once its code has run (it is still marked as being imported).
    """
    sys.meta_path.insert(0, _AfterImports(prefix, callback))


def half_imported(prefix, *, besides=()):
    """Whether a module named ``prefix...`` is being imported (its code still running).

    Parameters
    ----------
    prefix : str
    besides : collection of str
        Module names not to count.

    Returns
    -------
    bool
    """
    return any(getattr(getattr(module, "__spec__", None), "_initializing", False)
               for name, module in list(sys.modules.items())
               if name.startswith(prefix) and name not in besides)
