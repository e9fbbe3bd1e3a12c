"""`vaelearn progress collect` loses no learner, overwrites no input, and says what it skipped.

Before: one bad record dropped the whole learner; 7 of 10 inputs skipped still exited 0;
same-named learners were merged silently; ``=HYPERLINK(`` cells went to the spreadsheet as
formulas; ``--output`` naming an input replaced that learner's progress.json with CSV; the
``--output`` before ``collect`` was ignored.
"""

import csv
import json

import pytest
from faultkit import one_error_line

from vaelearn.classroom.cli import main
from vaelearn.records import record_path


def attempt(question="q1", response="A", correct=True, quiz="practice"):
    return {"quiz": quiz, "question": question, "response": response, "correct": correct,
            "time": "2025-01-31T12:00:00+00:00"}


def progress(path, *attempts):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"format": "vaelearn-progress", "version": 1,
                                "attempts": list(attempts)}))
    return path


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_one_bad_record_skips_that_record_not_the_learner(tmp_path, capsys):
    alice = progress(tmp_path / "alice.json", attempt("q1"), {"quiz": "practice"}, attempt("q2"))
    out = tmp_path / "class.csv"
    assert main(["progress", "collect", str(alice), "--output", str(out)]) == 1
    assert [(r["learner"], r["question"]) for r in rows(out)] == [("alice", "q1"), ("alice", "q2")]
    err = capsys.readouterr().err
    assert f"skipped {alice}: attempt 2 is not a complete record" in err
    assert "merged 2 attempts from 1 of 1 files; skipped 0 files and 1 attempt, listed above" in err


def test_skipped_inputs_give_a_summary_and_a_nonzero_exit(tmp_path, capsys):
    good = [progress(tmp_path / f"learner{i}.json", attempt()) for i in range(3)]
    bad = []
    for i in range(7):
        bad.append(tmp_path / f"broken{i}.json")
        bad[-1].write_text("{torn")
    out = tmp_path / "class.csv"
    assert main(["progress", "collect", *map(str, good + bad), "--output", str(out)]) == 1
    assert len(rows(out)) == 3
    err = capsys.readouterr().err
    assert "merged 3 attempts from 3 of 10 files; skipped 7 files and 0 attempts, listed above" in err
    assert sum(line.startswith("skipped ") for line in err.splitlines()) == 7
    assert "Traceback" not in err


def test_learners_with_the_same_name_are_kept_apart(tmp_path, capsys):
    a = progress(tmp_path / "class-a" / "alice.json", attempt(response="A"))
    b = progress(tmp_path / "class-b" / "alice.json", attempt(response="B"))
    c = progress(tmp_path / "class-b" / "alice" / "progress.json", attempt(response="C"))
    bob = progress(tmp_path / "bob" / "progress.json", attempt(response="D"))
    out = tmp_path / "class.csv"
    assert main(["progress", "collect", str(a), str(b), str(c), str(bob), "--output", str(out)]) == 0
    assert [(r["learner"], r["response"]) for r in rows(out)] == [
        ("class-a/alice", "A"), (str(b), "B"), (str(c), "C"), ("bob", "D")]
    err = capsys.readouterr().err
    assert f"note: {a} is learner 'class-a/alice' (another file gives the same name)" in err


def test_the_same_file_given_twice_is_merged_once(tmp_path, capsys):
    alice = progress(tmp_path / "alice.json", attempt())
    out = tmp_path / "class.csv"
    assert main(["progress", "collect", str(alice), str(tmp_path / "." / "alice.json"),
                 "--output", str(out)]) == 1
    assert len(rows(out)) == 1
    assert "the same file as" in capsys.readouterr().err


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil","click")', "+1+1", "-2+3", "@SUM(A1)",
                                  "\t=1", "\r=1"])
def test_cells_that_a_spreadsheet_would_run_are_made_inert(tmp_path, text):
    evil = progress(tmp_path / "evil.json", attempt(question=text, response=text, quiz=text))
    out = tmp_path / "class.csv"
    assert main(["progress", "collect", str(evil), "--output", str(out)]) == 0
    (row,) = rows(out)
    assert row["quiz"] == row["question"] == row["response"] == "'" + text


def test_numbers_and_plain_text_are_left_as_they_are(tmp_path):
    fine = progress(tmp_path / "fine.json", attempt(response=-1.5), attempt(response="A,C"))
    out = tmp_path / "class.csv"
    assert main(["progress", "collect", str(fine), "--output", str(out)]) == 0
    assert [r["response"] for r in rows(out)] == ["-1.5", "A,C"]


def test_a_learner_file_named_like_a_formula_is_made_inert(tmp_path):
    evil = progress(tmp_path / "=cmd|calc.json", attempt())
    out = tmp_path / "class.csv"
    assert main(["progress", "collect", str(evil), "--output", str(out)]) == 0
    assert rows(out)[0]["learner"] == "'=cmd|calc"


@pytest.mark.parametrize("where", ["after", "before"])
def test_an_output_that_is_one_of_the_inputs_is_refused(tmp_path, capsys, where):
    alice = progress(tmp_path / "alice" / "progress.json", attempt())
    bob = progress(tmp_path / "bob.json", attempt())
    before = alice.read_bytes()
    argv = (["progress", "collect", str(bob), str(alice), "--output", str(alice)] if where == "after"
            else ["progress", "--output", str(alice), "collect", str(bob), str(alice)])
    assert main(argv) == 1
    one_error_line(capsys.readouterr().err, f"--output {alice} is the progress file", "another file")
    assert alice.read_bytes() == before


def test_exporting_over_ones_own_progress_file_is_refused(home, capsys):
    progress(home / "progress.json", attempt())
    before = record_path().read_bytes()
    assert main(["progress", "--export", "csv", "--output", str(record_path())]) == 1
    one_error_line(capsys.readouterr().err, record_path())
    assert record_path().read_bytes() == before


def test_the_output_given_before_collect_is_used(tmp_path, capsys):
    alice = progress(tmp_path / "alice.json", attempt())
    out = tmp_path / "class.csv"
    assert main(["progress", "--output", str(out), "collect", str(alice)]) == 0
    assert capsys.readouterr().out == ""
    assert rows(out)[0]["learner"] == "alice"


def test_two_different_outputs_are_refused(tmp_path, capsys):
    alice = progress(tmp_path / "alice.json", attempt())
    assert main(["progress", "--output", str(tmp_path / "a.csv"), "collect", str(alice),
                 "--output", str(tmp_path / "b.csv")]) == 1
    one_error_line(capsys.readouterr().err, "--output is given twice")
    assert not (tmp_path / "a.csv").exists() and not (tmp_path / "b.csv").exists()
