"""Every vaelearn name the notebooks use is public: in its module's ``__all__``.

Reads the code cells of notebooks/*.ipynb (comments included: an old name in a comment
teaches it too) for ``vl.<module>.<name>`` (or any alias of ``vaelearn`` and of its
modules), ``vaelearn.<module>.<name>`` and ``from vaelearn.<module> import <name>``. A name
kept for one release (``vaelearn.losses.elbo``, ``vaelearn.models.build_encoder``) is in no
``__all__``, so a notebook that still uses one fails here.
"""

import importlib
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

_IMPORT_AS = re.compile(r"^[ \t]*import[ \t]+(vaelearn(?:\.\w+)*)(?:[ \t]+as[ \t]+(\w+))?", re.M)
_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(vaelearn(?:\.\w+)*)[ \t]+import[ \t]+"
                          r"(\([^)]*\)|[^\n]*)", re.M)
_DOTTED = re.compile(r"(?<![\w.])([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)+)")


def is_module(name):
    """Whether ``name`` (``vaelearn.x.y``) is a module or package of the checkout."""
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def public_names(module):
    return set(getattr(importlib.import_module(module), "__all__", ()))


def _imported(names):
    """``a, b as c`` (or ``(a,\\n b)``, with comments) -> [(name, alias)]."""
    names = re.sub(r"#[^\n]*", "", names).strip().strip("()")
    found = []
    for part in names.split(","):
        words = part.split()
        if words:
            found.append((words[0], words[-1] if len(words) == 3 and words[1] == "as" else words[0]))
    return found


def _resolve(module, attributes):
    """The first name of ``attributes`` that is not a submodule of ``module``, with the
    module it belongs to; None when every part is a module."""
    for name in attributes:
        if not is_module(f"{module}.{name}"):
            return module, name
        module = f"{module}.{name}"
    return None


def unknown_names(cells):
    """``module.name`` for each vaelearn name that the code ``cells`` (strings, in order)
    use and that is not in its module's ``__all__``."""
    aliases = {"vaelearn": "vaelearn"}
    used = []  # (module, name), in order
    for source in cells:
        for module, alias in _IMPORT_AS.findall(source):
            aliases[alias or "vaelearn"] = module if alias else "vaelearn"
        for module, names in _FROM_IMPORT.findall(source):
            for name, alias in _imported(names):
                if is_module(f"{module}.{name}"):
                    aliases[alias] = f"{module}.{name}"
                else:
                    used.append((module, name))
        for head, tail in _DOTTED.findall(source):
            if head in aliases:
                found = _resolve(aliases[head], tail.lstrip(".").split("."))
                if found is not None:
                    used.append(found)
    unknown = []
    for module, name in used:
        if not is_module(module) or name not in public_names(module):
            qualified = f"{module}.{name}"
            if qualified not in unknown:
                unknown.append(qualified)
    return unknown


def code_cells(notebook):
    """The sources of a notebook's code cells (nbformat keeps them as a string or a list)."""
    return ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for cell in notebook["cells"] if cell["cell_type"] == "code"]


def test_there_are_notebooks_to_read():
    assert len(NOTEBOOKS) >= 13
    assert any("vl.models.make_vae" in source
               for path in NOTEBOOKS for source in code_cells(json.loads(path.read_text())))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_vaelearn_name_a_notebook_uses_is_public(path):
    unknown = unknown_names(code_cells(json.loads(path.read_text(encoding="utf-8"))))
    assert not unknown, (f"{path.name} uses {unknown}, which are in no __all__ "
                         "(an old name kept for one release, or a private one)")


def test_the_check_finds_names_that_are_not_public():
    notebook = {"cells": [
        {"cell_type": "code", "source": [
            "import vaelearn as vl\n",
            "from vaelearn import exercises, models as m  # the lesson's tools\n",
            "vae = vl.models.make_vae((8, 8, 1), latent_dim=2)\n",
            "cvae = vl.models.make_conditional_vae((8, 8, 1), n_classes=10)\n",
            "bound = vl.losses.iwae_bound(vae, x, k=50)\n"]},
        {"cell_type": "markdown", "source": "vl.nothing.here is prose, not code"},
        {"cell_type": "code", "source": (
            "from vaelearn.evaluation import elbo\n"
            "from vaelearn.models import (\n    make_vae,\n    CourseModel,  # moved\n)\n"
            "import vaelearn.quiz as quizzes\n"
            "words = vaelearn.text.make_corpus(10, 5)\n"
            "listed = exercises.BY_NOTEBOOK\n"
            "encoder = m.build_encoder((8, 8, 1), 2)\n"
            "quizzes.load('eli5'); vl.quiz.load('eli5'); vl.seed(0); vl.nope(1)\n"
            "vl.course_model.CourseModel.compute_loss; vl.training_display.LiveCurves()\n")},
    ]}
    assert unknown_names(code_cells(notebook)) == [
        "vaelearn.models.make_conditional_vae",
        "vaelearn.losses.iwae_bound",
        "vaelearn.models.CourseModel",  # a cell's from-imports are read before its other lines
        "vaelearn.text.make_corpus",
        "vaelearn.exercises.BY_NOTEBOOK",
        "vaelearn.models.build_encoder",
        "vaelearn.nope",
    ]
    assert unknown_names(["import vaelearn as vl\nvae = vl.models.make_vae((8, 8, 1))"]) == []
