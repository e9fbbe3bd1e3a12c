"""`vaelearn quiz NAME`: the widgets' grading and progress, driven from stdin."""

import io

import pytest

from vaelearn.classroom.cli import main
from vaelearn.records import read_attempts

QUIZ = """\
title: Terminal quiz
intro: Three questions.
questions:
  - id: capital
    type: single
    prompt: Which is a VAE's latent prior?
    choices: ["A uniform cube", "A standard normal"]
    answer: B
    explanation: The prior is N(0, I).
  - id: parts
    type: multiple
    prompt: Which parts does a VAE have?
    choices: ["An encoder", "A discriminator", "A decoder"]
    answer: [A, C]
    explanation: Encoder and decoder; no discriminator.
  - id: outputs
    type: numeric
    prompt: How many numbers does the encoder output for a 2-D latent space?
    answer: 4
    tolerance: 0
    explanation: A mean and a log-variance per dimension.
"""


@pytest.fixture(autouse=True)
def terminal_quiz(quiz_folder):
    return quiz_folder("terminal", QUIZ)


def answer(monkeypatch, *lines):
    """Feed ``lines`` to stdin, then end it."""
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))


def recorded(home):
    return [(a.question, a.response, a.correct) for a in read_attempts(home / "progress.json")]


def test_correct_answers_score_full_marks_and_are_recorded(home, monkeypatch, capsys):
    answer(monkeypatch, "b", "C, a", "4")
    assert main(["quiz", "terminal"]) == 0
    out = capsys.readouterr().out
    assert "Which is a VAE's latent prior?\n  A. A uniform cube\n  B. A standard normal" in out
    assert out.count("Correct!") == 3
    assert "The prior is N(0, I)." in out
    assert out.rstrip().endswith("Score: 3 / 3")
    assert recorded(home) == [("capital", "B", True), ("parts", ["A", "C"], True),
                              ("outputs", 4.0, True)]


def test_wrong_answer_shows_the_answer_and_explanation(home, monkeypatch, capsys):
    answer(monkeypatch, "A", "A", "5")
    assert main(["quiz", "terminal"]) == 0
    out = capsys.readouterr().out
    assert "Not quite. The answer is: B. A standard normal" in out
    assert "Not quite. The answer is: A. An encoder; C. A decoder" in out
    assert "Encoder and decoder; no discriminator." in out
    assert out.rstrip().endswith("Score: 0 / 3")


def test_invalid_response_is_asked_again_without_recording(home, monkeypatch, capsys):
    answer(monkeypatch, "Z", "B", "A,C", "four", "4")
    assert main(["quiz", "terminal"]) == 0
    out = capsys.readouterr().out
    assert "'Z' is not a choice; answer with a letter A-B\n" in out  # no 'index' for typed text
    assert "expects a number, got 'four'" in out
    assert [question for question, _, _ in recorded(home)] == ["capital", "parts", "outputs"]


def test_end_of_input_stops_gracefully(home, monkeypatch, capsys):
    answer(monkeypatch, "B")
    assert main(["quiz", "terminal"]) == 0
    out = capsys.readouterr().out
    assert "Input ended: 1 of 3 questions answered." in out
    assert "Score" not in out
    assert recorded(home) == [("capital", "B", True)]


def test_answer_key_records_nothing(home, capsys):
    assert main(["quiz", "terminal", "--answers"]) == 0
    out = capsys.readouterr().out
    assert "**Answer:** B. A standard normal" in out
    assert "**Answer:** 4\n" in out
    assert not (home / "progress.json").exists()


def test_unknown_quiz_lists_the_available_ones(capsys):
    assert main(["quiz", "nope"]) == 1
    assert "available: terminal" in capsys.readouterr().err


def test_without_a_name_the_quizzes_are_listed(capsys):
    assert main(["quiz"]) == 0
    assert capsys.readouterr().out == "Quizzes: terminal\n"


def test_an_empty_quiz_folder_fails_and_says_how_to_fix_it(tmp_path, capsys):
    (tmp_path / "quizzes" / "terminal.yaml").unlink()
    assert main(["quiz"]) == 1
    assert capsys.readouterr().err == (
        f"error: no quizzes in {tmp_path / 'quizzes'}: reinstall vaelearn "
        "(pip install --force-reinstall vaelearn) or set VAELEARN_QUIZ_DIR\n")
    assert main(["quiz", "eli5", "--answers"]) == 1
    assert f"{tmp_path / 'quizzes'} holds no quizzes: reinstall vaelearn" in capsys.readouterr().err


def test_malformed_quiz_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "quizzes" / "broken.yaml").write_text("title: [unclosed\n")
    assert main(["quiz", "broken"]) == 1
    assert "invalid YAML" in capsys.readouterr().err
