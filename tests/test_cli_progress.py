"""`vaelearn progress`: the learner's summary, CSV export, and the instructor's merge."""

import csv
import io
import json
import shutil

import pytest

import vaelearn.quiz
from vaelearn.classroom.cli import main
from vaelearn import records
from vaelearn.records import record_path

QUIZ = """\
title: Progress quiz
questions:
  - id: one
    type: single
    prompt: Pick B.
    choices: ["no", "yes"]
    answer: B
    explanation: B it is.
  - id: many
    type: multiple
    prompt: Pick A and C.
    choices: ["yes", "no", "yes"]
    answer: [A, C]
    explanation: A and C.
"""


@pytest.fixture(autouse=True)
def practice_quiz(quiz_folder):
    return quiz_folder("practice", QUIZ)


def attempt(*responses):
    """Answer ``practice``'s questions in order, as a learner would."""
    quiz = vaelearn.quiz.load("practice")
    for question, response in zip(("one", "many", "one"), responses):
        quiz.check(question, response)


def learner_file(monkeypatch, target, *responses):
    """Record a learner's attempts in their own home, then copy the file to ``target``."""
    monkeypatch.setenv("VAELEARN_HOME", str(target.parent / f".home-{target.parent.name}-{target.stem}"))
    attempt(*responses)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(record_path(), target)
    return target


def test_summary(capsys):
    attempt("A", "A,C", "B")
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].split() == ["practice", "2", "1", "2", "1", "/", "2"]


def test_summary_without_attempts(capsys):
    assert main(["progress"]) == 0
    assert "No quiz attempts recorded yet." in capsys.readouterr().out


def test_export_csv_to_stdout(capsys):
    attempt("A", "C,A")
    assert main(["progress", "--export", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["quiz"], r["question"], r["response"], r["correct"]) for r in rows] == [
        ("practice", "one", "A", "False"), ("practice", "many", "A,C", "True")]
    assert all(r["time"] for r in rows)


def test_export_csv_to_a_file(tmp_path, capsys):
    attempt("B")
    assert main(["progress", "--export", "csv", "--output", str(tmp_path / "me.csv")]) == 0
    assert capsys.readouterr().out == ""
    with open(tmp_path / "me.csv", newline="") as f:
        assert [r["response"] for r in csv.DictReader(f)] == ["B"]


def test_collect_merges_learners_and_skips_bad_files(tmp_path, monkeypatch, capsys):
    share = tmp_path / "share"
    alice = learner_file(monkeypatch, share / "alice.json", "B", "A,C")
    bob = learner_file(monkeypatch, share / "bob" / "progress.json", "A")
    corrupt = share / "carol.json"
    corrupt.write_bytes(alice.read_bytes()[:40])
    foreign = share / "package.json"
    foreign.write_text('{"name": "not progress"}')
    out = tmp_path / "class.csv"

    code = main(["progress", "collect", str(alice), str(corrupt), str(bob), str(foreign),
                 str(share / "missing.json"), "--output", str(out)])

    assert code == 1  # the CSV holds what could be read; the exit code says some was not
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["learner"], r["question"], r["response"]) for r in rows] == [
        ("alice", "one", "B"), ("alice", "many", "A,C"), ("bob", "one", "A")]
    err = capsys.readouterr().err
    assert f"skipped {corrupt}: " in err and "not valid JSON" in err
    assert f"skipped {foreign}: " in err and "not a vaelearn progress file" in err
    assert f"skipped {share / 'missing.json'}" in err
    assert "merged 3 attempts from 2 of 5 files; skipped 3 files and 0 attempts" in err


def test_collect_fails_when_nothing_can_be_merged(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("not json")
    assert main(["progress", "collect", str(bad), "--output", str(tmp_path / "out.csv")]) == 1
    assert "no progress file could be read" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


def progress_document(attempts):
    return json.dumps({"format": records.FORMAT, "version": records.VERSION,
                       "attempts": attempts})


GOOD = {"quiz": "practice", "question": "one", "response": "B", "correct": True,
        "time": "2026-12-05T10:00:00+00:00"}


@pytest.mark.parametrize("content, says", [
    ("[" * 100_000 + "]" * 100_000, "nests its JSON deeper"),
    ('{"format": "vaelearn-progress", "version": 1, "attempts": [' + "[" * 50_000
     + "]" * 50_000 + "]}", "nests its JSON deeper"),
    (progress_document([GOOD] * (records.MAX_ATTEMPTS + 1)), "more than the 100,000"),
    (" " * (records.MAX_FILE_BYTES + 1), "larger than 32 MiB"),
])
def test_collect_skips_a_crafted_file_within_bounds(tmp_path, monkeypatch, capsys, content, says):
    """A learner's file is untrusted: one built to exhaust the reader is skipped and reported
    in one line, and the other files are merged."""
    alice = learner_file(monkeypatch, tmp_path / "alice.json", "B")
    crafted = tmp_path / "mallory.json"
    crafted.write_text(content)
    out = tmp_path / "class.csv"
    assert main(["progress", "collect", str(alice), str(crafted), "--output", str(out)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if line.startswith(f"skipped {crafted}: ")] == [
        next(line for line in err if says in line)]
    assert "Traceback" not in "\n".join(err)
    assert len(list(csv.DictReader(open(out, newline="")))) == 1


@pytest.mark.parametrize("field, value", [
    ("response", [["A"]]), ("response", [1, 2]), ("response", {"a": 1}), ("response", True),
    ("response", "B" * (records.MAX_TEXT + 1)), ("quiz", "q" * (records.MAX_TEXT + 1)),
])
def test_collect_skips_an_attempt_with_a_crafted_field(tmp_path, capsys, field, value):
    crafted = tmp_path / "mallory.json"
    crafted.write_text(progress_document([GOOD, {**GOOD, field: value}]))
    out = tmp_path / "class.csv"
    assert main(["progress", "collect", str(crafted), "--output", str(out)]) == 1
    assert f"attempt 2 has no valid {field!r}" in capsys.readouterr().err
    assert len(list(csv.DictReader(open(out, newline="")))) == 1
