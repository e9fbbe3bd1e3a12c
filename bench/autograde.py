"""nbgrader's round trip over the course's assignments, timed, with four submissions each.

For each lesson: ``vaelearn assignments`` writes the source, ``nbgrader generate_assignment``
the student's version; four students hand in

- ``full``: the release with every solution region filled in from the source (the
  references and the quiz's answers): full marks;
- ``untouched``: the release as it was handed out: no marks, and the grader does not crash;
- ``partial``: ``full`` with the first exercise left undone and the first quiz question
  answered wrongly: that exercise's and that question's points lost;
- ``tampered``: ``full`` with the first exercise left undone and its test cell replaced by
  ``pass``: nbgrader restores the locked cell, so that exercise's points are lost;

then ``nbgrader autograde``, ``generate_feedback`` and ``export`` run, and the scores are
compared with the expected ones. Run with ``.venv``'s Python after ``make test`` (which builds
``.venv-nbgrader``)::

    .venv/bin/python bench/autograde.py                 # every lesson, the 8x8 digits (~40 min)
    .venv/bin/python bench/autograde.py 00_welcome 17_eli5_recap --dataset mnist_sample

It prints a table (points per submission, expected in brackets, and the autograding time)
and ends with one machine-readable line. tests/test_nbgrader.py runs it on two lessons.
"""

import argparse
import ast
import copy
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBGRADER_VENV = ROOT / ".venv-nbgrader"
SUBMISSIONS = ("full", "untouched", "partial", "tampered")


def nbgrader_bin():
    """The folder of nbgrader's environment, or None with the reason it is missing."""
    bin_dir = NBGRADER_VENV / "bin"
    if (bin_dir / "nbgrader").exists():
        return bin_dir, None
    why = NBGRADER_VENV / "why-not"
    return None, (why.read_text().strip() if why.exists() else
                  f"{NBGRADER_VENV} has no nbgrader: run `make test` (or "
                  "`.venv/bin/python tools/nbgrader_env.py`) first")


def install_graded_wheel(wheel, bin_dir):
    """Put this checkout's graded wheel into nbgrader's environment (no dependencies)."""
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "--no-deps",
                    "--no-index", "--force-reinstall", str(wheel)], check=True,
                   capture_output=True, text=True)


def _cells_by_id(notebook):
    return {c["metadata"]["nbgrader"]["grade_id"]: c for c in notebook["cells"]
            if "nbgrader" in c["metadata"]}


