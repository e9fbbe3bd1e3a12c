"""Side environments for maintainers' scripts: the course plus packages ``.venv`` does not have.

``make test-backends`` (JAX and PyTorch beside TensorFlow) and the comparison benchmarks
(pythae and PyOD, both on PyTorch) each get a virtual environment of their own, so that ``make
lab`` stays lean. Packages added to an environment are pinned to the versions already there,
so adding one never moves TensorFlow's dependencies. PyTorch: a plain ``pip install torch`` may
pull gigabytes of CUDA wheels, so a CPU build is looked for first (a ``+cpu`` version that pip
can see, then PyTorch's CPU index); without one, PyTorch is reported as not installable.

Standard library only: these run before the environment exists.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def pip(python, *args, check=True):
    command = [str(python), "-m", "pip", "--disable-pip-version-check", *args]
    print("$", " ".join(command[2:]), flush=True)
    return subprocess.run(command, check=check, text=True, capture_output=not check)


def prepare_environment(venv, extra="test", constraints=None):
    """Create ``venv`` and install the course (editable) with its ``extra`` (None: none);
    reinstall when pyproject.toml changes. Returns the environment's ``python``."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    stamp = venv / f".installed-{extra or 'course'}"
    pyproject = ROOT / "pyproject.toml"
    if not stamp.exists() or stamp.stat().st_mtime < pyproject.stat().st_mtime:
        pinning = ["-c", str(constraints)] if constraints else []
        pip(python, "install", "-q", "-e", f"{ROOT}[{extra}]" if extra else str(ROOT), *pinning)
        stamp.touch()
    return python


def importable(python, module):
    return subprocess.run([str(python), "-c", f"import {module}"],
                          capture_output=True).returncode == 0


def pinned(python, tmp_name="constraints.txt"):
    """A constraints file holding every installed version, so new packages move none."""
    freeze = subprocess.run([str(python), "-m", "pip", "freeze", "--exclude-editable"],
                            capture_output=True, text=True, check=True).stdout
    path = python.parent.parent / tmp_name
    path.write_text(freeze)
    return path


def failure(result):
    """The last line pip wrote to stderr, without its warnings about unreadable indexes."""
    lines = [line for line in (result.stderr or "").splitlines() if line.strip()
             and "is ignored: it is neither a file nor a directory" not in line]
    return lines[-1] if lines else f"pip exited with {result.returncode}"


def ensure_jax(python):
    """Install JAX (its CPU build is the default wheel) if missing; return a problem or None."""
    if importable(python, "jax"):
        return None
    result = pip(python, "install", "-q", "jax", "jaxlib", "-c", str(pinned(python)), check=False)
    return None if result.returncode == 0 else f"pip could not install jax: {failure(result)}"


def ensure_torch(python):
    """Install a CPU-only PyTorch if none is there; return a problem or None."""
    if importable(python, "torch"):
        return None
    constraints = str(pinned(python))
    listed = subprocess.run([str(python), "-m", "pip", "index", "versions", "torch"],
                            capture_output=True, text=True)
    cpu_builds = re.findall(r"(\d+(?:\.\d+)*\+cpu)\b", listed.stdout)
    if cpu_builds:
        newest = max(cpu_builds, key=lambda v: tuple(map(int, v.split("+")[0].split("."))))
        result = pip(python, "install", "-q", f"torch=={newest}", "-c", constraints, check=False)
        if result.returncode == 0:
            return None
    result = pip(python, "install", "-q", "torch", "--index-url", TORCH_CPU_INDEX,
                 "-c", constraints, "--timeout", "30", check=False)
    if result.returncode == 0:
        return None
    return ("no CPU-only PyTorch build found (no '+cpu' version visible to pip, and "
            f"{TORCH_CPU_INDEX} failed: {failure(result)}); a plain `pip install torch` may "
            "download gigabytes of CUDA wheels, so none was installed")
