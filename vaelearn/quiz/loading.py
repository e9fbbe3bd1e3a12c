"""Find, parse and validate quiz files.

A quiz is one YAML file in the quiz directory (:func:`vaelearn.course.quiz_dir`: the
course's quizzes inside the installed package, ``quizzes/`` in a checkout, or
``$VAELEARN_QUIZ_DIR``). Its format is the JSON Schema shipped as
``vaelearn/quiz/schema.json``; what the schema cannot express (answers within
the choices, unique ids) is checked here.

Quiz files are UTF-8 (or UTF-16 with a byte-order mark). Parsing is bounded: a file
over ``MAX_QUIZ_BYTES``, or whose YAML aliases would expand to more than
``MAX_YAML_NODES`` values (a "billion laughs" file), is refused with QuizFormatError
before anything is built from it.
"""

import json
import sys
from functools import lru_cache
from pathlib import Path

import yaml

from ..course import quiz_dir
from ..errors import QuizFormatError
from .model import Question, Quiz, letter

__all__ = ["MAX_QUIZ_BYTES", "MAX_YAML_NODES", "available", "load"]

_SCHEMA_PATH = Path(__file__).with_name("schema.json")
MAX_QUIZ_BYTES = 1 << 20  # the course's quizzes are under 10 KB
MAX_YAML_NODES = 100_000


def available():
    """Return the sorted names of the quizzes in :func:`quiz_dir`."""
    return sorted(path.stem for path in quiz_dir().glob("*.yaml"))


