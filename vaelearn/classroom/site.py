"""Executed notebooks made into pages of the course's website (``make site``).

A page of the site has no kernel, so what a live notebook shows through one becomes what a
browser alone can show:

- a quiz's widget becomes the same quiz (the same YAML file) as an HTML form that the reader
  answers in the browser (:mod:`vaelearn.quiz.form`);
- an exercise check's result becomes the exercise's hints, folded behind a click; the task is
  the notebook's own text and code cell, and the solution is never shown;
- other widgets give way to their static ``text/html`` or ``text/plain``
  (:func:`vaelearn.classroom.pages.strip_widgets`);
- TensorFlow's start-up log is left out (:func:`vaelearn.classroom.runner.drop_tensorflow_log`).
"""

import html

from .. import exercises, quiz
from ..exercises.engine import MIME_TYPE as EXERCISE_MIME
from ..quiz import form
from ..quiz.markup import markdown_to_html
from ..quiz.model import MIME_TYPE as QUIZ_MIME
from .pages import strip_widgets
from .runner import drop_tensorflow_log

__all__ = ["EXERCISE_STYLE", "exercise_html", "site_notebook"]

EXERCISE_STYLE = """
.vaelearn-exercise { border-left: 4px solid #0b5cad; padding: 0.2em 0 0.2em 0.8em; }
.vaelearn-exercise summary { cursor: pointer; }
"""

_JUDGED = ("This exercise is judged by running your code the way the notebook uses it: run it in "
           "the notebook, and the check says what is wrong and how to fix it.")


def exercise_html(name):
    """An exercise on the site: what the check cell does, and the hints behind a click.

    Parameters
    ----------
    name : str
        The exercise's name, as given to :func:`vaelearn.exercises.check`.

    Returns
    -------
    str
        An HTML fragment with the hints in a closed ``<details>``; never the solution.
    """
    hints = exercises.hints(name)
    folded = ("<ul>" + "".join(f"<li>{markdown_to_html(hint)}</li>" for hint in hints) + "</ul>"
              if hints else f"<p>{_JUDGED}</p>")
    return (f'<div class="vaelearn-exercise"><p><strong>Your turn:</strong> exercise '
            f"<code>{html.escape(name)}</code>. In the notebook, write your answer in the cell "
            "above and run this cell: it checks your answer and points at the mistake if there "
            f"is one.</p><details><summary>Hints</summary>{folded}</details></div>")


def site_notebook(nb):
    """A copy of an executed notebook, ready to be a page of the site (see the module docstring).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook of the course.

    Returns
    -------
    nbformat.NotebookNode
    """
    nb = strip_widgets(nb)
    drop_tensorflow_log(nb)
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            data = output.get("data", {})
            if QUIZ_MIME in data:
                output.data = {"text/html": form.form_html(quiz.load(data[QUIZ_MIME]["name"]))}
            elif EXERCISE_MIME in data:
                output.data = {"text/html": exercise_html(data[EXERCISE_MIME]["name"])}
    return nb
