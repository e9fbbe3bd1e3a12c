"""Attempts are recorded safely in $VAELEARN_HOME/progress.json and summarized."""

import json
import os
import subprocess
import sys
import time

import pytest

import vaelearn.progress
import vaelearn.quiz
from vaelearn import records
from vaelearn.errors import ProgressFileError, ProgressWarning
from vaelearn.records import Attempt, read_attempts, record_path


def test_record_path_follows_vaelearn_home(home, monkeypatch):
    assert record_path() == home / "progress.json"
    monkeypatch.delenv("VAELEARN_HOME")
    monkeypatch.setenv("HOME", "/somewhere")
    assert record_path() == records.home_dir() / "progress.json"
    assert records.home_dir().name == ".vaelearn"


def test_check_records_each_attempt(home):
    quiz = vaelearn.quiz.load("eli5")
    quiz.check("goal", "A")
    quiz.check("goal", 1)
    quiz.check("challenge", "a")
    attempts = read_attempts(home / "progress.json")
    assert [(a.quiz, a.question, a.response, a.correct) for a in attempts] == [
        ("eli5", "goal", "A", False),
        ("eli5", "goal", "B", True),
        ("eli5", "challenge", "A", True),
    ]
    assert all(a.time.endswith("+00:00") and "T" in a.time for a in attempts)
    assert json.loads((home / "progress.json").read_text())["format"] == "vaelearn-progress"


def test_invalid_response_is_not_recorded(home):
    quiz = vaelearn.quiz.load("eli5")
    with pytest.raises(ValueError, match="no question 'nope'"):
        quiz.check("nope", "A")
    with pytest.raises(ValueError, match="letter A-C"):
        quiz.check("goal", "D")
    assert not (home / "progress.json").exists()


def test_multiple_response_round_trips_through_the_file(home):
    quiz = vaelearn.quiz.load("00_welcome")
    quiz.check("vae-parts", ["C", "A", "B"])
    (attempt,) = records.attempts()
    assert attempt.response == ["A", "B", "C"] and attempt.correct
    assert read_attempts(record_path()) == [attempt]


def test_session_score_counts_first_tries():
    quiz = vaelearn.quiz.load("eli5")
    assert str(quiz.score()) == "Score: 0 / 3"
    quiz.check("goal", "A")  # wrong first: never counts
    quiz.check("goal", "B")
    quiz.check("generation", "B")
    assert quiz.score() == (1, 3)


def test_progress_summarizes_per_quiz():
    eli5, welcome = vaelearn.quiz.load("eli5"), vaelearn.quiz.load("00_welcome")
    eli5.check("goal", "A")
    eli5.check("goal", "B")
    eli5.check("generation", "B")
    welcome.check("encoder-outputs", 4)
    report = vaelearn.progress.report()
    assert [(s.quiz, s.attempted, s.first_try, s.correct, s.total, s.score) for s in report] == [
        ("00_welcome", 1, 1, 1, 3, "1 / 3"),
        ("eli5", 2, 1, 2, 3, "1 / 3"),
    ]
    assert "eli5" in str(report) and "first try" in str(report)
    assert '<table class="vaelearn-progress">' in report._repr_html_()


def test_progress_of_a_quiz_that_no_longer_exists_scores_against_attempts():
    records.record(Attempt.now("retired", "q1", "A", True))
    (summary,) = vaelearn.progress.report()
    assert summary.total is None and summary.score == "1 / 1"


def test_empty_progress_says_so():
    report = vaelearn.progress.report()
    assert report == [] and str(report) == "No quiz attempts recorded yet."


WRITER = """
import sys, time
from pathlib import Path
from vaelearn import records
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
for i in range(200):
    records.record(records.Attempt.now("race", sys.argv[1], i, i % 2 == 0))
"""


def test_two_processes_writing_at_once_lose_no_attempt(home, tmp_path):
    go = tmp_path / "go"
    env = {**os.environ, "VAELEARN_HOME": str(home)}
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, name, str(go)], env=env, stderr=subprocess.PIPE)
        for name in ("first", "second")
    ]
    time.sleep(0.3)  # let both start and wait on the go file
    go.touch()
    for writer in writers:
        _, stderr = writer.communicate(timeout=120)
        assert writer.returncode == 0, stderr.decode()
    attempts = read_attempts(home / "progress.json")
    assert len(attempts) == 400
    for name in ("first", "second"):
        assert [a.response for a in attempts if a.question == name] == list(range(200))
    assert not list(home.glob("*.tmp")), "temporary files left behind"


