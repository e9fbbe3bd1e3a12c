"""The quiz forms of a static page (vaelearn.quiz.form), answered in Chromium with the keyboard
alone, offline, and graded as Python grades: no JupyterLab, no kernel.
"""

import pytest

import vaelearn.quiz
from vaelearn.quiz.form import STYLE, form_html, script_source
from vaelearn.quiz.grading import grade

pytestmark = pytest.mark.browser

MAX_PRESSES = 40
MARKS = {True: "\u2714", False: "\u2718"}
# A MathJax stand-in that records what it was asked to typeset, then fails: the page must
# neither depend on MathJax nor break when it does.
FAKE_MATHJAX = """window.typeset = [];
window.MathJax = {typesetPromise(elements) {
  window.typeset.push(...elements.map((element) => element.id));
  return Promise.reject(new Error("MathJax is not here"));
}};"""


def page_html(quizzes, *, script=True):
    forms = "\n".join(form_html(quiz) for quiz in quizzes)
    scripts = f"<script>{FAKE_MATHJAX}</script><script>{script_source()}</script>" if script else ""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Quizzes</title>'
            f"<style>{STYLE}</style></head><body><main>{forms}</main>{scripts}</body></html>")


@pytest.fixture
def open_page(browser):
    """``open_page(html) -> page``: an offline page that must raise no JavaScript error and
    request nothing."""
    context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors, requests = [], []
    page.on("pageerror", lambda error: errors.append(error))

    def refuse(route):
        requests.append(route.request.url)
        route.abort()

    page.route("**/*", refuse)

    def open_html(content):
        page.set_content(content)
        page.evaluate("window.sameDocument = true")  # gone if the form ever navigates
        return page

    yield open_html
    assert not errors, f"JavaScript errors: {errors}"
    assert not requests, f"the page requested {requests}"
    assert page.evaluate("window.sameDocument") is True, "the page navigated"
    context.close()


@pytest.fixture
def quiz_page(open_page):
    return open_page(page_html([vaelearn.quiz.load("eli5"), vaelearn.quiz.load("00_welcome")]))


def fieldset(page, quiz, question_id):
    return page.locator(f'form[data-quiz="{quiz}"] fieldset[data-question="{question_id}"]')


def focus_by_keyboard(page, target, key="Tab"):
    """Press ``key`` (Tab or Shift+Tab) until ``target`` has the focus."""
    for _ in range(MAX_PRESSES):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached {target}")


def expect_feedback(expect, box, question, response):
    """The feedback is Python's for the same response, after a mark that screen readers skip."""
    result = grade(question, response)
    feedback = box.locator(".vaelearn-quiz-feedback")
    expect(feedback).to_have_text(f"{MARKS[result.correct]} {result.feedback}")
    state = "is-correct" if result.correct else "is-incorrect"
    expect(feedback).to_have_class(f"vaelearn-quiz-feedback {state}")
    expect(feedback.locator('[aria-hidden="true"]')).to_have_text(MARKS[result.correct])


def test_single_choice_wrong_then_right(quiz_page, expect):
    question = vaelearn.quiz.load("eli5").question("goal")
    box = fieldset(quiz_page, "eli5", "goal")
    wrong, right = (box.get_by_role("radio", name=label, exact=True) for label in question.labels()[:2])
    check = box.get_by_role("button", name="Check", exact=True)
    show_answer = box.get_by_role("button", name="Show answer", exact=True)
    explanation = box.locator(".vaelearn-quiz-explanation")
    expect(show_answer).to_be_hidden()

    focus_by_keyboard(quiz_page, wrong)
    quiz_page.keyboard.press("Space")
    expect(wrong).to_be_checked()
    focus_by_keyboard(quiz_page, check)
    quiz_page.keyboard.press("Enter")
    expect_feedback(expect, box, question, "A")
    expect(explanation).to_be_hidden()
    expect(show_answer).to_be_visible()

    focus_by_keyboard(quiz_page, wrong, "Shift+Tab")  # the group's checked radio
    quiz_page.keyboard.press("ArrowDown")
    expect(right).to_be_checked()
    focus_by_keyboard(quiz_page, check)
    quiz_page.keyboard.press("Space")
    expect_feedback(expect, box, question, "B")
    expect(explanation).to_be_visible()
    expect(explanation).to_contain_text(question.explanation[:60])
    expect(box.locator(".vaelearn-quiz-answer")).to_be_hidden()
    expect(show_answer).to_be_hidden()


