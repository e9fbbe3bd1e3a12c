"""The course as nbgrader assignments: ``vaelearn assignments DEST``.

Writes an nbgrader course folder: one assignment per lesson (``source/<notebook>/``), an
``nbgrader_config.py`` and ``points.yaml``, the points an instructor edits. In each lesson:

- an exercise's cell keeps the notebook's template and gains a solution region holding the
  reference solution (renamed as the notebook names the answer, with the imports it needs),
  which ``nbgrader generate_assignment`` removes from the student's version;
- its check becomes a locked, pointed test cell running the same judge, and a second test
  cell runs it on the hidden cases (``check(..., hidden=True)``: other inputs, another seed),
  in a hidden-tests region: removed from the release, restored at autograding. An exercise
  whose judge grades the notebook's own model or samples has no hidden cases, and all its
  points go to its check;
- the quiz becomes graded questions, their choices in an order of their own: the learner
  writes each answer into a variable, and a locked test cell holds the right answer in a
  hidden-tests region.

Points live in one place, ``DEST/points.yaml``, written on the first run and read on every
run; it also lists the lessons to write (remove one to leave it out). A file this command
wrote earlier is replaced by the new version only if nobody changed it, or with ``force``
(the changed one is first moved to ``DEST/backups/``).
"""

import ast
import copy
import dataclasses
import hashlib
import importlib.util
import inspect
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from ..course import EXERCISES_BY_NOTEBOOK, notebooks
from ..errors import UsageError
from ..files import atomic_write
from ..quiz.model import letter

__all__ = ["POINTS_FILE", "WrittenFile", "default_points", "lesson_to_assignment",
           "load_points", "write_assignments"]

POINTS_FILE = "points.yaml"
CONFIG_FILE = "nbgrader_config.py"
# What a solution region becomes in the student's version. Not nbgrader's default
# `raise NotImplementedError()`: the notebook's template above it already raises until the
# learner completes it, and a quiz answer is a variable to fill in.
CODE_STUB = "# YOUR ANSWER: complete the code above this line."
# The longest a cell may run when nbgrader executes a lesson; its default, 30 s, is shorter
# than the course's CPU training cells (up to about a minute on a laptop, more on a shared hub).
CELL_TIMEOUT_S = 600

_POINTS_SCHEMA = {
    "type": "object",
    "required": ["notebooks", "exercises", "quiz_points_per_question"],
    "additionalProperties": False,
    "properties": {
        "notebooks": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "exercises": {"type": "object", "additionalProperties": {
            "type": "object", "additionalProperties": False, "required": ["check"],
            "properties": {"check": {"type": "number", "minimum": 0},
                           "hidden": {"type": "number", "minimum": 0}}}},
        "quiz_points_per_question": {"type": "number", "minimum": 0},
    },
}
_POINTS_HEADER = """\
# Points of the graded course, read by `vaelearn assignments`: edit them, then run it again.
# notebooks: the lessons written as assignments (remove one to leave it out).
# exercises: the points of each exercise's check, and of its hidden test where it has one
#   (other inputs, another seed); 0 leaves a test ungraded.
# quiz_points_per_question: each quiz question's points (0: the quizzes are not graded).
"""


def _exercise(name):
    from ..exercises import get

    return get(name)


def default_points():
    """The points of every lesson's exercises and quiz questions, before an instructor's edits.

    Returns
    -------
    dict
        ``{"notebooks": [...], "exercises": {name: {"check": 1, "hidden": 1}},
        "quiz_points_per_question": 1}``; an exercise without hidden cases gets 2 points
        for its check.
    """
    exercises = {}
    for names in EXERCISES_BY_NOTEBOOK.values():
        for name in names:
            exercises[name] = {"check": 1, "hidden": 1} if _has_hidden_cases(name) else {"check": 2}
    return {"notebooks": [path.stem for path in notebooks()], "exercises": exercises,
            "quiz_points_per_question": 1}


def _has_hidden_cases(name):
    ex = _exercise(name)
    return ex.cases is not None or ex.judge_takes_seed


