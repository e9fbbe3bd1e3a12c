"""Static renderings: plain text without answers, HTML export, answer key, Markdown."""

import re

import pytest

import vaelearn.quiz
from vaelearn.quiz.markup import markdown_to_html


@pytest.fixture(params=["eli5", "00_welcome"])
def quiz(request):
    return vaelearn.quiz.load(request.param)


def test_plain_text_shows_questions_and_choices_but_no_answers(quiz):
    text = quiz._repr_mimebundle_()["text/plain"]
    assert text == str(quiz) == quiz.to_text()
    for question in quiz.questions:
        assert question.id in text
        assert all(label in text for label in question.labels())
        assert question.explanation.split(".")[0] not in text
        if question.hint:
            assert question.hint not in text
    assert "Answer:" not in text and "Explanation" not in text
    assert not re.search(r"0x[0-9a-f]{6,}", text), "memory address in the repr"


def test_plain_text_of_numeric_question_hides_the_number():
    text = vaelearn.quiz.load("00_welcome").to_text()
    numeric_part = text[text.index("[encoder-outputs]"):]
    assert "4" not in numeric_part.replace("quiz.check", "")


def test_static_html_folds_answers_into_details(quiz):
    page = quiz._repr_mimebundle_()["text/html"]
    for question in quiz.questions:
        details = re.findall(r"<details><summary>Show answer</summary>(.*?)</details>", page, re.S)
        assert any(question.answer_text() in d for d in details)
    outside = re.sub(r"<details>.*?</details>", "", page, flags=re.S)
    assert "Answer:" not in outside
    assert all(q.explanation[:40] not in outside for q in quiz.questions)


def test_answer_key_lists_every_answer_and_explanation():
    key = vaelearn.quiz.load("eli5").answer_key()
    assert key.startswith("# Answer key: Test time: the ELI5 check")
    assert "**Answer:** B. Generating new data samples." in key
    assert "**Answer:** B. By sampling from the learned latent space distribution." in key
    assert "**Answer:** A. Mode Collapse" in key
    assert key.count("**Explanation:**") == 3


def test_answer_key_shows_numeric_tolerance_only_when_there_is_one():
    from vaelearn.quiz.model import Question

    loose = Question("n", "numeric", "?", (), 0.5, "e", tolerance=0.05)
    assert loose.answer_text() == "0.5 (accepted within ±0.05)"
    assert "**Answer:** 4\n" in vaelearn.quiz.load("00_welcome").answer_key()


def test_repr_is_short_and_deterministic():
    assert repr(vaelearn.quiz.load("eli5")) == "<Quiz 'eli5': 'Test time: the ELI5 check', 3 questions>"


@pytest.mark.parametrize(
    "source, expected",
    [
        ("plain", "<p>plain</p>"),
        ("**bold** and *it* and `x<y`", "<p><strong>bold</strong> and <em>it</em> and <code>x&lt;y</code></p>"),
        ("one\ntwo\n\nthree", "<p>one two</p>\n<p>three</p>"),
        ("- a\n- **b**", "<ul><li>a</li><li><strong>b</strong></li></ul>"),
        ("$a*b*c$ and $$x_1 * y_2$$", "<p>$a*b*c$ and $$x_1 * y_2$$</p>"),
        ("if $a < b$ then <script>", "<p>if $a &lt; b$ then &lt;script&gt;</p>"),
        ("2 * 3 * 4", "<p>2 * 3 * 4</p>"),
    ],
)
def test_markdown_subset(source, expected):
    assert markdown_to_html(source) == expected
