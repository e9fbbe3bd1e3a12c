"""Find, parse and validate quiz files.

A quiz is one YAML file in the quiz directory (:func:`vaelearn.course.quiz_dir`: the
course's quizzes inside the installed package, ``quizzes/`` in a checkout, or
``$VAELEARN_QUIZ_DIR``). Its format is the JSON Schema shipped as
``vaelearn/quiz/schema.json``; what the schema cannot express (answers within
the choices, unique ids) is checked here.
"""

import json
from functools import lru_cache
from pathlib import Path

import yaml

from ..course import quiz_dir
from ..errors import VaelearnError
from .model import Question, Quiz, letter

__all__ = ["QuizFormatError", "available", "load", "quiz_dir"]

_SCHEMA_PATH = Path(__file__).with_name("schema.json")


class QuizFormatError(VaelearnError, ValueError):
    """A quiz file is malformed.

    Attributes
    ----------
    path : pathlib.Path
        The offending file.
    question_id : str or None
        The question at fault (``"#3"`` for a question without a usable id),
        or None when the problem is outside the questions.
    problem : str
        What is wrong.
    """

    def __init__(self, path, question_id, problem):
        self.path = Path(path)
        self.question_id = question_id
        self.problem = problem
        where = f"question '{question_id}': " if question_id is not None else ""
        super().__init__(f"{self.path}: {where}{problem}")


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
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        names = available()
        fix = (f"available: {', '.join(names)}" if names else
               f"{quiz_dir()} holds no quizzes: reinstall vaelearn "
               "(pip install --force-reinstall vaelearn) or set VAELEARN_QUIZ_DIR")
        raise FileNotFoundError(f"no quiz {str(name_or_path)!r} (looked for {path}); {fix}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise QuizFormatError(path, None, f"invalid YAML: {exc}") from exc
    _validate(path, data)
    questions = tuple(_question(entry) for entry in data["questions"])
    return Quiz(
        name=path.stem,
        title=data["title"],
        intro=data.get("intro", ""),
        questions=questions,
        path=path,
    )


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
    # jsonschema is imported here, not at module level: with the optional
    # format checkers that Jupyter installs it takes ~0.7 s to import, and
    # `import vaelearn.quiz` must stay instant.
    import jsonschema

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