def _filled(source_cell):
    lines = "".join(source_cell["source"]).splitlines()
    return "\n".join(line for line in lines
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def _wrong_answer(source_cell):
    """A quiz answer cell's source with a wrong answer in it."""
    variable, _, right = _filled(source_cell).splitlines()[-1].partition(" = ")
    right = ast.literal_eval(right)
    if isinstance(right, list):
        wrong = ["A"] if right != ["A"] else ["B"]
    elif isinstance(right, str):
        wrong = "A" if right != "A" else "B"
    else:
        wrong = right + 1000
    return f"{variable} = {wrong!r}"


def submissions(source, release):
    """The four notebooks handed in, and the points each should get.

    Parameters
    ----------
    source, release : dict
        nbgrader's source notebook and the student's version.

    Returns
    -------
    dict
        ``{name: (notebook, expected points)}``.
    """
    source_cells = _cells_by_id(source)
    points = {i: c["metadata"]["nbgrader"].get("points", 0) for i, c in source_cells.items()
              if c["metadata"]["nbgrader"]["grade"]}
    total = sum(points.values())
    answers = [i for i in source_cells if source_cells[i]["metadata"]["nbgrader"]["solution"]]
    exercise = next(i for i in answers if not i.startswith("quiz-"))[:-len("-answer")]
    question = next((i for i in answers if i.startswith("quiz-")), None)
    exercise_points = sum(p for i, p in points.items() if i in (f"{exercise}-check",
                                                                 f"{exercise}-hidden"))

    def variant(*, undone=(), wrong=(), tampered=()):
        notebook = copy.deepcopy(release)
        for cell in notebook["cells"]:
            grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
            if grade_id in answers and grade_id not in undone:
                cell["source"] = (_wrong_answer(source_cells[grade_id]) if grade_id in wrong
                                  else _filled(source_cells[grade_id]))
            if grade_id in tampered:
                cell["source"] = "pass  # the student replaced the test"
        return notebook

    first = f"{exercise}-answer"
    return {
        "full": (variant(), total),
        "untouched": (copy.deepcopy(release), 0),
        "partial": (variant(undone=[first], wrong=[question] if question else []),
                    total - exercise_points - (points.get(question[:-len("-answer")], 0)
                                               if question else 0)),
        "tampered": (variant(undone=[first], tampered=[f"{exercise}-check"]),
                     total - exercise_points),
    }


def _nbgrader(bin_dir, course, *args, env):
    started = time.perf_counter()
    result = subprocess.run([str(bin_dir / "nbgrader"), *args], cwd=course, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{result.stdout[-3000:]}"
                           f"\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


def nbgrader_env(bin_dir, home, dataset):
    """The environment nbgrader and its kernels run in: nbgrader's venv first on PATH (it
    calls alembic by name), a fresh learner home, one thread per operation."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "JUPYTER", "VAELEARN_", "PIP_"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", HOME=str(home),
               VAELEARN_HOME=str(home / ".vaelearn"), VAELEARN_DATASET=dataset,
               VAELEARN_DATA_DIR=str(home / "datasets"))
    for key in ("VAELEARN_SEED", "KERAS_BACKEND"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


def round_trip(assignments, course, bin_dir, *, dataset="digits"):
    """Generate, hand in, autograde, give feedback and export each assignment of ``course``
    (a folder ``vaelearn assignments`` wrote).

    Returns
    -------
    list of dict
        Per assignment: ``scores`` and ``expected`` ({submission: points}), ``max_score``,
        ``seconds`` (autograding the four), ``feedback`` (HTML files written), ``release``
        (the student's notebook).
    """
    env = nbgrader_env(bin_dir, course / "home", dataset)
    (course / "home").mkdir(exist_ok=True)
    results = []
    for assignment in assignments:
        _nbgrader(bin_dir, course, "generate_assignment", assignment, "--force", env=env)
        name = f"{assignment}.ipynb"
        source = json.loads((course / "source" / assignment / name).read_text())
        release = json.loads((course / "release" / assignment / name).read_text())
        expected = {}
        for student, (notebook, points) in submissions(source, release).items():
            folder = course / "submitted" / student / assignment
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(json.dumps(notebook, indent=1))
            expected[student] = points
        seconds = _nbgrader(bin_dir, course, "autograde", assignment, "--force", env=env)
        _nbgrader(bin_dir, course, "generate_feedback", assignment, "--force", env=env)
        results.append(dict(assignment=assignment, expected=expected, seconds=seconds,
                            release=release,
                            feedback=sorted(course.glob(f"feedback/*/{assignment}/*.html"))))
    _nbgrader(bin_dir, course, "export", "--to", "grades.csv", env=env)
    with open(course / "grades.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    for result in results:
        mine = [r for r in rows if r["assignment"] == result["assignment"]]
        result["scores"] = {r["student_id"]: float(r["raw_score"]) for r in mine}
        result["max_score"] = float(mine[0]["max_score"])
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignments", nargs="*", help="lessons (default: every one)")
    parser.add_argument("--dataset", default="digits", choices=["digits", "mnist_sample"])
    args = parser.parse_args(argv)
    bin_dir, why = nbgrader_bin()
    if bin_dir is None:
        sys.exit(why)
    sys.path.insert(0, str(ROOT / "tools"))
    from graded_wheel import build

    from vaelearn.classroom.assignments import write_assignments
    from vaelearn.course import notebooks

    assignments = args.assignments or [p.stem for p in notebooks()]
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        install_graded_wheel(build(work / "wheel"), bin_dir)
        write_assignments(work / "course")
        started = time.perf_counter()
        results = round_trip(assignments, work / "course", bin_dir, dataset=args.dataset)
        wall = time.perf_counter() - started
        shutil.rmtree(work / "course" / "home", ignore_errors=True)
    print(f"| assignment | max | {' | '.join(SUBMISSIONS)} | autograde s (4 submissions) |")
    print(f"|---|---|{'---|' * len(SUBMISSIONS)}---|")
    matched = 0
    for r in results:
        cells = []
        for s in SUBMISSIONS:
            ok = abs(r["scores"][s] - r["expected"][s]) < 1e-9
            matched += ok
            cells.append(f"{r['scores'][s]:g}" + ("" if ok else f" (expected {r['expected'][s]:g})"))
        print(f"| {r['assignment']} | {r['max_score']:g} | {' | '.join(cells)} | {r['seconds']:.0f} |")
    grading = sum(r["seconds"] for r in results)
    print(f"\nAutograding {4 * len(results)} submissions took {grading:.0f} s "
          f"({grading / (4 * len(results)):.1f} s each); the whole round trip {wall:.0f} s.")
    print(json.dumps({"autograde_submissions": 4 * len(results), "matched_expected": matched,
                      "autograde_s": round(grading, 1), "round_trip_s": round(wall, 1),
                      "dataset": args.dataset}))
    return 0 if matched == 4 * len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
