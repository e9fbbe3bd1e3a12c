"""The comparisons with pythae and PyOD need PyTorch, so they run in their own environment,
``.venv-compare`` (``tools/compare_env.py``), where ``make test`` runs this folder. Elsewhere the
folder is left out; in that environment an empty collection fails the run (pytest's exit 5)."""

import importlib.util
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

if not all(importlib.util.find_spec(name) for name in ("torch", "pythae", "pyod")):
    collect_ignore_glob = ["test_*.py"]
