"""Fresh virtual environments for tests that install a built wheel (offline)."""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path


def venv_seeing_this_environment(base):
    """A fresh venv under ``base`` that sees this environment's installed packages through a
    path file, but not its editable vaelearn (that needs the ``__editable__`` path file, which a
    plain path line does not run), so a wheel installed into it is the vaelearn it imports.

    Returns ``(venv, env)``: its folder, and an environment for subprocesses with a fresh home,
    dataset cache and the 8x8 digits, the venv's ``bin`` first on ``PATH``.
    """
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                              "['purelib'])"], capture_output=True, text=True, check=True)
    ours = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    (Path(purelib.stdout.strip()) / "test-environment.pth").write_text("\n".join(sorted(ours)))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env.update(
        HOME=str(base / "home"),
        VAELEARN_HOME=str(base / "home" / ".vaelearn"),
        VAELEARN_DATA_DIR=str(base / "datasets"),
        VAELEARN_DATASET="digits",  # the fast dataset, as in every notebook test
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        PIP_CONFIG_FILE=os.devnull,
        # Jupyter's data (nbconvert's templates, the widgets' lab extension) lives under this
        # environment's prefix, not the venv's.
        JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"),
    )
    env.pop("VAELEARN_QUIZ_DIR", None)
    (base / "home").mkdir()
    return venv, env


def install_wheel(venv, wheel):
    """Install ``wheel`` into ``venv`` offline: no index, dependencies already seen."""
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                    "install", "--no-deps", "--no-index", "--force-reinstall", "-q", str(wheel)],
                   check=True, capture_output=True, text=True, timeout=300)
