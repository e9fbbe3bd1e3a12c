"""Interactive quiz widgets (ipywidgets), built on :meth:`Quiz.check`.

Layout, with the CSS classes that tests and styles may rely on::

    VBox .vaelearn-quiz
      HTMLMath              title and intro
      VBox .vaelearn-quiz-question          (one per question)
        HTMLMath            "Question n" and the prompt
        RadioButtons        single: "A. text" labels, nothing selected at first
        | VBox of Checkbox  multiple
        | FloatText         numeric
        HBox                Button "Check", Button "Hint" (if any),
                            Button "Show answer" (appears after a wrong answer)
        HTML .vaelearn-quiz-feedback      "Correct!" / "Not quite. Try again."
        HTMLMath .vaelearn-quiz-hint      hidden until "Hint"
        HTMLMath .vaelearn-quiz-explanation  empty and hidden until answered
      HTML .vaelearn-quiz-score           "Score: k / n"

Feedback is set as widget values, never printed: printed output would reach
nbval as unexpected ``stdout``.
"""

import html

import ipywidgets as widgets

from .markup import markdown_to_html

__all__ = ["quiz_widget"]

_HIDDEN = "none"
_COLORS = {"correct": "#1a7f37", "incorrect": "#9a4a00", "info": "#444444"}
_SYMBOLS = {"correct": "\u2714 ", "incorrect": "\u2718 ", "info": ""}


def quiz_widget(quiz, *, answers=False):
    """Build the interactive widget for ``quiz``.

    Parameters
    ----------
    quiz : Quiz
    answers : bool, default=False
        Reveal every answer and explanation from the start (instructor view).

    Returns
    -------
    ipywidgets.VBox
    """
    score = widgets.HTML(value=_score_html(quiz)).add_class("vaelearn-quiz-score")

    def update_score():
        score.value = _score_html(quiz)

    header = widgets.HTMLMath(value=f"<h3>{html.escape(quiz.title)}</h3>" + markdown_to_html(quiz.intro))
    views = [
        _QuestionView(quiz, number, question, update_score, reveal=answers)
        for number, question in enumerate(quiz.questions, 1)
    ]
    return widgets.VBox([header, *(view.box for view in views), score]).add_class("vaelearn-quiz")


class _QuestionView:
    """The widgets of one question and their callbacks."""

    def __init__(self, quiz, number, question, on_checked, reveal):
        self.quiz = quiz
        self.question = question
        self.on_checked = on_checked
        self.input, self.read_response = _INPUTS[question.type](question)

        prompt = widgets.HTMLMath(
            value=f"<p><strong>Question {number}</strong></p>" + markdown_to_html(question.prompt)
        )
        check = widgets.Button(description="Check", button_style="primary", tooltip="Check your answer")
        check.on_click(self.check)
        self.answer_button = widgets.Button(description="Show answer", layout=widgets.Layout(display=_HIDDEN))
        self.answer_button.on_click(lambda _: self.reveal(with_answer=True))
        self.feedback = widgets.HTML().add_class("vaelearn-quiz-feedback")
        self.hint = widgets.HTMLMath(layout=widgets.Layout(display=_HIDDEN)).add_class("vaelearn-quiz-hint")
        self.explanation = widgets.HTMLMath(layout=widgets.Layout(display=_HIDDEN)).add_class(
            "vaelearn-quiz-explanation"
        )

        buttons = [check]
        if question.hint:
            hint_button = widgets.Button(description="Hint", tooltip="Show a hint")
            hint_button.on_click(self.show_hint)
            buttons.append(hint_button)
        buttons.append(self.answer_button)
        self.box = widgets.VBox(
            [prompt, self.input, widgets.HBox(buttons), self.feedback, self.hint, self.explanation]
        ).add_class("vaelearn-quiz-question")
        if reveal:
            self.reveal(with_answer=True)

    def check(self, _button=None):
        """Grade the current input, show feedback, update the score."""
        response = self.read_response()
        if response is None or response == []:
            self.feedback.value = _message("info", "Choose an answer first.")
            return
        result = self.quiz.check(self.question.id, response)
        self.feedback.value = _message("correct" if result.correct else "incorrect", result.feedback)
        if result.correct:
            self.reveal(with_answer=False)
        elif self.explanation.layout.display == _HIDDEN:
            self.answer_button.layout.display = None
        self.on_checked()

    def show_hint(self, _button=None):
        """Reveal the hint."""
        self.hint.value = markdown_to_html(f"**Hint:** {self.question.hint}")
        self.hint.layout.display = None

    def reveal(self, with_answer):
        """Show the explanation, preceded by the correct answer if ``with_answer``."""
        text = f"**Explanation:** {self.question.explanation}"
        if with_answer:
            text = f"**Answer:** {self.question.answer_text()}\n\n{text}"
        self.explanation.value = markdown_to_html(text)
        self.explanation.layout.display = None
        self.answer_button.layout.display = _HIDDEN


def _single_input(question):
    radios = widgets.RadioButtons(
        options=list(zip(question.labels(), question.letters)), value=None, layout=widgets.Layout(width="auto")
    )
    return radios, lambda: radios.value


def _multiple_input(question):
    boxes = [widgets.Checkbox(description=label, value=False, indent=False) for label in question.labels()]
    return widgets.VBox(boxes), lambda: [key for key, box in zip(question.letters, boxes) if box.value]


def _numeric_input(question):
    field = widgets.FloatText(description="Answer:")
    return field, lambda: field.value


_INPUTS = {"single": _single_input, "multiple": _multiple_input, "numeric": _numeric_input}


def _message(kind, text):
    # role="status" makes screen readers announce the new feedback.
    return (
        f'<div role="status" style="color: {_COLORS[kind]}; font-weight: bold">'
        f"{_SYMBOLS[kind]}{html.escape(text)}</div>"
    )


def _score_html(quiz):
    return f"<p><strong>{quiz.score()}</strong> (questions answered correctly on the first try)</p>"
