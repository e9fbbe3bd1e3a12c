"""A quiz as an HTML form that checks answers in the browser, for pages without a kernel.

A static page (the course's website) shows :func:`form_html`, loads :data:`SCRIPT` once and
adds :data:`STYLE` to its CSS. The script grades as :func:`vaelearn.quiz.grading.grade`
does and takes every answer and message from the markup::

    form.vaelearn-quiz-form.mathjax_process  data-quiz, data-correct, data-incorrect,
                                             data-no-choice, data-not-a-number
      h3, intro                              title and intro
      fieldset.vaelearn-quiz-question        data-question (the id), data-type, data-answer;
                                             numeric: data-tolerance, data-slack
        legend                               "Question n"
        div.vaelearn-quiz-prompt             the fieldset's aria-describedby
        div.vaelearn-quiz-choices            label > input[type=radio|checkbox][value=letter]
        | div.vaelearn-quiz-number           label > input[type=text]
        div.vaelearn-quiz-buttons            button.vaelearn-quiz-check, .vaelearn-quiz-hint-button
                                             (if a hint), .vaelearn-quiz-show-answer (hidden)
        p.vaelearn-quiz-feedback             role="status"; .is-correct or .is-incorrect
        div.vaelearn-quiz-hint               hidden until "Hint"
        div.vaelearn-quiz-explanation        hidden until a right answer or "Show answer"
          p.vaelearn-quiz-answer             shown by "Show answer" only

The answers are in the page's source: these quizzes are for practice, not for marks.
"""

import html
import re
from pathlib import Path

from .grading import _ROUNDING_SLACK, CORRECT, INCORRECT
from .markup import markdown_to_html

__all__ = ["SCRIPT", "STYLE", "form_html", "script_source"]

SCRIPT = Path(__file__).with_name("form.js")
"""The script that makes every quiz form of a page interactive (no libraries, no network)."""

# The widgets' colours (vaelearn.quiz.widgets), 5.1:1 and 6.3:1 against white. `[hidden]`
# must win over a theme's `button { display: ... }`.
STYLE = """\
.vaelearn-quiz-form [hidden] { display: none !important; }
.vaelearn-quiz-form .vaelearn-quiz-question { margin: 1em 0; }
.vaelearn-quiz-form .vaelearn-quiz-choices label { display: block; }
.vaelearn-quiz-form .vaelearn-quiz-buttons button { margin: 0.5em 0.5em 0 0; }
.vaelearn-quiz-form .vaelearn-quiz-feedback { font-weight: bold; }
.vaelearn-quiz-form .vaelearn-quiz-feedback.is-correct { color: #1a7f37; }
.vaelearn-quiz-form .vaelearn-quiz-feedback.is-incorrect { color: #9a4a00; }
"""
"""CSS for the forms: layout, hidden parts, feedback colours."""

_MESSAGES = {
    "data-correct": CORRECT,
    "data-incorrect": INCORRECT,
    "data-no-choice": "Choose an answer first.",
    "data-not-a-number": "Type a number.",
}
_INPUT_TYPES = {"single": "radio", "multiple": "checkbox"}


def form_html(quiz):
    """Return ``quiz`` as one HTML ``<form>`` fragment, without any script.

    Parameters
    ----------
    quiz : Quiz

    Returns
    -------
    str
        Interactive once the page loads :data:`SCRIPT`; the module docstring
        describes the markup.
    """
    attributes = _attributes({"data-quiz": quiz.name, **_MESSAGES})
    parts = [f'<form class="vaelearn-quiz-form mathjax_process"{attributes} novalidate>',
             f"<h3>{html.escape(quiz.title)}</h3>"]
    if quiz.intro:
        parts.append(markdown_to_html(quiz.intro))
    prefix = "vaelearn-quiz-" + re.sub(r"[^A-Za-z0-9_-]+", "-", quiz.name)
    parts += [_question_html(question, number, f"{prefix}-{question.id}")
              for number, question in enumerate(quiz.questions, 1)]
    parts.append("</form>")
    return "\n".join(parts)


def script_source():
    """Return the text of :data:`SCRIPT`, e.g. to inline it in a page."""
    return SCRIPT.read_text(encoding="utf-8")


def _question_html(question, number, key):
    # `key` (quiz name + question id, both sanitised) makes the element ids and the
    # radio group's name unique on a page that shows several quizzes.
    data = {"data-question": question.id, "data-type": question.type}
    if question.type == "numeric":
        data.update({"data-answer": repr(float(question.answer)),
                     "data-tolerance": repr(float(question.tolerance)),
                     "data-slack": repr(_ROUNDING_SLACK)})
    else:
        data["data-answer"] = ",".join(question.answer) if question.type == "multiple" else question.answer
    buttons = ['<button type="button" class="vaelearn-quiz-check">Check</button>']
    if question.hint:
        buttons.append(f'<button type="button" class="vaelearn-quiz-hint-button" aria-expanded="false"'
                       f' aria-controls="{key}-hint">Hint</button>')
    buttons.append(f'<button type="button" class="vaelearn-quiz-show-answer"'
                   f' aria-controls="{key}-explanation" hidden>Show answer</button>')
    parts = [
        f'<fieldset class="vaelearn-quiz-question"{_attributes(data)} aria-describedby="{key}-prompt">',
        f"<legend>Question {number}</legend>",
        f'<div class="vaelearn-quiz-prompt" id="{key}-prompt">{markdown_to_html(question.prompt)}</div>',
        _input_html(question, key),
        f'<div class="vaelearn-quiz-buttons">{"".join(buttons)}</div>',
        '<p class="vaelearn-quiz-feedback" role="status" aria-live="polite"></p>',
    ]
    if question.hint:
        parts.append(f'<div class="vaelearn-quiz-hint" id="{key}-hint" hidden>'
                     f'{markdown_to_html(f"**Hint:** {question.hint}")}</div>')
    parts += [
        # tabindex: "Show answer" hides itself and hands the focus to what it revealed.
        f'<div class="vaelearn-quiz-explanation" id="{key}-explanation" tabindex="-1" hidden>'
        '<p class="vaelearn-quiz-answer" hidden><strong>Answer:</strong> '
        f"{html.escape(question.answer_text())}</p>"
        f'{markdown_to_html(f"**Explanation:** {question.explanation}")}</div>',
        "</fieldset>",
    ]
    return "\n".join(parts)


def _input_html(question, name):
    if question.type == "numeric":
        return ('<div class="vaelearn-quiz-number"><label>Your answer '
                '<input type="text" inputmode="decimal" autocomplete="off"></label></div>')
    kind = _INPUT_TYPES[question.type]
    labels = "".join(f'<label><input type="{kind}" name="{name}" value="{key}"> {html.escape(label)}</label>'
                     for key, label in zip(question.letters, question.labels()))
    return f'<div class="vaelearn-quiz-choices">{labels}</div>'


def _attributes(values):
    return "".join(f' {name}="{html.escape(str(value))}"' for name, value in values.items())
