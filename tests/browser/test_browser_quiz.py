"""The ELI5 recap quiz, answered in JupyterLab with the mouse and with the keyboard alone."""

import re

import pytest

pytestmark = pytest.mark.browser

NOTEBOOK = "notebooks/17_eli5_recap.ipynb"

GOAL = "What is the primary goal of Variational Autoencoders (VAEs)?"
GOAL_WRONG = "A. Turning pictures into music."
GOAL_RIGHT = "B. Generating new data samples."
GOAL_EXPLANATION = "VAEs learn to generate new data samples"
GENERATION = "How does a VAE handle data generation?"
GENERATION_RIGHT = "B. By sampling from the learned latent space distribution."
MAX_TABS = 10


@pytest.fixture
def quiz(lab, page, expect):
    """The quiz widget, after running every cell of the ELI5 notebook."""
    lab.open(page, NOTEBOOK)
    quiz = page.locator(".vaelearn-quiz")
    expect(quiz).to_be_visible()
    return quiz


def question(quiz, prompt):
    return quiz.locator(".vaelearn-quiz-question").filter(has_text=prompt)


def answer(question_box, label):
    question_box.get_by_role("radio", name=label, exact=True).check()
    question_box.get_by_role("button", name="Check", exact=True).click()


def test_wrong_then_right_answer(lab, quiz, expect):
    attempts_before = len(lab.attempts())
    goal = question(quiz, GOAL)
    feedback = goal.locator(".vaelearn-quiz-feedback")
    explanation = goal.locator(".vaelearn-quiz-explanation")
    score = quiz.locator(".vaelearn-quiz-score")
    expect(score).to_contain_text(re.compile(r"Score: 0 / \d+"))
    expect(explanation).to_be_hidden()

    answer(goal, GOAL_WRONG)
    expect(feedback).to_contain_text("Not quite.")
    expect(explanation).to_be_hidden()

    answer(goal, GOAL_RIGHT)
    expect(feedback).to_contain_text("Correct!")
    expect(explanation).to_be_visible()
    expect(explanation).to_contain_text(GOAL_EXPLANATION)
    # The score counts first tries: the corrected question does not raise it ...
    expect(score).to_contain_text(re.compile(r"Score: 0 / \d+"))
    # ... a question answered right at once does.
    generation = question(quiz, GENERATION)
    answer(generation, GENERATION_RIGHT)
    expect(generation.locator(".vaelearn-quiz-feedback")).to_contain_text("Correct!")
    expect(score).to_contain_text(re.compile(r"Score: 1 / \d+"))

    recorded = [
        (a["quiz"], a["question"], a["response"], a["correct"]) for a in lab.attempts()[attempts_before:]
    ]
    assert recorded == [
        ("eli5", "goal", "A", False),
        ("eli5", "goal", "B", True),
        ("eli5", "generation", "B", True),
    ]


def press_tab_until_focused(page, target):
    for _ in range(MAX_TABS):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")


def test_keyboard_only(page, quiz, expect):
    goal = question(quiz, GOAL)
    right = goal.get_by_role("radio", name=GOAL_RIGHT, exact=True)
    check = goal.get_by_role("button", name="Check", exact=True)
    # Start from the question text, as a reader who has just read it.
    goal.get_by_text(GOAL).click()

    press_tab_until_focused(page, right)
    expect(right).to_be_focused()
    page.keyboard.press("Space")
    expect(right).to_be_checked()

    press_tab_until_focused(page, check)
    expect(check).to_be_focused()
    page.keyboard.press("Enter")
    expect(goal.locator(".vaelearn-quiz-feedback")).to_contain_text("Correct!")
