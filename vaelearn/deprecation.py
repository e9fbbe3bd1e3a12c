"""Old names that keep working for one release, with a ``DeprecationWarning`` that names the
new one.

The course renamed some modules, functions and parameters so that one thing has one name
(see the package docstring). Learners' own notebooks may still use the old ones; these
helpers forward them and say what to write instead.
"""

import functools
import importlib
import warnings

__all__ = ["forward_moved_names", "renamed_parameters", "warn_renamed"]

_UNTIL = "it stops working in the next release"


def warn_renamed(old, new, *, stacklevel=3):
    """Warn that an old name is now another.

    Parameters
    ----------
    old, new : str
        The names as a learner writes them.
    stacklevel : int
        As ``warnings.warn``'s: 3 names the caller of the function that warns.
    """
    warnings.warn(f"{old} is now {new}; {_UNTIL}.", DeprecationWarning, stacklevel=stacklevel)


def forward_moved_names(module_name, moves):
    """A module ``__getattr__`` that hands out moved names, each with a warning.

    Parameters
    ----------
    module_name : str
        The old module, e.g. ``"vaelearn.losses"``.
    moves : dict of str to str
        Old attribute name -> ``"new.module:new_name"``.

    Returns
    -------
    callable
        Assign it to the old module's ``__getattr__``.
    """
    def __getattr__(name):
        if name not in moves:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        new_module, _, new_name = moves[name].partition(":")
        warn_renamed(f"{module_name}.{name}", f"{new_module}.{new_name}")
        return getattr(importlib.import_module(new_module), new_name)

    return __getattr__


def renamed_parameters(**renames):
    """Accept old keyword names of a function's parameters for one release.

    ``@renamed_parameters(k="n_samples")`` lets ``f(..., k=50)`` call ``f(..., n_samples=50)``
    with a warning; giving both names is a ``TypeError``.
    """
    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{function.__qualname__}() got both {old}= and {new}=; "
                                        f"{old} is the old name of {new}, pass {new} only.")
                    warn_renamed(f"{function.__qualname__}({old}=...)",
                                 f"{function.__qualname__}({new}=...)")
                    kwargs[new] = kwargs.pop(old)
            return function(*args, **kwargs)

        return wrapper

    return decorate