def load_points(path):
    """Read and check a points file.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    dict
        As :func:`default_points`.

    Raises
    ------
    UsageError
        When the file is not valid YAML, breaks the format, or names an unknown lesson or
        exercise: one line naming the file and the fix.
    """
    path = Path(path)
    fix = f"fix it, or delete it to get the default points back ({path})"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        where = getattr(e, "problem_mark", None)
        line = f" line {where.line + 1}" if where else ""
        raise UsageError(f"{path}{line} is not valid YAML: {fix}.") from None
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path} cannot be read ({e}): {fix}.") from None
    try:
        jsonschema.validate(data, _POINTS_SCHEMA)
    except jsonschema.ValidationError as e:
        where = "/".join(str(p) for p in e.absolute_path) or "the top level"
        raise UsageError(f"{path}: {where}: {e.message}; {fix}.") from None
    known = {path.stem for path in notebooks()}
    unknown = [n for n in data["notebooks"] if n not in known]
    unknown += [n for n in data["exercises"]
                if n not in {e for names in EXERCISES_BY_NOTEBOOK.values() for e in names}]
    if unknown:
        raise UsageError(f"{path} names {', '.join(map(repr, unknown))}, which the course does "
                         f"not have; {fix}.")
    return data


# --- one lesson -------------------------------------------------------------------------

def _cell(cell_type, source, nbgrader=None):
    cell = {"cell_type": cell_type, "metadata": {}, "source": source}
    if cell_type == "code":
        cell.update(execution_count=None, outputs=[])
    if nbgrader is not None:
        cell["metadata"]["nbgrader"] = {"schema_version": 3, "grade": False, "solution": False,
                                        "locked": False, **nbgrader}
    return cell


def _solution_cell(grade_id, source):
    return _cell("code", source, {"grade_id": grade_id, "solution": True})


def _test_cell(grade_id, source, points):
    return _cell("code", source, {"grade_id": grade_id, "grade": True, "locked": True,
                                  "points": points})


def _check_call(statement):
    """The ``check(name, answer, ...)`` call of a statement, or None."""
    call = statement.value if isinstance(statement, ast.Expr) else None
    if (isinstance(call, ast.Call) and getattr(call.func, "attr", getattr(call.func, "id", None))
            == "check" and call.args and isinstance(call.args[0], ast.Constant)):
        return call
    return None


def _reference_source(name, answer_name):
    """The reference solution of ``name`` as code for a notebook: its imports, then its
    definition renamed to ``answer_name``."""
    from ..exercises import reference_source

    reference = _exercise(name).reference
    module = inspect.getmodule(reference)
    module_tree = ast.parse(inspect.getsource(module))
    imports = {}
    for node in module_tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                imports[alias.asname or alias.name] = ast.unparse(ast.Import([alias]))
        elif isinstance(node, ast.ImportFrom):
            origin = importlib.util.resolve_name("." * node.level + (node.module or ""),
                                                 module.__package__)
            for alias in node.names:
                imports[alias.asname or alias.name] = ast.unparse(
                    ast.ImportFrom(origin, [alias], 0))
    code = reference_source(name)
    used = {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}
    needed = sorted({imports[n] for n in used if n in imports})
    code = re.sub(rf"^(def|class) {reference.__name__}\b", rf"\1 {answer_name}", code.rstrip())
    return "\n".join(needed) + ("\n\n" if needed else "") + code


def _with_hidden(call):
    hidden = copy.deepcopy(call)
    hidden.keywords.append(ast.keyword("hidden", ast.Constant(True)))
    return ast.unparse(hidden)


def _exercise_cells(cell, points):
    """The cells that replace a notebook cell holding an exercise's check."""
    source = "".join(cell["source"])
    tree = ast.parse(source)
    index, call = next((i, c) for i, s in enumerate(tree.body) if (c := _check_call(s)))
    name = call.args[0].value
    lines = source.splitlines()
    statement = tree.body[index]
    before = "\n".join(lines[:statement.lineno - 1]).strip("\n")
    after = "\n".join(lines[statement.end_lineno:]).strip("\n")
    answer = call.args[1].id if len(call.args) > 1 and isinstance(call.args[1], ast.Name) else None
    cells = []
    if before and "raise NotImplementedError" in before and answer:
        cells.append(_solution_cell(f"{name}-answer", before + "\n\n### BEGIN SOLUTION\n"
                                    + _reference_source(name, answer) + "\n### END SOLUTION"))
    elif before:
        cells.append(_cell("code", before))
    worth = points["exercises"].get(name, {"check": 0})
    check = ast.unparse(call)
    if worth["check"]:
        cells.append(_test_cell(f"{name}-check", (
            f"# Graded: the exercise {name!r}, {worth['check']:g} point(s). Do not edit this "
            f"cell: the grader restores it.\nresult = {check}\nassert result.passed, result\n"
            "result"), worth["check"]))
    else:
        cells.append(_cell("code", check))
    if worth.get("hidden") and _has_hidden_cases(name):
        cells.append(_test_cell(f"{name}-hidden", (
            f"# Graded: {name!r} on hidden cases, {worth['hidden']:g} point(s).\n"
            f"### BEGIN HIDDEN TESTS\nresult = {_with_hidden(call)}\n"
            "assert result.passed, result\n### END HIDDEN TESTS"), worth["hidden"]))
    if after:
        cells.append(_cell("code", after))
    return cells


