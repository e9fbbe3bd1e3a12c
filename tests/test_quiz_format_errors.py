"""Each kind of malformed quiz file raises QuizFormatError naming file, question and problem."""

import pytest
import yaml

from vaelearn.quiz import QuizFormatError, load

GOOD_QUESTION = {
    "id": "q1",
    "type": "single",
    "prompt": "Pick B.",
    "choices": ["no", "yes", "no"],
    "answer": "B",
    "explanation": "B it is.",
}
NUMERIC_QUESTION = {
    "id": "n1",
    "type": "numeric",
    "prompt": "2 + 2?",
    "answer": 4,
    "tolerance": 0,
    "explanation": "Four.",
}


def quiz_with(*questions, **top):
    return yaml.safe_dump({"title": "Broken", **top, "questions": list(questions)})


def changed(question, **changes):
    """``question`` with fields replaced; a value of None removes the field."""
    result = {**question, **changes}
    return {key: value for key, value in result.items() if value is not None}


CASES = {
    "bad YAML": ("title: [unclosed\nquestions: x", None, "invalid YAML"),
    "not a mapping": ("- just\n- a list\n", None, "YAML mapping"),
    "missing title": (yaml.safe_dump({"questions": [GOOD_QUESTION]}), None, "'title' is a required property"),
    "no questions": (quiz_with(), None, "questions"),
    "unknown top-level field": (quiz_with(GOOD_QUESTION, outro="bye"), None, "'outro' was unexpected"),
    "missing answer": (quiz_with(changed(GOOD_QUESTION, answer=None)), "q1", "'answer' is a required property"),
    "answer out of range": (quiz_with(changed(GOOD_QUESTION, answer="D")), "q1", "out of range"),
    "answer not a letter": (quiz_with(changed(GOOD_QUESTION, answer=1)), "q1", "answer: 1 is not of type 'string'"),
    "multiple answer out of range": (
        quiz_with(changed(GOOD_QUESTION, type="multiple", answer=["A", "Z"])),
        "q1",
        "'Z' is out of range",
    ),
    "multiple answer repeated": (
        quiz_with(changed(GOOD_QUESTION, type="multiple", answer=["A", "A"])),
        "q1",
        "non-unique",
    ),
    "duplicate id": (quiz_with(GOOD_QUESTION, changed(GOOD_QUESTION, prompt="Again?")), "q1", "duplicate question id"),
    "unknown type": (quiz_with(changed(GOOD_QUESTION, type="essay")), "q1", "'essay' is not one of"),
    "choices missing": (quiz_with(changed(GOOD_QUESTION, choices=None)), "q1", "'choices' is a required property"),
    "numeric without tolerance": (
        quiz_with(changed(NUMERIC_QUESTION, tolerance=None)),
        "n1",
        "'tolerance' is a required property",
    ),
    "numeric answer not a number": (quiz_with(changed(NUMERIC_QUESTION, answer="four")), "n1", "not of type 'number'"),
    "numeric with choices": (
        quiz_with(changed(NUMERIC_QUESTION, choices=["3", "4"])),
        "n1",
        "'choices' is not allowed in a numeric question",
    ),
    "tolerance on a single question": (
        quiz_with(changed(GOOD_QUESTION, tolerance=0.1)),
        "q1",
        "'tolerance' is not allowed in a single question",
    ),
    "negative tolerance": (quiz_with(changed(NUMERIC_QUESTION, tolerance=-1)), "n1", "minimum of 0"),
    "misspelt field": (quiz_with(changed(GOOD_QUESTION, explanation=None, explantion="x")), "q1", "explan"),
    "question without id": (quiz_with(GOOD_QUESTION, changed(GOOD_QUESTION, id=None)), "#2", "'id'"),
}


@pytest.mark.parametrize("text, question_id, problem", CASES.values(), ids=CASES.keys())
def test_malformed_quiz_raises_quiz_format_error(tmp_path, text, question_id, problem):
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(QuizFormatError) as info:
        load(path)
    error = info.value
    assert isinstance(error, ValueError)
    assert error.path == path and str(path) in str(error)
    assert error.question_id == question_id
    if question_id is not None:
        assert f"question '{question_id}'" in str(error)
    assert problem in error.problem


def test_the_well_formed_base_questions_load(tmp_path):
    # Guards the cases above: each must fail because of its one change only.
    path = tmp_path / "fine.yaml"
    path.write_text(quiz_with(GOOD_QUESTION, NUMERIC_QUESTION))
    assert [q.id for q in load(path).questions] == ["q1", "n1"]


def test_yaml_tags_are_not_executed(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("title: !!python/object/apply:os.system ['echo pwned']\nquestions: []\n")
    with pytest.raises(QuizFormatError, match="invalid YAML"):
        load(path)
