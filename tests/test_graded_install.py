"""A graded installation holds no answers, and every check still grades in it.

The answers (reference solutions and classic mistakes) live in vaelearn.exercises.solutions;
compared exercises grade against the answer key (their outputs on public and hidden cases),
so the wheel built without the answers (``make graded-wheel``) grades like the full one.
"""

import subprocess
import sysconfig
import zipfile
from pathlib import Path

import numpy as np
import pytest
from answers import LIBRARY_TWINS, code_lines, reference_pieces
from isolated_venv import install_wheel, venv_seeing_this_environment

from vaelearn.exercises import HIDDEN_SEED, check, engine, get, solution, yours_or_solution
from vaelearn.exercises.solutions import answer_key

COMPARED = [name for name in engine.all_names() if get(name).cases is not None]
SEEDED_JUDGES = [name for name in engine.all_names() if get(name).judge_takes_seed]


# A right answer written apart from the reference, as a learner would.
RIGHT_IWAE_BOUND = """
def right_iwae_bound(log_weights):
    m = np.max(log_weights, axis=0)
    return m + np.log(np.sum(np.exp(log_weights - m), axis=0) / len(log_weights))
"""
_namespace = {"np": np}
exec(RIGHT_IWAE_BOUND, _namespace)
right_iwae_bound = _namespace["right_iwae_bound"]


def test_the_answer_key_holds_the_answers_outputs():
    with np.load(engine.ANSWER_KEY) as stored:
        stored = dict(stored)
    fresh = answer_key()
    assert stored.keys() == fresh.keys(), "run `python -m vaelearn.exercises.solutions`"
    for entry, value in fresh.items():
        if value.dtype.kind == "U":
            assert stored[entry] == value, entry
        else:
            np.testing.assert_allclose(stored[entry], value, rtol=1e-6, atol=1e-9,
                                       equal_nan=True, err_msg=entry)


@pytest.mark.parametrize("name", COMPARED)
def test_hidden_cases_are_other_inputs_that_the_reference_passes(name):
    ex = get(name)
    public, hidden = ex.cases(), ex.cases(seed=HIDDEN_SEED)
    first = lambda cases: np.asarray(engine.as_numbers(cases[0][0]))
    assert first(public).shape != first(hidden).shape or not np.array_equal(first(public),
                                                                             first(hidden))
    assert check(name, ex.reference, hidden=True).passed


def test_judges_that_draw_their_own_inputs_take_the_hidden_seed():
    assert sorted(SEEDED_JUDGES) == ["kl_annealing_callback", "scratch_decoder",
                                     "scratch_encoder", "scratch_sampling", "scratch_vae"]
    for name in SEEDED_JUDGES:
        assert check(name, get(name).reference, hidden=True).passed, name


def test_a_mistake_gets_its_hint_from_the_key_on_hidden_cases_too():
    for hidden in (False, True):
        result = check("iwae_bound", lambda lw: lw.mean(axis=0), hidden=hidden)
        assert not result.passed and "That is the ELBO" in result.hint


def test_without_the_answers_solution_and_yours_or_solution_say_so_in_one_line(
        monkeypatch, capsys):
    monkeypatch.setattr(engine, "solutions_installed", lambda: False)
    assert solution("iwae_bound") is None
    wrong = lambda lw: lw.mean(axis=0)  # noqa: E731
    assert yours_or_solution("iwae_bound", wrong) is wrong
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all("not part of this installation" in line for line in lines)
    assert check("iwae_bound", right_iwae_bound).passed
    with pytest.raises(KeyError, match="No exercise"):
        solution("no_such_exercise")


GRADED_SCRIPT = """
import numpy as np
from vaelearn import exercises, quiz
from vaelearn.exercises import check
""" + RIGHT_IWAE_BOUND + """
assert not exercises.solutions_installed()
print(check("iwae_bound", lambda lw: lw.mean(axis=0)).hint)
print(check("iwae_bound", right_iwae_bound).status,
      check("iwae_bound", right_iwae_bound, hidden=True).status)
exercises.solution("iwae_bound")
try:
    exercises.get("iwae_bound").reference
except LookupError as error:
    print("LookupError:", error)
try:
    quiz.load("eli5")
except FileNotFoundError as error:
    print("FileNotFoundError:", error)
"""


@pytest.mark.slow
def test_the_graded_install_holds_no_answer_and_still_grades(graded_wheel, tmp_path):
    names = zipfile.ZipFile(graded_wheel).namelist()
    assert graded_wheel.name.startswith("vaelearn-") and "+graded" in graded_wheel.name
    assert not [n for n in names if "/solutions/" in n or n.endswith(".yaml")]
    assert "vaelearn/exercises/answer_key.npz" in names

    venv, env = venv_seeing_this_environment(tmp_path)
    install_wheel(venv, graded_wheel)
    purelib = subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print("
                              "sysconfig.get_paths()['purelib'])"], capture_output=True,
                             text=True, check=True).stdout.strip()
    purelib = Path(purelib)
    installed = [p for p in purelib.glob("vaelearn/**/*") if p.is_file()]
    texts = [code_lines(p.read_bytes().decode("utf-8", "replace")) for p in installed]
    assert len(installed) > 50
    for name in engine.all_names():
        pieces = reference_pieces(name)
        found = [(piece, p.relative_to(purelib).as_posix()) for piece in pieces
                 for p, text in zip(installed, texts) if piece in text]
        twin = LIBRARY_TWINS.get(name)
        assert all(where == twin for _, where in found), f"{name}'s reference is in {found}"
        assert len(found) < len(pieces) / 2, f"{twin} copies {name}'s reference: {found}"

    result = subprocess.run([str(venv / "bin" / "python"), "-c", GRADED_SCRIPT], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout.splitlines()
    assert "That is the ELBO" in out[0]
    assert out[1] == "passed passed"
    assert "not part of this installation" in out[2]
    assert out[3].startswith("LookupError: Solutions are not part of this installation")
    assert out[4].startswith("FileNotFoundError:") and "graded installation" in out[4]
    assert Path(sysconfig.get_paths()["purelib"]) != purelib