_QUIZ_CALL = re.compile(r"^\s*(?:vl\.)?quiz\.load\(\s*[\"']([\w.-]+)[\"']\s*\)\s*$")
_HOW_TO_ANSWER = {"single": 'the letter of your choice, e.g. "B"',
                  "multiple": 'a list of letters, e.g. ["A", "C"]',
                  "numeric": "a number"}


def _answer_literal(question):
    return repr(list(question.answer) if question.type == "multiple" else question.answer)


def _shuffled(quiz_name, question):
    """``question`` with its choices in an order of its own (the same at every run), so that
    a choice's letter says nothing: most of the course's right answers come first."""
    if question.type == "numeric":
        return question
    order = list(range(len(question.choices)))
    random.Random(f"{quiz_name}/{question.id}").shuffle(order)
    new_letter = {question.letters[old]: letter(new) for new, old in enumerate(order)}
    answer = (tuple(sorted(new_letter[a] for a in question.answer))
              if question.type == "multiple" else new_letter[question.answer])
    return dataclasses.replace(question, choices=tuple(question.choices[i] for i in order),
                               answer=answer)


def _quiz_cells(quiz_name, per_question):
    """The graded questions that replace a lesson's quiz cell."""
    from ..quiz import load

    quiz = load(quiz_name)
    cells = [_cell("markdown", f"## Quiz: {quiz.title}\n\n{quiz.intro or ''}\n\nEach question is "
                               f"worth {per_question:g} point(s). Write each answer into the "
                               "variable under it; the grader checks them.".strip())]
    for number, question in enumerate(quiz.questions, 1):
        question = _shuffled(quiz_name, question)
        variable = "answer_" + re.sub(r"\W", "_", question.id)
        choices = "".join(f"\n- **{label}**" for label in question.labels())
        cells.append(_cell("markdown", f"**Question {number}.** {question.prompt}{choices}"))
        cells.append(_solution_cell(f"quiz-{question.id}-answer", (
            f"{variable} = None  # your answer: {_HOW_TO_ANSWER[question.type]}\n"
            f"### BEGIN SOLUTION\n{variable} = {_answer_literal(question)}\n### END SOLUTION")))
        key = (f"Question(id={question.id!r}, type={question.type!r}, prompt='', "
               f"choices={tuple(question.letters)!r}, answer={question.answer!r}, "
               f"explanation='', tolerance={question.tolerance!r})")
        cells.append(_test_cell(f"quiz-{question.id}", (
            f"# Graded: question {number}, {per_question:g} point(s).\n"
            f"assert {variable} is not None, 'Write your answer to question {number} in the "
            "cell above.'\n### BEGIN HIDDEN TESTS\nfrom vaelearn.quiz import Question\n"
            f"from vaelearn.quiz.grading import grade\nassert grade({key}, {variable}).correct\n"
            "### END HIDDEN TESTS"), per_question))
    return cells


def lesson_to_assignment(notebook, points):
    """A lesson as nbgrader's source notebook.

    Parameters
    ----------
    notebook : dict
        The lesson, as ``json.load`` reads an ``.ipynb``.
    points : dict
        As :func:`load_points` returns.

    Returns
    -------
    dict
        The source notebook: solution regions, locked test cells with points, hidden tests.
    """
    cells = []
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        quiz = _QUIZ_CALL.match(source) if cell["cell_type"] == "code" else None
        if quiz and points["quiz_points_per_question"]:
            cells += _quiz_cells(quiz.group(1), points["quiz_points_per_question"])
        elif cell["cell_type"] == "code" and any(
                _check_call(s) for s in ast.parse(source).body):
            cells += _exercise_cells(cell, points)
        else:
            cells.append(cell)
    return {**notebook, "cells": cells}


