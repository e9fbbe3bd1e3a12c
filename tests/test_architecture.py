"""The package's floors: every import runs downward or beside, never up, and never in a circle.

ARCHITECTURE.md draws the floors. Imports are read from the source (module level and inside
functions alike), so an import hidden in a function counts as much as one at the top.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "vaelearn"

FOUNDATION = {"errors", "files", "import_hooks", "backend", "display", "course", "randomness",
              "deprecation", "defaults", "validation", "memory"}
MACHINERY = {"exercises", "quiz", "records", "progress"}
CLASSROOM = {"classroom"}
# What each floor may import (itself included).
ALLOWED = {
    "foundation": {"foundation"},
    "library": {"foundation", "library"},
    "machinery": {"foundation", "library", "machinery"},
    "classroom": {"foundation", "library", "machinery", "classroom"},
}


def floor(module):
    """The floor of ``vaelearn.a.b`` by its first part; None for the package face."""
    parts = module.split(".")
    if parts == ["vaelearn"]:
        return None
    top = parts[1]
    if top in FOUNDATION:
        return "foundation"
    if top in MACHINERY:
        return "machinery"
    if top in CLASSROOM:
        return "classroom"
    return "library"


def module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path):
    """The vaelearn modules that ``path`` imports, anywhere in its code."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("vaelearn"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("vaelearn"):
                continue
            # `from . import x` names modules; `from .m import f` names a module's attribute.
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if _is_module(candidate) else target)
    return {_existing(m) for m in found} - {name}


def _is_module(name):
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _existing(name):
    """The longest prefix of ``name`` that is a module (``vaelearn.quiz.load`` -> ``vaelearn.quiz``)."""
    while not _is_module(name):
        name = name.rpartition(".")[0]
    return name


GRAPH = {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_the_graph_was_read():
    assert "vaelearn.models" in GRAPH and "vaelearn.networks" in GRAPH["vaelearn.models"]
    assert "vaelearn.exercises.engine" in GRAPH["vaelearn.exercises"]


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if floor(m)))
def test_imports_run_down_or_beside(module):
    upward = sorted(target for target in GRAPH[module]
                    if floor(target) is not None and floor(target) not in ALLOWED[floor(module)])
    assert not upward, f"{module} ({floor(module)}) imports {upward} from a higher floor"


def test_nothing_but_the_package_face_imports_it():
    importers = sorted(m for m, targets in GRAPH.items() if "vaelearn" in targets)
    assert importers == [], f"{importers} import the package face `vaelearn`; import the module"


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle():
    assert cycles(GRAPH) == []


def test_the_cycle_check_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_floor_check_finds_an_upward_import():
    assert "classroom" not in ALLOWED[floor("vaelearn.data")]
    assert "machinery" not in ALLOWED[floor("vaelearn.models")]
    assert floor("vaelearn.classroom.cli") == "classroom"
