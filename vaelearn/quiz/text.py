"""Static renderings of a quiz: plain text, HTML export and the answer key.

These serve wherever widgets cannot run: a terminal, ``nbconvert`` HTML, a
printed answer key. The plain text never contains answers; the HTML folds
them away in ``<details>`` elements.
"""

import html
import textwrap

from .markup import markdown_to_html

__all__ = ["answer_key", "to_html", "to_text"]

_INSTRUCTIONS = {
    "single": "Choose one answer.",
    "multiple": "Choose all that apply.",
    "numeric": "Answer with a number.",
}


def to_text(quiz):
    """The quiz as readable plain text, without answers, explanations or hints.

    Parameters
    ----------
    quiz : Quiz

    Returns
    -------
    str
    """
    lines = [quiz.title, "=" * len(quiz.title)]
    if quiz.intro:
        lines += ["", quiz.intro.strip()]
    for number, question in enumerate(quiz.questions, 1):
        lines += ["", f"{number}. [{question.id}] {_indented(question.prompt)}"]
        lines += [f"   {label}" for label in question.labels()]
        lines.append(f"   ({_INSTRUCTIONS[question.type]})")
    lines += ["", f"Check an answer with quiz.check(question_id, response), e.g. quiz.check({quiz.questions[0].id!r}, ...)."]
    return "\n".join(lines)


def to_html(quiz):
    """The quiz as static HTML; hints and answers sit in closed ``<details>``.

    Parameters
    ----------
    quiz : Quiz

    Returns
    -------
    str
    """
    parts = ['<div class="vaelearn-quiz-static">', f"<h3>{html.escape(quiz.title)}</h3>"]
    if quiz.intro:
        parts.append(markdown_to_html(quiz.intro))
    for number, question in enumerate(quiz.questions, 1):
        parts.append(f'<div class="vaelearn-quiz-static-question"><p><strong>Question {number}</strong></p>')
        parts.append(markdown_to_html(question.prompt))
        if question.choices:
            items = "".join(f"<li>{html.escape(label)}</li>" for label in question.labels())
            parts.append(f'<ul style="list-style: none">{items}</ul>')
        parts.append(f"<p><em>{_INSTRUCTIONS[question.type]}</em></p>")
        if question.hint:
            parts.append(f"<details><summary>Hint</summary>{markdown_to_html(question.hint)}</details>")
        parts.append(
            "<details><summary>Show answer</summary>"
            f"<p><strong>Answer:</strong> {html.escape(question.answer_text())}</p>"
            f"{markdown_to_html(question.explanation)}</details></div>"
        )
    parts.append("</div>")
    return "\n".join(parts)


def answer_key(quiz):
    """The answers and explanations of a quiz, as Markdown.

    Parameters
    ----------
    quiz : Quiz

    Returns
    -------
    str
    """
    lines = [f"# Answer key: {quiz.title}"]
    for number, question in enumerate(quiz.questions, 1):
        lines += [
            "",
            f"{number}. **{question.id}**: {_indented(question.prompt)}",
            f"   - **Answer:** {question.answer_text()}",
            f"   - **Explanation:** {_indented(question.explanation, 5)}",
        ]
    return "\n".join(lines)


def _indented(text, width=3):
    """Strip ``text`` and indent its continuation lines to sit under a list marker."""
    return textwrap.indent(text.strip(), " " * width).lstrip()
