"""Quiz progress survives kill -9, newer versions, incomplete records and odd paths.

Before: a file from a newer format version, or a good file with one incomplete attempt,
was renamed to ``.corrupt-*``, even by the read-only ``vaelearn progress``, which then said
"No quiz attempts recorded yet"; ``progress.json`` being a folder gave a traceback; killed
writers left ``.tmp`` files.
"""

import json
import os
import random
import subprocess
import sys
import time

import pytest
from faultkit import one_error_line, tree

import vaelearn.quiz
from vaelearn.classroom.cli import main
from vaelearn.errors import ProgressWarning
from vaelearn.records import read_attempts, record_path

GOOD = {"quiz": "eli5", "question": "goal", "response": "B", "correct": True,
        "time": "2025-01-31T12:00:00+00:00"}
INCOMPLETE = {"quiz": "eli5", "question": "generation", "response": "A", "correct": False}


def progress_file(home, attempts, version=1, **extra):
    home.mkdir(parents=True, exist_ok=True)
    path = home / "progress.json"
    path.write_text(json.dumps({"format": "vaelearn-progress", "version": version,
                                "attempts": attempts, **extra}))
    return path


def test_a_newer_progress_file_is_left_intact_and_refused_for_writing(home, capsys):
    path = progress_file(home, [GOOD, {"quiz": "eli5", "new field": 1}], version=2)
    content = path.read_bytes()
    quiz = vaelearn.quiz.load("eli5")
    with pytest.warns(ProgressWarning, match=r"written by a newer vaelearn \(progress format "
                                             r"version 2.*Upgrade vaelearn.*memory"):
        assert quiz.check("goal", "B").correct
    quiz.check("challenge", "A")  # warned once; kept in memory like the first
    assert quiz.score() == (2, 3)
    assert path.read_bytes() == content
    assert sorted(p.name for p in home.iterdir()) == ["progress.json", "progress.json.lock"]

    before = tree(home)
    assert main(["progress"]) == 1
    one_error_line(capsys.readouterr().err, path, "newer vaelearn", "pip install -U vaelearn")
    assert tree(home) == before


def test_an_incomplete_record_is_skipped_and_kept_not_the_file(home, capsys):
    path = progress_file(home, [GOOD, INCOMPLETE, {**GOOD, "question": "challenge"}],
                         note="kept too")
    quiz = vaelearn.quiz.load("eli5")
    quiz.check("generation", "B")

    data = json.loads(path.read_text())
    assert data["attempts"][:3] == [GOOD, INCOMPLETE, {**GOOD, "question": "challenge"}]
    assert data["note"] == "kept too"
    assert [a.question for a in read_attempts(path)] == ["goal", "challenge", "generation"]
    assert not list(home.glob("*.corrupt-*"))

    assert main(["progress"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[1].split()[:2] == ["eli5", "3"]
    assert err.startswith(f"warning: vaelearn skipped records of {path} that are not complete "
                          "attempts (attempt 2 has no valid 'time'); they are kept in the file.")


STATES = {
    "no home": None,
    "empty home": "",
    "good file": json.dumps({"format": "vaelearn-progress", "version": 1, "attempts": [GOOD]}),
    "torn file": '{"format": "vaelearn-progress", "version": 1, "attempts": [{"qu',
    "newer file": json.dumps({"format": "vaelearn-progress", "version": 7, "attempts": []}),
    "incomplete record": json.dumps({"format": "vaelearn-progress", "version": 1,
                                     "attempts": [GOOD, INCOMPLETE]}),
}
EXIT = {  # (vaelearn progress, vaelearn progress --export csv)
    "no home": (0, 0), "empty home": (0, 0), "good file": (0, 0), "torn file": (1, 1),
    "newer file": (1, 1), "incomplete record": (0, 1),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("argv", [["progress"], ["progress", "--export", "csv"]], ids=" ".join)
def test_read_only_commands_create_and_change_nothing(home, capsys, state, argv):
    if STATES[state] is not None:
        home.mkdir()
        if STATES[state]:
            (home / "progress.json").write_text(STATES[state])
    before = tree(home.parent)

    code = main(argv)

    assert tree(home.parent) == before  # no lock file, no .corrupt-*, no new home
    assert code == EXIT[state][len(argv) > 1]
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if state == "torn file":
        one_error_line(err, home / "progress.json", "is not valid JSON")


def test_a_progress_json_that_is_a_folder(home, capsys):
    (home / "progress.json").mkdir(parents=True)
    for argv in (["progress"], ["progress", "--export", "csv"]):
        assert main(argv) == 1
        one_error_line(capsys.readouterr().err, home / "progress.json", "is a folder",
                       "VAELEARN_HOME")
    with pytest.warns(ProgressWarning, match="cannot save quiz progress.*is a folder"):
        vaelearn.quiz.load("eli5").check("goal", "B")
    assert (home / "progress.json").is_dir()


WRITER = """
import sys
from vaelearn import records
print("writing", flush=True)
for i in range(int(sys.argv[1]), 10**9):
    records.record(records.Attempt.now("loop", "q", i, True))
"""


def test_progress_writers_killed_at_random_moments_never_lose_the_file(home):
    """kill -9 lands mid-write most of the time: each write rewrites a 2 MB file."""
    path = progress_file(home, [GOOD] * 20_000)
    rng = random.Random()
    count = 20_000
    for _ in range(8):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(count - 20_000)],
                                  stdout=subprocess.PIPE,
                                  env={**os.environ, "VAELEARN_HOME": str(home)}, text=True)
        assert writer.stdout.readline().strip() == "writing"
        time.sleep(rng.uniform(0.05, 0.4))
        writer.kill()
        writer.wait(timeout=30)
        attempts = read_attempts(path)  # the last complete file: never torn, never gone
        assert len(attempts) >= count and not attempts.skipped
        count = len(attempts)
    assert count > 20_000
    assert [a.response for a in attempts[20_000:]] == list(range(count - 20_000))

    stale = list(home.glob(".progress.json.*.tmp"))
    past = time.time() - 60
    for tmp in stale:
        os.utime(tmp, (past, past))
    vaelearn.quiz.load("eli5").check("goal", "B")
    assert not list(home.glob(".progress.json.*.tmp"))
    assert len(read_attempts(path)) == count + 1


STUCK_WRITER = """
import json, sys, time
from vaelearn import records

def dump_half_then_hang(data, file, **kwargs):
    file.write(json.dumps(data)[:100])
    file.flush()
    print("stuck", flush=True)
    time.sleep(600)

json.dump = dump_half_then_hang
records.record(records.Attempt.now("eli5", "goal", "B", True))
"""


def test_a_writer_killed_mid_write_leaves_the_old_file_and_a_temporary_the_next_write_removes(home):
    path = progress_file(home, [GOOD])
    before = path.read_bytes()
    writer = subprocess.Popen([sys.executable, "-c", STUCK_WRITER], stdout=subprocess.PIPE,
                              env={**os.environ, "VAELEARN_HOME": str(home)}, text=True)
    assert writer.stdout.readline().strip() == "stuck"
    writer.kill()
    writer.wait(timeout=30)

    assert path.read_bytes() == before
    (tmp,) = home.glob(".progress.json.*.tmp")
    past = time.time() - 60
    os.utime(tmp, (past, past))
    vaelearn.quiz.load("eli5").check("challenge", "A")
    assert not tmp.exists()
    assert [a.question for a in read_attempts(path)] == ["goal", "challenge"]
    assert record_path() == path
