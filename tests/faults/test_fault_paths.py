"""Every OSError a user can cause is one line that names the path and the fix: no traceback.

Before: prefetch onto a read-only file system, a full disk or a data folder that is a file
(which `doctor` passed); CSV output to a read-only folder, a folder, /dev/full or a closed
pipe; a non-UTF-8 or UTF-16 quiz or a quiz path that is a folder; `vaelearn run` on JSON
that is not a notebook or with an unwritable --out (found after the notebook ran) all ended
in tracebacks.
"""

import io
import os
import subprocess
import sys

import nbformat
import numpy as np
import pytest
from faultkit import CLI, full_disk_open, one_error_line
from nbformat.v4 import new_code_cell, new_notebook

from vaelearn import download, sources
from vaelearn.classroom import doctor
from vaelearn.classroom.cli import main


@pytest.fixture
def fake_mnist(tmp_path, monkeypatch):
    """A small mnist.npz registered as the real one; returns the folder holding it."""
    rng = np.random.default_rng(0)
    buffer = io.BytesIO()
    np.savez(buffer, x_train=rng.integers(0, 256, (300, 28, 28), dtype=np.uint8),
             y_train=np.zeros(300, np.uint8), x_test=rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
             y_test=np.zeros(4, np.uint8))
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "mnist.npz").write_bytes(buffer.getvalue())  # 240 KB: more than a 64 KiB disk holds
    digest = sources.file_digest(usb / "mnist.npz", "sha256")
    monkeypatch.setitem(sources.REMOTE_DATASETS, "mnist", (sources.RemoteFile("mnist.npz", "sha256", digest),))
    return usb, digest


# --- prefetch ------------------------------------------------------------------------

def test_prefetch_into_a_read_only_folder(fake_mnist, tmp_path, read_only, capsys):
    usb, _ = fake_mnist
    (tmp_path / "datasets").mkdir()
    read_only(tmp_path / "datasets")
    assert main(["prefetch", "mnist", "--from", str(usb)]) == 1
    one_error_line(capsys.readouterr().err, tmp_path / "datasets" / "mnist.npz",
                   "the file system is read-only", "VAELEARN_DATA_DIR")
    assert list((tmp_path / "datasets").iterdir()) == []


def test_prefetch_into_a_data_folder_that_is_a_file(fake_mnist, tmp_path, capsys, monkeypatch):
    usb, _ = fake_mnist
    (tmp_path / "datasets").write_text("not a folder")
    assert main(["prefetch", "mnist", "--from", str(usb)]) == 1
    one_error_line(capsys.readouterr().err, f"{tmp_path / 'datasets'} is a file, where a folder is needed",
                   "Move that file away", "VAELEARN_DATA_DIR")
    assert (tmp_path / "datasets").read_text() == "not a folder"

    monkeypatch.setattr(doctor, "check_device", lambda: doctor.Check("device", doctor.OK, "CPU"))
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "fail  dataset mnist" in out and "is a file, where the data folder" in out


def test_prefetch_onto_a_full_disk(fake_mnist, tmp_path, monkeypatch, capsys):
    usb, _ = fake_mnist
    monkeypatch.setattr(download, "open", full_disk_open(65536), raising=False)
    assert main(["prefetch", "mnist", "--from", str(usb)]) == 1
    one_error_line(capsys.readouterr().err, tmp_path / "datasets" / "mnist.npz", "the disk is full",
                   "Free some space, or set VAELEARN_DATA_DIR")
    assert list((tmp_path / "datasets").iterdir()) == []


