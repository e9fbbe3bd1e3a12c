"""`vaelearn run`: headless execution, a results table, HTML pages that work without a kernel.

The notebooks are tiny (no TensorFlow); each run starts a real python3 kernel (~1 s).
"""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from vaelearn.classroom.cli import main
from vaelearn.classroom.pages import WIDGET_MIME, strip_widgets

QUIZ = """\
title: Tiny quiz
questions:
  - id: sum
    type: single
    prompt: What is 1 + 1?
    choices: ["1", "2"]
    answer: B
    explanation: One and one make two.
"""


# What a GPU build of TensorFlow writes to stderr when it is imported on a CPU machine.
TENSORFLOW_LOG = (
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
    "I0000 00:00:1795600438.519717    9257 port.cc:153] oneDNN custom operations are on. You "
    "may see slightly different numerical results due to floating-point round-off errors.\n"
    "I0000 00:00:1795600438.520680    9257 cudart_stub.cc:31] Could not find cuda drivers on "
    "your machine, GPU will not be used.\n"
)
# Written to stderr from a file, so that the page's copy of the cell's source does not hold it.
STDERR_CELL = "import sys\nsys.stderr.write(open('stderr.txt').read());"


def write_notebook(path, *sources):
    """Write a notebook with one code cell per source; return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=[new_code_cell(s) for s in sources]), path)
    return path


def test_notebooks_run_from_their_folder_and_export_static_quizzes(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "notebooks"
    write_notebook(folder / "b_quiz.ipynb",
                   "import vaelearn.quiz\nvaelearn.quiz.load('tiny.yaml')")
    write_notebook(folder / "a_env.ipynb", "import os\nprint(open('data.txt').read())",
                   STDERR_CELL)
    (folder / "tiny.yaml").write_text(QUIZ)
    (folder / "data.txt").write_text("found beside the notebook")
    (folder / "stderr.txt").write_text(TENSORFLOW_LOG + "a real warning\n")
    monkeypatch.chdir(tmp_path)  # the default notebooks/ folder; cells must run from it
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)

    assert main(["run", "--out", "site"]) == 0

    out = capsys.readouterr().out
    table = out.splitlines()
    assert table[0].split() == ["notebook", "status", "time", "(s)"]
    assert [row.split()[:2] for row in table[1:3]] == [
        ["a_env.ipynb", "passed"], ["b_quiz.ipynb", "passed"]]
    site = tmp_path / "site"
    assert sorted(p.name for p in site.iterdir()) == [
        "a_env.html", "a_env.ipynb", "b_quiz.html", "b_quiz.ipynb"]
    page = (site / "a_env.html").read_text()
    assert "found beside the notebook" in page
    assert "a real warning" in page and "oneDNN" not in page and "absl" not in page
    executed = nbformat.read(site / "a_env.ipynb", as_version=4)
    assert executed.cells[1].outputs[0].text == "a real warning\n"

    executed = nbformat.read(site / "b_quiz.ipynb", as_version=4)
    assert WIDGET_MIME in executed.cells[0].outputs[0].data  # the live notebook keeps widgets
    page = (site / "b_quiz.html").read_text()
    assert WIDGET_MIME not in page
    assert "What is 1 + 1?" in page
    folded = page[page.index("<details><summary>Show answer"):]
    assert "One and one make two." in folded[:folded.index("</details>")]


def test_failing_notebook_shows_the_cell_and_exits_1(tmp_path, capsys):
    notebook = write_notebook(tmp_path / "broken.ipynb", "x = 1", "y = x + 1\n1/0", "z = 3")

    assert main(["run", str(notebook), "--out", str(tmp_path / "build")]) == 1

    captured = capsys.readouterr()
    assert captured.out.splitlines()[1].split()[:2] == ["broken.ipynb", "failed"]
    assert "y = x + 1\n1/0" in captured.err
    assert "ZeroDivisionError: division by zero" in captured.err
    assert "z = 3" not in captured.err
    assert (tmp_path / "build" / "broken.ipynb").is_file()
    assert "ZeroDivisionError" in (tmp_path / "build" / "broken.html").read_text()


def test_a_cell_over_the_timeout_fails(tmp_path, capsys):
    notebook = write_notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(30)")

    assert main(["run", str(notebook), "--out", str(tmp_path / "build"), "--timeout", "1"]) == 1

    err = capsys.readouterr().err
    assert "time.sleep(30)" in err
    assert "ran longer than 1.0 s" in err


def test_missing_notebook_is_an_error(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.ipynb")]) == 1
    assert "nope.ipynb" in capsys.readouterr().err


def test_unreadable_notebook_fails_without_a_kernel(tmp_path, capsys):
    (tmp_path / "torn.ipynb").write_text('{"cells": [')
    assert main(["run", str(tmp_path / "torn.ipynb"), "--out", str(tmp_path / "build")]) == 1
    assert "cannot read the notebook" in capsys.readouterr().err


def test_strip_widgets_keeps_static_outputs_and_the_original():
    nb = new_notebook(cells=[new_code_cell("quiz", outputs=[new_output(
        "display_data", data={WIDGET_MIME: {"model_id": "m"}, "text/html": "<p>quiz</p>",
                              "text/plain": "quiz"})])])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}

    static = strip_widgets(nb)

    assert static.cells[0].outputs[0].data == {"text/html": "<p>quiz</p>", "text/plain": "quiz"}
    assert "widgets" not in static.metadata
    assert WIDGET_MIME in nb.cells[0].outputs[0].data and "widgets" in nb.metadata


def test_a_tensorflow_log_level_of_the_user_keeps_the_log(tmp_path, monkeypatch):
    notebook = write_notebook(tmp_path / "loud.ipynb", STDERR_CELL)
    (tmp_path / "stderr.txt").write_text(TENSORFLOW_LOG + "a real warning\n")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")

    assert main(["run", str(notebook), "--out", str(tmp_path / "build")]) == 0

    executed = nbformat.read(tmp_path / "build" / "loud.ipynb", as_version=4)
    assert executed.cells[0].outputs[0].text == TENSORFLOW_LOG + "a real warning\n"