@pytest.mark.parametrize("content", ["{not json", '{"cells": [], "nbformat": 4}'])
def test_unreadable_progress_file_is_moved_aside_when_recording(home, content):
    home.mkdir()
    (home / "progress.json").write_text(content)
    with pytest.warns(ProgressWarning, match="could not read the progress file.*moved to"):
        vaelearn.quiz.load("eli5").check("goal", "B")
    (aside,) = home.glob("progress.json.corrupt-*")
    assert aside.read_text() == content
    assert len(read_attempts(home / "progress.json")) == 1


def test_unwritable_home_warns_once_and_keeps_attempts_in_memory(tmp_path, monkeypatch):
    # A home below a regular file cannot be created, even by root.
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("VAELEARN_HOME", str(blocker / "home"))
    quiz = vaelearn.quiz.load("eli5")
    with pytest.warns(ProgressWarning, match="cannot save quiz progress") as caught:
        first = quiz.check("goal", "B")
        second = quiz.check("generation", "A")
    assert len(caught) == 1
    assert first.correct and not second.correct
    assert [a.question for a in records.attempts()] == ["goal", "generation"]
    (summary,) = vaelearn.progress.report()
    assert (summary.attempted, summary.first_try) == (2, 1)


def test_failed_atomic_replace_keeps_the_old_file_and_no_temp(home, monkeypatch):
    quiz = vaelearn.quiz.load("eli5")
    quiz.check("goal", "B")
    before = (home / "progress.json").read_bytes()

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(records.os, "replace", refuse)
    with pytest.warns(ProgressWarning, match="Permission denied"):
        quiz.check("generation", "B")
    assert (home / "progress.json").read_bytes() == before
    assert not list(home.glob("*.tmp"))
    assert [a.question for a in records.attempts()] == ["goal", "generation"]


@pytest.mark.parametrize(
    "content, problem",
    [
        ("[1, 2", "not valid JSON"),
        ('[{"quiz": "eli5"}]', "not a vaelearn progress file"),
        ('{"cells": [], "nbformat": 4}', "not a vaelearn progress file"),
        ('{"format": "vaelearn-progress", "version": 0, "attempts": []}', "unsupported"),
        ('{"format": "vaelearn-progress", "version": 99, "attempts": []}', "newer vaelearn"),
        ('{"format": "vaelearn-progress", "version": 1, "attempts": {}}', "unsupported"),
    ],
)
def test_read_attempts_rejects_foreign_files(tmp_path, content, problem):
    path = tmp_path / "other.json"
    path.write_text(content)
    with pytest.raises(ProgressFileError, match=problem) as info:
        read_attempts(path)
    assert isinstance(info.value, ValueError) and str(path) in str(info.value)


def test_read_attempts_skips_incomplete_records_and_says_which(tmp_path):
    good = {"quiz": "q", "question": "a", "response": "A", "correct": True, "time": "t"}
    entries = [good, {"quiz": 1}, {**good, "correct": "yes"}, {**good, "question": "b"}]
    path = tmp_path / "progress.json"
    path.write_text(json.dumps({"format": "vaelearn-progress", "version": 1, "attempts": entries}))
    attempts = read_attempts(path)
    assert [a.question for a in attempts] == ["a", "b"]
    assert attempts.skipped == ["attempt 2 is not a complete record", "attempt 3 has no valid 'correct'"]


def test_read_attempts_of_a_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_attempts(tmp_path / "missing.json")


def test_summarize_merges_progress_files_from_two_machines(tmp_path, monkeypatch):
    paths = []
    for machine, answer in (("laptop", "A"), ("lab", "B")):
        monkeypatch.setenv("VAELEARN_HOME", str(tmp_path / machine))
        vaelearn.quiz.load("eli5").check("goal", answer)
        paths.append(record_path())
    merged = [attempt for path in paths for attempt in read_attempts(path)]
    (summary,) = vaelearn.progress.summarize(merged, totals={"eli5": 3})
    assert (summary.attempted, summary.first_try, summary.correct, summary.score) == (1, 0, 1, "0 / 3")
