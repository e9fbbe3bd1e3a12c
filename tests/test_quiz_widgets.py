"""The quiz widgets, driven without a browser: set values, click buttons, read HTML."""

import ipywidgets as widgets
import pytest

import vaelearn.quiz
from vaelearn import records


def descendants(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from descendants(child)


def find(root, kind, description=None, css=None):
    """All widgets of type ``kind`` under ``root`` (optionally by description or CSS class)."""
    return [
        w
        for w in descendants(root)
        if type(w) is kind
        and (description is None or w.description == description)
        and (css is None or css in w._dom_classes)
    ]


def one(root, kind, **criteria):
    (widget,) = find(root, kind, **criteria)
    return widget


def parts(question_box):
    """The widgets a learner (and a test) works with in one question box."""
    return {
        "check": one(question_box, widgets.Button, description="Check"),
        "feedback": one(question_box, widgets.HTML, css="vaelearn-quiz-feedback"),
        "explanation": one(question_box, widgets.HTMLMath, css="vaelearn-quiz-explanation"),
        "show_answer": one(question_box, widgets.Button, description="Show answer"),
    }


def visible(widget):
    return widget.layout.display != "none"


@pytest.fixture
def eli5():
    quiz = vaelearn.quiz.load("eli5")
    return quiz, quiz.show()


def questions(box):
    return find(box, widgets.VBox, css="vaelearn-quiz-question")


def test_layout_and_css_classes(eli5):
    quiz, box = eli5
    assert "vaelearn-quiz" in box._dom_classes
    assert len(questions(box)) == 3
    first = questions(box)[0]
    radios = one(first, widgets.RadioButtons)
    assert radios.value is None and radios.index is None
    assert [label for label, _ in radios.options] == [
        "A. Turning pictures into music.",
        "B. Generating new data samples.",
        "C. Finding hidden treasure.",
    ]
    assert "What is the primary goal" in first.children[0].value
    assert isinstance(first.children[0], widgets.HTMLMath)
    assert one(box, widgets.HTML, css="vaelearn-quiz-score").value.count("Score: 0 / 3") == 1
    assert not find(box, widgets.Output)


def test_correct_answer_shows_feedback_explanation_and_score(eli5):
    quiz, box = eli5
    first = questions(box)[0]
    p = parts(first)
    score = one(box, widgets.HTML, css="vaelearn-quiz-score")
    assert not visible(p["explanation"]) and p["explanation"].value == ""

    one(first, widgets.RadioButtons).value = "B"
    p["check"].click()

    assert "Correct!" in p["feedback"].value
    assert visible(p["explanation"]) and "sampling from the learned distribution" in p["explanation"].value
    assert "Score: 1 / 3" in score.value
    assert [a.correct for a in records.attempts()] == [True]


def test_wrong_answer_keeps_explanation_hidden_until_show_answer(eli5):
    quiz, box = eli5
    first = questions(box)[0]
    p = parts(first)
    assert not visible(p["show_answer"])

    one(first, widgets.RadioButtons).value = "A"
    p["check"].click()

    assert "Not quite. Try again." in p["feedback"].value and "Correct!" not in p["feedback"].value
    assert not visible(p["explanation"]) and p["explanation"].value == ""
    assert visible(p["show_answer"])
    assert "Score: 0 / 3" in one(box, widgets.HTML, css="vaelearn-quiz-score").value

    p["show_answer"].click()
    assert visible(p["explanation"]) and "Generating new data samples." in p["explanation"].value
    assert not visible(p["show_answer"])


def test_retry_after_wrong_answer_does_not_raise_the_first_try_score(eli5):
    quiz, box = eli5
    first = questions(box)[0]
    p = parts(first)
    radios = one(first, widgets.RadioButtons)
    radios.value = "C"
    p["check"].click()
    radios.value = "B"
    p["check"].click()
    assert "Correct!" in p["feedback"].value and visible(p["explanation"])
    assert "Score: 0 / 3" in one(box, widgets.HTML, css="vaelearn-quiz-score").value
    assert [a.response for a in records.attempts()] == ["C", "B"]


def test_check_without_a_choice_asks_for_one_and_records_nothing(eli5):
    quiz, box = eli5
    p = parts(questions(box)[0])
    p["check"].click()
    assert "Choose an answer first." in p["feedback"].value
    assert records.attempts() == []


def test_multiple_numeric_and_hint_widgets():
    box = vaelearn.quiz.load("00_welcome").show()
    single, multiple, numeric = questions(box)

    hint = one(single, widgets.HTMLMath, css="vaelearn-quiz-hint")
    assert not visible(hint) and hint.value == ""
    one(single, widgets.Button, description="Hint").click()
    assert visible(hint) and "You are doing it right now." in hint.value

    checkboxes = find(multiple, widgets.Checkbox)
    assert [c.description for c in checkboxes][-1] == "D. A discriminator"
    for checkbox in checkboxes[:2]:
        checkbox.value = True
    parts(multiple)["check"].click()
    assert "Not quite." in parts(multiple)["feedback"].value
    checkboxes[2].value = True
    parts(multiple)["check"].click()
    assert "Correct!" in parts(multiple)["feedback"].value

    one(numeric, widgets.FloatText).value = 4
    parts(numeric)["check"].click()
    assert "Correct!" in parts(numeric)["feedback"].value
    assert "$2 \\times 2 = 4$" in parts(numeric)["explanation"].value
    assert "Score: 1 / 3" in one(box, widgets.HTML, css="vaelearn-quiz-score").value
    assert not find(multiple, widgets.Button, description="Hint")


def test_instructor_view_reveals_every_answer():
    box = vaelearn.quiz.load("eli5").show(answers=True)
    for question_box in questions(box):
        explanation = parts(question_box)["explanation"]
        assert visible(explanation) and "Answer:" in explanation.value
    assert "A. Mode Collapse" in parts(questions(box)[2])["explanation"].value


def test_mimebundle_outside_a_kernel_is_text_and_html_only():
    bundle = vaelearn.quiz.load("eli5")._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}


def test_mimebundle_in_a_kernel_adds_the_widget_view(monkeypatch):
    from vaelearn import display
    from vaelearn.quiz import model

    shown = []
    original_show = model.Quiz.show
    monkeypatch.setattr(display, "in_kernel", lambda: True)
    monkeypatch.setattr(model.Quiz, "show", lambda self, **kw: shown.append(original_show(self, **kw)) or shown[-1])
    bundle = vaelearn.quiz.load("eli5")._repr_mimebundle_()
    (widget,) = shown
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == widget.model_id
    assert "vaelearn-quiz" in widget._dom_classes
    assert bundle["text/plain"].startswith("Test time: the ELI5 check")
    assert bundle[model.MIME_TYPE] == {"name": "eli5"}  # where the course's website puts its form
