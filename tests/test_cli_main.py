"""The `vaelearn` entry point: help for every command, --version, and a light start-up."""

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from vaelearn.classroom.cli import main

COMMANDS = ["doctor", "prefetch", "run", "quiz", "notebooks", "progress"]


def test_installed_entry_point_prints_help(tmp_path):
    executable = Path(sys.executable).with_name("vaelearn")
    result = subprocess.run([str(executable), "--help"], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.startswith("usage: vaelearn")
    for command in COMMANDS:
        assert re.search(rf"^    {command}\s", result.stdout, re.M), command


@pytest.mark.parametrize("argv", [[c] for c in COMMANDS] + [["progress", "collect"]],
                         ids=" ".join)
def test_every_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: vaelearn {' '.join(argv)}")


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"vaelearn {metadata.version('vaelearn')}\n"


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_quiz_and_progress_do_not_import_tensorflow(tmp_path):
    code = ("import sys\nfrom vaelearn.classroom.cli import main\n"
            "main(['quiz']); main(['progress'])\n"
            "print(sorted({'tensorflow', 'keras'} & set(sys.modules)))")
    env = {**os.environ, "VAELEARN_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=60, check=True)
    assert result.stdout.splitlines()[-1] == "[]"