def test_multiple_choice_show_answer_then_right(quiz_page, expect):
    question = vaelearn.quiz.load("00_welcome").question("vae-parts")
    box = fieldset(quiz_page, "00_welcome", "vae-parts")
    boxes = [box.get_by_role("checkbox", name=label, exact=True) for label in question.labels()]
    check = box.get_by_role("button", name="Check", exact=True)
    show_answer = box.get_by_role("button", name="Show answer", exact=True)
    explanation = box.locator(".vaelearn-quiz-explanation")
    feedback = box.locator(".vaelearn-quiz-feedback")

    focus_by_keyboard(quiz_page, check)
    quiz_page.keyboard.press("Enter")
    expect(feedback).to_have_text("Choose an answer first.")
    expect(feedback).to_have_class("vaelearn-quiz-feedback")
    expect(show_answer).to_be_hidden()

    focus_by_keyboard(quiz_page, boxes[0], "Shift+Tab")
    quiz_page.keyboard.press("Space")
    focus_by_keyboard(quiz_page, check)
    quiz_page.keyboard.press("Enter")
    expect_feedback(expect, box, question, ["A"])
    expect(explanation).to_be_hidden()

    focus_by_keyboard(quiz_page, show_answer)
    quiz_page.keyboard.press("Enter")
    expect(explanation).to_be_visible()
    expect(explanation).to_be_focused()
    expect(explanation).to_contain_text(f"Answer: {question.answer_text()}")
    expect(explanation).to_contain_text(question.explanation[:60])
    expect(show_answer).to_be_hidden()
    explanation_id = explanation.get_attribute("id")
    assert explanation_id in quiz_page.evaluate("window.typeset")

    for target in boxes[1:3]:
        focus_by_keyboard(quiz_page, target, "Shift+Tab")
        quiz_page.keyboard.press("Space")
    expect(boxes[2]).to_be_checked()
    focus_by_keyboard(quiz_page, check)
    quiz_page.keyboard.press("Space")
    expect_feedback(expect, box, question, ["A", "B", "C"])
    expect(explanation).to_be_visible()
    expect(box.locator(".vaelearn-quiz-answer")).to_be_hidden()


def test_numeric_answer_and_hint(quiz_page, expect):
    question = vaelearn.quiz.load("00_welcome").question("encoder-outputs")
    box = fieldset(quiz_page, "00_welcome", "encoder-outputs")
    field = box.get_by_role("textbox", name="Your answer")
    hint_button = box.get_by_role("button", name="Hint", exact=True)
    hint = box.locator(".vaelearn-quiz-hint")
    explanation = box.locator(".vaelearn-quiz-explanation")
    show_answer = box.get_by_role("button", name="Show answer", exact=True)

    focus_by_keyboard(quiz_page, field)
    quiz_page.keyboard.type("four")
    quiz_page.keyboard.press("Enter")
    expect(box.locator(".vaelearn-quiz-feedback")).to_have_text("Type a number.")

    quiz_page.keyboard.press("Control+A")
    quiz_page.keyboard.type("5")
    quiz_page.keyboard.press("Enter")
    expect_feedback(expect, box, question, "5")
    expect(explanation).to_be_hidden()
    expect(show_answer).to_be_visible()

    quiz_page.keyboard.press("Control+A")
    quiz_page.keyboard.type(" 4.0 ")
    quiz_page.keyboard.press("Enter")
    expect_feedback(expect, box, question, " 4.0 ")
    expect(explanation).to_be_visible()
    expect(show_answer).to_be_hidden()

    expect(hint).to_be_hidden()
    focus_by_keyboard(quiz_page, hint_button)
    quiz_page.keyboard.press("Enter")
    expect(hint_button).to_have_attribute("aria-expanded", "true")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text(question.hint)
    quiz_page.keyboard.press("Enter")
    expect(hint_button).to_have_attribute("aria-expanded", "false")
    expect(hint).to_be_hidden()


PARITY = """\
title: Parity
questions:
  - id: near
    type: numeric
    prompt: Three tenths?
    answer: 0.3
    tolerance: 0.1
    explanation: Yes.
  - id: many
    type: multiple
    prompt: Which?
    choices: [a, b, c]
    answer: [A, C]
    explanation: Yes.
"""
# 0.4 is right only thanks to the rounding slack; 1e400 overflows to infinity.
NUMBERS = ["0.4", "0.2", "0.41", "0.19", " 3e-1 ", "+.3", "-0.3", "0,3", "", "inf", "nan", "1e400",
           "0x1", "3.", "abc"]
TICKS = [["A"], ["A", "C"], ["A", "B", "C"], ["C"], []]


def python_feedback(question, response):
    try:
        result = grade(question, response)
    except ValueError:
        return "Type a number." if question.type == "numeric" else "Choose an answer first."
    return f"{MARKS[result.correct]} {result.feedback}"


def test_the_script_grades_as_python_does(open_page, quiz_folder, expect):
    quiz = vaelearn.quiz.load(quiz_folder("parity", PARITY))
    page = open_page(page_html([quiz]))
    near, many = fieldset(page, "parity", "near"), fieldset(page, "parity", "many")
    for typed in NUMBERS:
        near.get_by_role("textbox").fill(typed)
        near.get_by_role("button", name="Check").click()
        expect(near.locator(".vaelearn-quiz-feedback")).to_have_text(
            python_feedback(quiz.question("near"), typed))
    for ticks in TICKS:
        for key, label in zip("ABC", quiz.question("many").labels()):
            many.get_by_role("checkbox", name=label).set_checked(key in ticks)
        many.get_by_role("button", name="Check").click()
        expect(many.locator(".vaelearn-quiz-feedback")).to_have_text(
            python_feedback(quiz.question("many"), ticks))


def test_a_script_loaded_late_or_twice_binds_once(open_page, expect):
    quiz = vaelearn.quiz.load("00_welcome")
    page = open_page(page_html([quiz], script=False))
    assert page.evaluate("document.readyState") == "complete"
    for _ in range(2):
        page.add_script_tag(content=script_source())
    box = fieldset(page, "00_welcome", "course-quizzes")
    hint_button = box.get_by_role("button", name="Hint", exact=True)
    focus_by_keyboard(page, hint_button)
    page.keyboard.press("Enter")  # bound twice, one press would open and close the hint
    expect(box.locator(".vaelearn-quiz-hint")).to_be_visible()
    expect(page.locator("form")).to_have_attribute("data-wired", "true")