def load(name_or_path):
    """Load and validate a quiz.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A quiz name such as ``"eli5"`` (looked up as ``<quiz_dir>/eli5.yaml``)
        or the path of a ``.yaml``/``.yml`` file.

    Returns
    -------
    Quiz

    Raises
    ------
    FileNotFoundError
        No such quiz; the message lists the available ones.
    QuizFormatError
        The file is not a valid quiz.
    """
    path = _resolve(name_or_path)
    if path.is_dir():
        raise QuizFormatError(path, None, "is a folder, not a quiz file: give the path of a .yaml file")
    try:
        with open(path, "rb") as file:
            raw = file.read(MAX_QUIZ_BYTES + 1)
    except FileNotFoundError:
        from ..exercises.engine import solutions_installed

        names = available()
        if names:
            fix = f"available: {', '.join(names)}"
        elif not solutions_installed():
            fix = ("this is a graded installation, which holds no answers: the quizzes are "
                   "graded questions in your assignment notebooks")
        else:
            fix = (f"{quiz_dir()} holds no quizzes: reinstall vaelearn "
                   "(pip install --force-reinstall vaelearn) or set VAELEARN_QUIZ_DIR")
        raise FileNotFoundError(f"no quiz {str(name_or_path)!r} (looked for {path}); {fix}") from None
    except OSError as exc:
        raise QuizFormatError(path, None, f"cannot be read ({exc.strerror or exc})") from exc
    if len(raw) > MAX_QUIZ_BYTES:
        raise QuizFormatError(path, None, f"is larger than {MAX_QUIZ_BYTES // 1024} KiB, far more "
                                          "than a quiz needs: is it the right file?")
    data = _parse_yaml(path, raw)
    _validate(path, data)
    questions = tuple(_question(entry) for entry in data["questions"])
    return Quiz(
        name=path.stem,
        title=data["title"],
        intro=data.get("intro", ""),
        questions=questions,
        path=path,
    )


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader; :func:`_parse_yaml` bounds what its aliases expand to."""


def _parse_yaml(path, raw):
    """The YAML document in ``raw`` (bytes), once its expanded size is known to be small."""
    loader = None
    try:
        loader = _BoundedLoader(raw)  # reads the first bytes: may raise ReaderError
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expanded_size(path, node)
        return loader.construct_document(node)
    except yaml.reader.ReaderError as exc:
        if exc.encoding == "unicode":  # a control character, not an encoding problem
            raise QuizFormatError(path, None, f"invalid YAML: {_one_line(exc)}") from exc
        raise QuizFormatError(path, None, f"is not UTF-8 text (byte {exc.position}: {exc.reason}); "
                                          "save it as UTF-8") from exc
    except yaml.YAMLError as exc:
        raise QuizFormatError(path, None, f"invalid YAML: {_one_line(exc)}") from exc
    except RecursionError:
        raise QuizFormatError(path, None, "invalid YAML: nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()


def _one_line(error):
    return " ".join(str(error).split())


def _check_expanded_size(path, root):
    """Raise QuizFormatError if the document, aliases expanded, has over MAX_YAML_NODES values.

    Aliases make a node shared, so its size is counted once per use but computed once.
    """
    sizes, ancestors, stack = {}, set(), [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            ancestors.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_YAML_NODES:
                raise QuizFormatError(path, None, f"its YAML aliases expand to more than "
                                                  f"{MAX_YAML_NODES:,} values; write the quiz out plainly")
        elif key not in sizes:
            if key in ancestors:
                raise QuizFormatError(path, None, "a YAML alias refers to a value that contains it")
            ancestors.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))


def _children(node):
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _resolve(name_or_path):
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
        return path
    return quiz_dir() / f"{path}.yaml"


def _question(entry):
    answer = entry["answer"]
    if entry["type"] == "multiple":
        answer = tuple(sorted(answer))
    elif entry["type"] == "numeric":
        answer = float(answer)
    return Question(
        id=entry["id"],
        type=entry["type"],
        prompt=entry["prompt"],
        choices=tuple(entry.get("choices", ())),
        answer=answer,
        explanation=entry["explanation"],
        tolerance=entry.get("tolerance"),
        hint=entry.get("hint"),
    )


@lru_cache(maxsize=1)
def _validator():
    # jsonschema is imported here, not at module level, and without its IRI format checker:
    # where Jupyter installed `rfc3987_syntax` (jsonschema's format-nongpl extra), importing
    # the checker builds a grammar, about 0.9 s in every kernel that loads a quiz. The quiz
    # schema checks no formats; a module set to None in sys.modules raises ImportError when
    # imported, which jsonschema catches.
    hidden = "rfc3987_syntax" not in sys.modules
    if hidden:
        sys.modules["rfc3987_syntax"] = None
    try:
        import jsonschema
    finally:
        if hidden:
            del sys.modules["rfc3987_syntax"]

    schema = json.loads(_SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _validate(path, data):
    if not isinstance(data, dict):
        raise QuizFormatError(path, None, "the file must be a YAML mapping with 'title' and 'questions'")
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        raise _format_error(path, data, errors[0])
    _check_semantics(path, data["questions"])


def _format_error(path, data, error):
    location = list(error.absolute_path)
    if len(location) < 2 or location[0] != "questions":
        field = ".".join(map(str, location))
        return QuizFormatError(path, None, f"{field + ': ' if field else ''}{error.message}")
    index, field = location[1], ".".join(map(str, location[2:]))
    entry = data["questions"][index]
    if error.validator == "not" and "required" in error.validator_value:
        # The schema forbids a field as `"not": {"required": [field]}`.
        (forbidden,) = error.validator_value["required"]
        problem = f"'{forbidden}' is not allowed in a {entry.get('type')} question"
    else:
        problem = f"{field + ': ' if field else ''}{error.message}"
    return QuizFormatError(path, _question_label(entry, index), problem)


def _question_label(entry, index):
    qid = entry.get("id") if isinstance(entry, dict) else None
    return qid if isinstance(qid, str) and qid else f"#{index + 1}"


def _check_semantics(path, questions):
    seen = set()
    for entry in questions:
        qid = entry["id"]
        if qid in seen:
            raise QuizFormatError(path, qid, "duplicate question id")
        seen.add(qid)
        if entry["type"] == "numeric":
            continue
        valid = [letter(i) for i in range(len(entry["choices"]))]
        answers = entry["answer"] if entry["type"] == "multiple" else [entry["answer"]]
        for answer in answers:
            if answer not in valid:
                raise QuizFormatError(
                    path, qid, f"answer {answer!r} is out of range: the choices are {valid[0]}-{valid[-1]}"
                )