PREFETCH = """
import sys
from vaelearn import sources
sources.REMOTE_DATASETS["mnist"] = (sources.RemoteFile("mnist.npz", "sha256", sys.argv[1]),)
from vaelearn.classroom.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("options, cause", [("ro", "the file system is read-only"),
                                            ("size=64k", "the disk is full")])
def test_prefetch_onto_a_real_read_only_or_full_file_system(fake_mnist, tmp_path, tiny_mount,
                                                            options, cause):
    usb, digest = fake_mnist
    cache = tmp_path / "mounted"
    result = tiny_mount(cache, options, sys.executable, "-c", PREFETCH, digest,
                        "prefetch", "mnist", "--from", usb, env={"VAELEARN_DATA_DIR": str(cache)})
    assert result.returncode == 1, result.stderr
    one_error_line(result.stderr, cache / "mnist.npz", cause, "VAELEARN_DATA_DIR")


# --- CSV output ----------------------------------------------------------------------

@pytest.fixture
def an_attempt(home):
    import vaelearn.quiz

    vaelearn.quiz.load("eli5").check("goal", "B")


@pytest.mark.parametrize("argv", [["progress", "--export", "csv"], ["progress", "collect", "{progress}"]],
                         ids=["export", "collect"])
class TestCSVOutput:
    def run(self, argv, output, capsys):
        from vaelearn.records import record_path

        code = main([a.format(progress=record_path()) for a in argv] + ["--output", str(output)])
        return code, capsys.readouterr().err

    def test_into_a_read_only_folder(self, an_attempt, tmp_path, read_only, capsys, argv):
        (tmp_path / "ro").mkdir()
        read_only(tmp_path / "ro")
        code, err = self.run(argv, tmp_path / "ro" / "out.csv", capsys)
        assert code == 1
        one_error_line(err, tmp_path / "ro" / "out.csv", "the file system is read-only",
                       "Choose another --output FILE")

    def test_onto_a_folder(self, an_attempt, tmp_path, capsys, argv):
        code, err = self.run(argv, tmp_path, capsys)
        assert code == 1
        one_error_line(err, f"Cannot write {tmp_path}: it is a folder, not a file",
                       "Choose another --output FILE")

    def test_onto_a_full_disk(self, an_attempt, capsys, argv):
        code, err = self.run(argv, "/dev/full", capsys)
        assert code == 1
        one_error_line(err, "Cannot write /dev/full: the disk is full")
        assert not os.path.isfile("/dev/full")  # written to, never replaced

    def test_below_a_file(self, an_attempt, tmp_path, capsys, argv):
        (tmp_path / "report").write_text("a file")
        code, err = self.run(argv, tmp_path / "report" / "out.csv", capsys)
        assert code == 1
        one_error_line(err, f"{tmp_path / 'report'} is a file, where a folder is needed")

    def test_into_a_missing_folder(self, an_attempt, tmp_path, capsys, argv):
        code, err = self.run(argv, tmp_path / "nope" / "deeper" / "out.csv", capsys)
        assert code == 1
        one_error_line(err, f"the folder {tmp_path / 'nope'} does not exist", "Create it")


def test_csv_to_a_closed_pipe(an_attempt, home):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written
    result = subprocess.run([sys.executable, "-c", CLI, "progress", "--export", "csv"],
                            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60,
                            env={**os.environ, "VAELEARN_HOME": str(home)})
    os.close(write_end)
    assert result.returncode == 1
    one_error_line(result.stderr, "standard output", "the reader closed the pipe", "--output FILE")
    assert "Exception ignored" not in result.stderr


# --- quiz files ----------------------------------------------------------------------

QUIZ = """title: Tiny
questions:
  - id: q1
    type: single
    prompt: Pick the café.
    choices: ["tea", "café"]
    answer: B
    explanation: Café it is.
"""


def test_a_quiz_that_is_not_utf8(tmp_path, capsys):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(QUIZ.encode("latin-1"))
    assert main(["quiz", str(path), "--answers"]) == 1
    one_error_line(capsys.readouterr().err, path, "is not UTF-8 text", "save it as UTF-8")


def test_a_utf16_quiz_with_a_byte_order_mark_loads(tmp_path, capsys):
    path = tmp_path / "windows.yaml"
    path.write_bytes(QUIZ.encode("utf-16"))
    assert main(["quiz", str(path), "--answers"]) == 0
    assert "café" in capsys.readouterr().out


def test_a_quiz_path_that_is_a_folder(tmp_path, capsys):
    folder = tmp_path / "quizzes.yaml"
    folder.mkdir()
    assert main(["quiz", str(folder)]) == 1
    one_error_line(capsys.readouterr().err, folder, "is a folder, not a quiz file")


# --- vaelearn run --------------------------------------------------------------------

def notebook(path, *sources):
    nbformat.write(new_notebook(cells=[new_code_cell(s) for s in sources]), path)
    return path


def test_run_checks_every_input_before_running_anything(tmp_path, capsys):
    ran = tmp_path / "ran.txt"
    good = notebook(tmp_path / "good.ipynb", f"open({str(ran)!r}, 'w').write('ran')")
    package = tmp_path / "package.json"
    package.write_text('{"name": "not a notebook"}')
    torn = tmp_path / "torn.ipynb"
    torn.write_text('{"cells": [')
    assert main(["run", str(good), str(package), str(torn), "--out", str(tmp_path / "build")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2
    assert f"cannot read the notebook {package}: it is not a Jupyter notebook" in errors[0]
    assert f"cannot read the notebook {torn}" in errors[1]
    assert not ran.exists() and not (tmp_path / "build").exists()  # nothing run, nothing made


@pytest.mark.parametrize("blocked", ["a file", "read-only"])
def test_run_checks_the_output_folder_before_running_anything(tmp_path, capsys, read_only, blocked):
    ran = tmp_path / "ran.txt"
    good = notebook(tmp_path / "good.ipynb", f"open({str(ran)!r}, 'w').write('ran')")
    out = tmp_path / "build"
    if blocked == "a file":
        out.write_text("in the way")
        cause = f"{out} is a file, where a folder is needed"
    else:
        out.mkdir()
        read_only(out)
        cause = "the file system is read-only"
    assert main(["run", str(good), "--out", str(out)]) == 1
    one_error_line(capsys.readouterr().err, out, cause, "--out DIR")
    assert not ran.exists()
