"""Helpers of the fault-injection tests: run the CLI, check its one error line, snapshot a tree."""

import os
import subprocess
import sys
from pathlib import Path

CLI = "import sys; from vaelearn.classroom.cli import main; sys.exit(main(sys.argv[1:]))"


def one_error_line(stderr, *needles):
    """The one ``error: ...`` line of ``stderr``, checked to hold ``needles``, with no traceback."""
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, stderr
    for needle in needles:
        assert str(needle) in errors[0], (needle, errors[0])
    return errors[0]


def run_cli(*argv, env=None, **kwargs):
    """``vaelearn ARGV`` in a fresh interpreter: the CompletedProcess (text)."""
    return subprocess.run([sys.executable, "-c", CLI, *map(str, argv)], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120, **kwargs)



def tree(folder):
    """Every path under ``folder`` with its size, mtime and content: to show nothing changed."""
    folder = Path(folder)
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): (p.is_dir(), p.stat().st_mtime_ns,
                                              None if p.is_dir() else p.read_bytes())
            for p in folder.rglob("*")}
