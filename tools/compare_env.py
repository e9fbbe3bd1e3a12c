"""Build ``.venv-compare``: the course plus what ``bench/compare_*.py`` compare it with.

pythae and PyOD's VAE run on PyTorch, so a CPU-only PyTorch goes in first (:mod:`venvs`), then
the course's ``compare`` extra, pinned to what is already installed (TensorFlow's dependencies
do not move). ``make test`` runs the comparisons' smoke tests there; run the full comparisons
with ``.venv-compare/bin/python bench/compare_pythae.py`` (and ``compare_pyod.py``).

Exit code 0 when the environment is ready, 1 (and one line saying why) when it cannot be made.
"""

import sys
from pathlib import Path

from venvs import ROOT, ensure_torch, pinned, prepare_environment


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    venv = Path(argv[0]) if argv else ROOT / ".venv-compare"
    python = prepare_environment(venv, extra=None)
    problem = ensure_torch(python)
    if problem:
        print(f"{venv}: {problem}", file=sys.stderr)
        return 1
    prepare_environment(venv, extra="compare", constraints=pinned(python))
    return 0


if __name__ == "__main__":
    sys.exit(main())
