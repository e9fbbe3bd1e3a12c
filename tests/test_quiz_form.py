"""The quiz as an HTML form for pages without a kernel: well-formed, labelled, escaped.

The script's behaviour is checked in Chromium: tests/browser/test_browser_quiz_form.py.
"""

import re
from html.parser import HTMLParser

import pytest

import vaelearn.quiz
from vaelearn.quiz.form import SCRIPT, STYLE, form_html, script_source
from vaelearn.quiz.grading import CORRECT, INCORRECT

VOID = {"input", "br", "hr", "img", "meta", "link"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children, self.text = [], ""

    def iter(self, tag=None):
        for child in self.children:
            if tag in (None, child.tag):
                yield child
            yield from child.iter(tag)

    def ancestors(self):
        element = self.parent
        while element is not None:
            yield element
            element = element.parent

    def all_text(self):
        return self.text + "".join(child.all_text() for child in self.children)


class TreeBuilder(HTMLParser):
    """The fragment as a tree of Elements; every end tag must close the element it names."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#root", {}, None)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        assert tag == self.current.tag, f"</{tag}> closes <{self.current.tag}>"
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.text += data


def parse(fragment):
    builder = TreeBuilder()
    builder.feed(fragment)
    builder.close()
    assert builder.current is builder.root, f"<{builder.current.tag}> is never closed"
    return builder.root


def check_form(quiz):
    """Assert the markup contract of ``form_html(quiz)``; return its parsed tree."""
    fragment = form_html(quiz)
    root = parse(fragment)
    assert "<script" not in fragment.lower()
    (form,) = root.children
    assert form.tag == "form" and form.attrs["class"] == "vaelearn-quiz-form mathjax_process"
    assert "novalidate" in form.attrs
    assert (form.attrs["data-quiz"], form.attrs["data-correct"], form.attrs["data-incorrect"]) == (
        quiz.name, CORRECT, INCORRECT)
    assert next(form.iter("h3")).all_text() == quiz.title
    elements = list(root.iter())
    assert not [(e.tag, a) for e in elements for a in e.attrs if a.startswith("on")], "inline handler"
    ids = [e.attrs["id"] for e in elements if "id" in e.attrs]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for element in elements:
        for reference in ("aria-describedby", "aria-controls"):
            if reference in element.attrs:
                assert element.attrs[reference] in ids
    assert all(b.attrs.get("type") == "button" for b in root.iter("button"))

    fieldsets = list(root.iter("fieldset"))
    assert len(fieldsets) == len(quiz.questions)
    names_seen = set()
    for number, (fieldset, question) in enumerate(zip(fieldsets, quiz.questions), 1):
        legend = fieldset.children[0]
        assert (legend.tag, legend.all_text()) == ("legend", f"Question {number}")
        data = fieldset.attrs
        assert (data["data-question"], data["data-type"]) == (question.id, question.type)
        prompt = next(e for e in fieldset.iter() if e.attrs.get("id") == data["aria-describedby"])
        assert "vaelearn-quiz-prompt" in prompt.attrs["class"]

        inputs = list(fieldset.iter("input"))
        for element in inputs:
            assert any(a.tag == "label" for a in element.ancestors()), "an input without a label"
        names = {i.attrs["name"] for i in inputs if "name" in i.attrs}
        assert not names & names_seen, "two questions share an input name"
        names_seen |= names
        if question.type == "numeric":
            assert [i.attrs["type"] for i in inputs] == ["text"]
            assert float(data["data-answer"]) == question.answer
            assert float(data["data-tolerance"]) == question.tolerance
        else:
            kind = "radio" if question.type == "single" else "checkbox"
            assert [i.attrs["type"] for i in inputs] == [kind] * len(question.choices)
            assert [i.attrs["value"] for i in inputs] == list(question.letters)
            assert len(names) == 1, "one group per question"
            labels = [i.parent.all_text().strip() for i in inputs]
            assert labels == list(question.labels())
            answer = question.answer if question.type == "single" else ",".join(question.answer)
            assert data["data-answer"] == answer

        buttons = [b.all_text() for b in fieldset.iter("button")]
        assert buttons == ["Check", *(["Hint"] if question.hint else []), "Show answer"]
        feedback = next(e for e in fieldset.iter("p") if e.attrs.get("class") == "vaelearn-quiz-feedback")
        assert (feedback.attrs["role"], feedback.attrs["aria-live"]) == ("status", "polite")
        explanation = next(e for e in fieldset.iter("div")
                           if e.attrs.get("class") == "vaelearn-quiz-explanation")
        assert "hidden" in explanation.attrs
        assert question.answer_text() in explanation.all_text()
    return root


@pytest.mark.parametrize("name", vaelearn.quiz.available())
def test_every_course_quiz_makes_a_well_formed_labelled_form(name):
    check_form(vaelearn.quiz.load(name))


def test_ids_stay_unique_on_a_page_of_every_quiz():
    page = "\n".join(form_html(vaelearn.quiz.load(name)) for name in vaelearn.quiz.available())
    elements = list(parse(page).iter())
    ids = [e.attrs["id"] for e in elements if "id" in e.attrs]
    names = [e.attrs["name"] for e in elements if e.attrs.get("type") == "radio"]
    assert len(ids) == len(set(ids))
    assert len(set(names)) == sum(q.type == "single" for n in vaelearn.quiz.available()
                                  for q in vaelearn.quiz.load(n).questions)


ODD = """\
title: 'Less <than> & "quotes"'
intro: Compare `a < b` & *c*.
questions:
  - id: pick
    type: single
    prompt: Which is <b>bold</b>?
    choices: ['<b>tag</b>', 'Tom & "Jerry"', "it's"]
    answer: B
    hint: Not <i>this</i>.
    explanation: Because & so.
  - id: many
    type: multiple
    prompt: All?
    choices: [x < y, y > x]
    answer: [A, B]
    explanation: Both.
  - id: half
    type: numeric
    prompt: Half of one?
    answer: 0.5
    tolerance: 0.01
    explanation: $1/2$.
"""


def test_quiz_text_is_escaped(quiz_folder):
    quiz_folder("odd name&1", ODD)
    quiz = vaelearn.quiz.load("odd name&1")
    root = check_form(quiz)
    fragment = form_html(quiz)
    assert not [e for e in root.iter() if e.tag in ("b", "i")], "quiz text became markup"
    assert "<h3>Less &lt;than&gt; &amp; &quot;quotes&quot;</h3>" in fragment
    assert "A. &lt;b&gt;tag&lt;/b&gt;" in fragment and "B. Tom &amp; &quot;Jerry&quot;" in fragment
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", e.attrs["id"]) for e in root.iter() if "id" in e.attrs)
    assert 'data-quiz="odd name&amp;1"' in fragment


def test_the_script_and_style_ship_beside_the_module():
    assert SCRIPT.name == "form.js" and SCRIPT.is_file()
    source = script_source()
    assert "vaelearn-quiz-form" in source and "typesetPromise" in source
    assert CORRECT not in source and INCORRECT not in source, "the markup carries the messages"
    assert not re.search(r"https?:|fetch\(|XMLHttpRequest|import\(", source), "the script must stay offline"


def _luminance(color):
    channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("state", ["is-correct", "is-incorrect"])
def test_feedback_colours_are_readable_on_white(state):
    (color,) = re.findall(rf"\.{state} {{ color: (#[0-9a-f]{{6}}); }}", STYLE)
    assert 1.05 / (_luminance(color) + 0.05) >= 4.5