# --- the course folder --------------------------------------------------------------------

@dataclass(frozen=True)
class WrittenFile:
    """What happened to one file: ``action`` is "written" (new), "updated" (this command's
    earlier version replaced), "unchanged", "kept" (changed by someone, left alone),
    "replaced" (changed, replaced with ``force``; the changed one moved to ``backup``) or
    "read" (the points file, which is the instructor's)."""

    path: Path
    action: str
    backup: Path | None = None


def _config_text():
    return (f'"""nbgrader\'s settings for the vaelearn course, written by `vaelearn assignments`."""\n'
            "\nc = get_config()  # noqa: F821 (nbgrader defines it)\n"
            'c.CourseDirectory.course_id = "vaelearn"\n'
            "# The course's training cells run for up to a minute or two on a CPU; nbgrader's\n"
            "# default limit is 30 s per cell.\n"
            f"c.Execute.timeout = {CELL_TIMEOUT_S}\n"
            f"c.ClearSolutions.code_stub = {{'python': {CODE_STUB!r}}}\n")


def _write(dest, relative, text, *, force, written_before):
    """Write ``text`` to ``dest/relative`` unless someone changed the file there since this
    command wrote it (``written_before`` maps relative paths to the digests it wrote)."""
    path = dest / relative
    backup, action = None, "written"
    if path.exists():
        current = _digest(path.read_bytes())
        if current == _digest(text.encode()):
            return WrittenFile(path, "unchanged")
        if current == written_before.get(relative):
            action = "updated"
        elif not force:
            return WrittenFile(path, "kept")
        else:
            backup = dest / "backups" / relative
            number = 1
            while backup.exists():
                number += 1
                backup = dest / "backups" / f"{relative}.{number}"
            backup.parent.mkdir(parents=True, exist_ok=True)
            path.replace(backup)
            action = "replaced"
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, encoding="utf-8") as file:
        file.write(text)
    return WrittenFile(path, action, backup)


_MANIFEST = ".vaelearn-assignments.json"  # the digest of each file as this command wrote it


def _digest(data):
    return hashlib.sha256(data).hexdigest()


def write_assignments(dest, *, force=False):
    """Write the course's nbgrader folder into ``dest`` (created if needed).

    Parameters
    ----------
    dest : str or os.PathLike
        The course folder: nbgrader's ``source/``, ``nbgrader_config.py`` and ``points.yaml``
        go here.
    force : bool
        Replace files someone changed since this command wrote them, after moving each to
        ``dest/backups/``. ``points.yaml`` is never replaced: it is the instructor's.

    Returns
    -------
    list of WrittenFile
        The config, the points and one source notebook per lesson.
    """
    if not _solutions_installed():
        raise UsageError("this installation has no solutions (a graded one), so it cannot "
                         "write assignments: run `vaelearn assignments` from the instructor's "
                         "installation (pip install vaelearn, or the course's repository).")
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    manifest = dest / _MANIFEST
    try:
        written_before = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        written_before = {}
    results = []
    points_path = dest / POINTS_FILE
    if not points_path.exists():
        with atomic_write(points_path, encoding="utf-8") as file:
            file.write(_POINTS_HEADER + yaml.safe_dump(default_points(), sort_keys=False))
        results.append(WrittenFile(points_path, "written"))
    else:
        results.append(WrittenFile(points_path, "read"))
    points = load_points(points_path)
    texts = {CONFIG_FILE: _config_text()}
    for path in notebooks():
        if path.stem in points["notebooks"]:
            lesson = json.loads(path.read_text(encoding="utf-8"))
            texts[f"source/{path.stem}/{path.name}"] = json.dumps(
                lesson_to_assignment(lesson, points), indent=1, ensure_ascii=False) + "\n"
    for relative, text in texts.items():
        results.append(_write(dest, relative, text, force=force, written_before=written_before))
    ours = {r.path.relative_to(dest).as_posix(): _digest(r.path.read_bytes())
            for r in results[1:] if r.action != "kept"}
    with atomic_write(manifest, encoding="utf-8") as file:
        json.dump({**written_before, **ours}, file, indent=1)
    return results


def _solutions_installed():
    from ..exercises import engine

    return engine.solutions_installed()

