"""One vocabulary in every public signature (the package docstring writes it down).

Walks every function, class and method that a module of vaelearn names in its ``__all__``:
``seed`` is keyword-only except where the seed is the function's subject (``vaelearn.seed``);
no parameter named ``n`` or ``k`` (a number of draws is ``n_samples``); one name for the
shape of one example (``example_shape``) and one for labels (``y``); options after the data
are keyword-only.
"""

import dataclasses
import importlib
import inspect
import pkgutil

import pytest

import vaelearn

# Parameters that may come positionally although they have defaults: the data (a model's
# labels, a dataset's sizes). A function's first parameter is its subject, and may too.
POSITIONAL_WITH_DEFAULT = {"y", "n_train", "n_test"}
# Modules kept for one release so that old names keep working; they define nothing new.
OLD_HOMES = {"vaelearn.losses", "vaelearn.conditional", "vaelearn.text"}
SUBJECT_SEED = {"vaelearn.seed", "vaelearn.backend.set_seed",
                "vaelearn.randomness.numpy_generator", "vaelearn.randomness.spawn_seeds"}
SHAPE_NAMES = {"image_shape", "input_shape", "output_shape", "shape_of_example"}


def public_modules():
    names = ["vaelearn"]
    for info in pkgutil.walk_packages(vaelearn.__path__, "vaelearn."):
        if info.name not in OLD_HOMES and ".bundled" not in info.name:
            names.append(info.name)
    return names


CLASSES = {}


def public_callables():
    """(qualified name, callable) for every public function and method of vaelearn (a
    class's own ``__init__`` stands for the class)."""
    seen = {}
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            thing = getattr(module, name)
            if getattr(thing, "__module__", "").startswith("vaelearn") and callable(thing):
                if not inspect.isclass(thing):
                    seen.setdefault(f"{thing.__module__}.{thing.__qualname__}", thing)
                else:
                    CLASSES[f"{thing.__module__}.{thing.__qualname__}"] = thing
                    for member, value in vars(thing).items():
                        if ((member == "__init__" or not member.startswith("_")) and callable(value)
                                and getattr(value, "__module__", "").startswith("vaelearn")):
                            seen.setdefault(f"{thing.__module__}.{thing.__qualname__}.{member}", value)
    return sorted(seen.items())


CALLABLES = public_callables()


def parameters(function):
    try:
        return list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return []


def test_the_walk_finds_the_public_api():
    names = {name for name, _ in CALLABLES}
    assert {"vaelearn.models.make_vae", "vaelearn.models.LatentModel.sample", "vaelearn.seed",
            "vaelearn.evaluation.iwae_bound", "vaelearn.sequence.SequenceVAE.decode"} <= names
    assert len(names) > 150


@pytest.mark.parametrize("name,function", CALLABLES, ids=[n for n, _ in CALLABLES])
def test_vocabulary(name, function):
    problems = []
    own = [p for p in parameters(function) if p.name not in ("self", "cls")]
    for position, p in enumerate(own):
        if p.name == "seed" and p.kind != p.KEYWORD_ONLY and name not in SUBJECT_SEED:
            problems.append("seed must be keyword-only")
        if p.name in ("n", "k"):
            problems.append(f"parameter {p.name!r}: a number of draws is n_samples")
        if p.name in SHAPE_NAMES and not _keras_signature(name):
            problems.append(f"parameter {p.name!r}: the shape of one example is example_shape")
        if p.name == "labels":
            problems.append("parameter 'labels': labels are y")
        if (p.default is not p.empty and p.kind == p.POSITIONAL_OR_KEYWORD and position > 0
                and p.name not in POSITIONAL_WITH_DEFAULT and not _keras_signature(name)
                and not _record(name)):
            problems.append(f"option {p.name!r} must be keyword-only")
    assert not problems, f"{name}{inspect.signature(function)}: {'; '.join(problems)}"


def _record(name):
    """Dataclasses: their fields, in order, are their constructor."""
    return dataclasses.is_dataclass(CLASSES.get(name.removesuffix(".__init__")))


def _keras_signature(name):
    """Methods that keep the signature of the Keras method they override."""
    return name.rsplit(".", 1)[-1] in {"fit", "evaluate", "call", "compute_loss", "save",
                                       "get_config", "from_config", "build",
                                       "on_epoch_begin", "on_epoch_end", "on_train_begin",
                                       "on_train_end", "on_train_batch_end", "update_state"}


def test_temperature_means_the_prior_everywhere():
    for name, function in CALLABLES:
        if "temperature" in [p.name for p in parameters(function)]:
            assert name.endswith(".sample"), f"{name} takes 'temperature' but draws no prior codes"


def test_the_vocabulary_check_catches_each_kind_of_slip():
    def slips(x, k=3, image_shape=None, seed=0, labels=None):  # noqa: ARG001
        """A function breaking every rule."""

    with pytest.raises(AssertionError) as caught:
        test_vocabulary("example.slips", slips)
    for problem in ("seed must be keyword-only", "'k'", "'image_shape'", "labels are y",
                    "option 'k' must be keyword-only"):
        assert problem in str(caught.value)


def _documented_parameters(name, function):
    """The docstring that documents ``function``'s parameters: a class's own, for ``__init__``."""
    if name.endswith(".__init__"):
        return inspect.getdoc(CLASSES[name.removesuffix(".__init__")]) or ""
    return inspect.getdoc(function) or ""


@pytest.mark.parametrize("name,function", CALLABLES, ids=[n for n, _ in CALLABLES])
def test_numpydoc(name, function):
    """One docstring style: numpydoc, with a Parameters section wherever there are any."""
    if _keras_signature(name):
        return  # Keras documents its own methods
    doc = _documented_parameters(name, function)
    assert doc, f"{name} has no docstring"
    assert not any(style in doc for style in (":param", "Args:", "Arguments:")), (
        f"{name}: write the parameters numpydoc's way (Parameters / ----------)")
    own = [p.name for p in parameters(function)
           if p.name not in ("self", "cls") and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    if own and not _record(name):
        assert "Parameters\n----------" in doc, f"{name} takes {own} but has no Parameters section"


@pytest.mark.parametrize("module_name", public_modules())
def test_every_module_says_what_it_exports(module_name):
    module = importlib.import_module(module_name)
    assert hasattr(module, "__all__"), f"{module_name} has no __all__"
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert not missing, f"{module_name}.__all__ names {missing}, which it does not define"
