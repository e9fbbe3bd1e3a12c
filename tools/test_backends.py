"""Run the unit tests and the notebooks on each Keras backend: ``make test-backends``.

Everything runs in one environment, ``.venv-backends`` (apart from ``.venv``, so that ``make
lab`` stays lean): the course with its test extra, plus JAX and a CPU-only PyTorch, which are
installed there when missing (:mod:`venvs`: pinned beside TensorFlow, PyTorch's CPU build).

Each backend runs in its own processes (``KERAS_BACKEND`` is read when Keras is imported). The
table at the end has one row per backend; the last line is machine-readable, and the exit code
is 0 only when every backend was installed and passed every part that ran.

Standard library only: this script runs before the environment exists.
"""

import argparse
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from venvs import ROOT, ensure_jax, ensure_torch, prepare_environment

BACKENDS = ("tensorflow", "jax", "torch")
PARTS = {
    "unit": ["tests", "--ignore=tests/browser"],
    # JAX trains notebook 05's convolutional model ~15x slower than TensorFlow on a CPU: one
    # of its cells takes ~6 minutes there (BENCHMARKS.md), past nbval's usual 300 s.
    "notebooks": ["notebooks", "--nbval-cell-timeout=900"],
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default=",".join(BACKENDS),
                        help="comma-separated, from %(default)s")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help="comma-separated, from %(default)s")
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv-backends",
                        help="environment to use (default: %(default)s)")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments, after --")
    args = parser.parse_args(argv)
    backends = _choices(parser, args.backends, BACKENDS)
    parts = _choices(parser, args.parts, PARTS)

    python = prepare_environment(args.venv)
    missing = {}
    if "jax" in backends:
        missing["jax"] = ensure_jax(python)
    if "torch" in backends:
        missing["torch"] = ensure_torch(python)
    rows = []
    for backend in backends:
        if missing.get(backend):
            rows.append({"backend": backend, "version": "-", "problem": missing[backend]})
            continue
        row = {"backend": backend, "version": installed_version(python, backend)}
        for part in parts:
            row[part] = run_part(python, backend, part, args.pytest_args)
        rows.append(row)
    print_table(rows, parts)
    ok = all(not row.get("problem") and all(row[p]["ok"] for p in parts) for row in rows)
    print("test_backends: " + " ".join(
        f"{row['backend']}={'not-installed' if row.get('problem') else 'ok' if all(row[p]['ok'] for p in parts) else 'FAILED'}"
        for row in rows))
    return 0 if ok else 1


def _choices(parser, text, allowed):
    chosen = [c for c in text.split(",") if c]
    unknown = [c for c in chosen if c not in allowed]
    if unknown or not chosen:
        parser.error(f"choose from {', '.join(allowed)}; got {text!r}")
    return chosen


def installed_version(python, backend):
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[backend]
    out = subprocess.run([str(python), "-c", f"import importlib.metadata as m; print(m.version("
                          f"'{module}'))"], capture_output=True, text=True)
    return out.stdout.strip() or "?"


def run_part(python, backend, part, extra):
    """Run one part under one backend; return counts, failing test ids and seconds."""
    report = python.parent.parent / f"junit-{backend}-{part}.xml"
    env = {**os.environ, "KERAS_BACKEND": backend}
    command = [str(python), "-m", "pytest", *PARTS[part], "-p", "no:cacheprovider", "-q",
               f"--junitxml={report}", *extra]
    print(f"\n=== {backend}: {part} ===\n$ KERAS_BACKEND={backend} {' '.join(command[2:])}",
          flush=True)
    start = time.perf_counter()
    code = subprocess.run(command, cwd=ROOT, env=env).returncode
    seconds = time.perf_counter() - start
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    failing = []
    if report.exists():
        for case in ElementTree.parse(report).iter("testcase"):
            outcome = next((child.tag for child in case
                            if child.tag in ("failure", "error", "skipped")), "passed")
            key = {"failure": "failed", "error": "failed"}.get(outcome, outcome)
            counts[key] += 1
            if key == "failed":
                failing.append(f"{case.get('classname')}::{case.get('name')}")
    # pytest exits 5 when nothing was collected: not a pass.
    return {"ok": code == 0 and counts["passed"] > 0, "counts": counts, "failing": failing,
            "seconds": seconds, "exit": code}


def print_table(rows, parts):
    headers = ["backend", "version"] + [f"{part} (passed/failed/skipped)" for part in parts]
    lines = []
    for row in rows:
        if row.get("problem"):
            lines.append([row["backend"], row["version"]] + ["not installed"] * len(parts))
            continue
        cells = []
        for part in parts:
            result = row[part]
            c = result["counts"]
            cells.append(f"{c['passed']}/{c['failed']}/{c['skipped']} in {result['seconds']:.0f} s"
                         + ("" if result["ok"] else f" (exit {result['exit']})"))
        lines.append([row["backend"], row["version"]] + cells)
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *lines)]
    print("\n| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for line in lines:
        print("| " + " | ".join(str(x).ljust(w) for x, w in zip(line, widths)) + " |")
    for row in rows:
        if row.get("problem"):
            print(f"\n{row['backend']}: {row['problem']}")
        for part in parts:
            for test in row.get(part, {}).get("failing", []):
                print(f"{row['backend']} {part} FAILED: {test}")


if __name__ == "__main__":
    sys.exit(main())
