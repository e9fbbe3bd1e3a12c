"""Quiz parsing is bounded: alias bombs, huge, deep or recursive files give QuizFormatError.

Before: a 1 KB YAML alias bomb exhausted memory. The bomb is loaded in a subprocess with
its address space capped, so that the old behaviour fails the test instead of the machine.
"""

import subprocess
import sys

import pytest

from vaelearn.quiz import QuizFormatError, load
from vaelearn.quiz.loading import MAX_QUIZ_BYTES


def alias_bomb(levels=9, width=9):
    """A quiz whose aliases expand to width**levels strings: 387 million for 9x9, in ~500 bytes."""
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + f"\ntitle: Laughs\nquestions: [*a{levels - 1}]\n"


LOAD_CAPPED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from vaelearn.quiz import QuizFormatError, load
try:
    load(sys.argv[1])
except QuizFormatError as e:
    print(e)
"""


def test_an_alias_bomb_is_refused_before_it_expands(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb())
    assert path.stat().st_size < 1024
    result = subprocess.run([sys.executable, "-c", LOAD_CAPPED, str(path)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-1000:]
    assert result.stdout.strip() == (f"{path}: its YAML aliases expand to more than 100,000 "
                                     "values; write the quiz out plainly")


def test_a_few_aliases_are_fine(tmp_path):
    path = tmp_path / "shared.yaml"
    path.write_text("""title: Shared choices
questions:
  - id: q1
    type: single
    prompt: Pick B.
    choices: &yes_no ["no", "yes"]
    answer: B
    explanation: B.
  - id: q2
    type: single
    prompt: Pick A.
    choices: *yes_no
    answer: A
    explanation: A.
""")
    assert [q.choices for q in load(path).questions] == [("no", "yes"), ("no", "yes")]


@pytest.mark.parametrize("text, problem", [
    ("title: &t [*t]\nquestions: []\n", "a YAML alias refers to a value that contains it"),
    ("title: x\nquestions: " + "[" * 50_000 + "]" * 50_000 + "\n", "invalid YAML: nested too deeply"),
    ("title: x\x00\nquestions: []\n", "invalid YAML: unacceptable character #x0000"),
], ids=["recursive", "deep", "control-character"])
def test_malicious_structures_are_refused(tmp_path, text, problem):
    path = tmp_path / "evil.yaml"
    path.write_text(text)
    with pytest.raises(QuizFormatError) as info:
        load(path)
    assert info.value.path == path and info.value.problem.startswith(problem)
    assert "\n" not in str(info.value)


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("title: x\nquestions: []\n# " + "x" * MAX_QUIZ_BYTES)
    with pytest.raises(QuizFormatError, match="is larger than 1024 KiB"):
        load(path)
