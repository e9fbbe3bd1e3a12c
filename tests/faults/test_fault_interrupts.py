"""Signals stop commands cleanly: no temporary file left, the right exit code, no traceback.

Before: SIGTERM, SIGHUP and kill -9 during prefetch left hidden ``.part`` files (up to the
dataset's size) that nothing removed; `vaelearn run` turned Ctrl-C into a failed notebook
and went on with the next one (exit 1, not 130).
"""

import os
import signal
import subprocess
import sys
import time

import nbformat
import pytest
from faultkit import CLI
from nbformat.v4 import new_code_cell, new_notebook

from vaelearn import sources
from vaelearn.classroom.cli import main

SLOW_DOWNLOAD = """
import sys, time, urllib.request
from vaelearn import sources

content = open(sys.argv[1], "rb").read()

class SlowResponse:
    headers = {"Content-Length": str(len(content))}
    chunks = [content[i:i + 1000] for i in range(0, len(content), 1000)]
    def read(self, size):
        time.sleep(0.05)
        return self.chunks.pop(0) if self.chunks else b""
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return False

urllib.request.urlopen = lambda url, timeout=None: SlowResponse()
digest = sources.file_digest(sys.argv[1], "sha256")
sources.REMOTE_DATASETS["mnist"] = (sources.RemoteFile("mnist.npz", "sha256", digest),)
from vaelearn.classroom.cli import main
sys.exit(main(["prefetch", "mnist"]))
"""


@pytest.fixture
def dataset(tmp_path):
    path = tmp_path / "source.npz"
    path.write_bytes(os.urandom(200_000))  # 200 chunks: 10 s to download
    return path


def partial_files(cache):
    return sorted(cache.glob(".mnist.npz.*.part")) if cache.exists() else []


def start_download(dataset, cache):
    """A `vaelearn prefetch mnist` that is writing its .part file."""
    process = subprocess.Popen([sys.executable, "-c", SLOW_DOWNLOAD, str(dataset)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "VAELEARN_DATA_DIR": str(cache)})
    deadline = time.monotonic() + 60
    while not partial_files(cache) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert partial_files(cache), process.communicate(timeout=60)
    time.sleep(0.3)
    return process


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGHUP, 129),
                                          (signal.SIGINT, 130)], ids=["TERM", "HUP", "INT"])
def test_a_signalled_prefetch_leaves_no_partial_file(dataset, tmp_path, signum, code):
    cache = tmp_path / "datasets"
    process = start_download(dataset, cache)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == code
    assert err.strip().endswith("Interrupted.") and "Traceback" not in err
    assert partial_files(cache) == [] and not (cache / "mnist.npz").exists()


def test_a_killed_prefetch_leaves_a_partial_file_that_the_next_one_removes(dataset, tmp_path,
                                                                           monkeypatch):
    cache = tmp_path / "datasets"
    process = start_download(dataset, cache)
    process.kill()
    process.wait(timeout=30)
    (stale,) = partial_files(cache)
    past = time.time() - 60
    os.utime(stale, (past, past))

    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "mnist.npz").write_bytes(dataset.read_bytes())
    digest = sources.file_digest(dataset, "sha256")
    monkeypatch.setitem(sources.REMOTE_DATASETS, "mnist", (sources.RemoteFile("mnist.npz", "sha256", digest),))
    assert main(["prefetch", "mnist", "--from", str(usb)]) == 0
    assert partial_files(cache) == []
    assert (cache / "mnist.npz").read_bytes() == dataset.read_bytes()


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)],
                         ids=["Ctrl-C", "TERM"])
def test_an_interrupt_stops_the_whole_run(tmp_path, signum, code):
    started, second = tmp_path / "started.txt", tmp_path / "second.txt"
    first = tmp_path / "a_slow.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(
        f"import time\nopen({str(started)!r}, 'w').close()\ntime.sleep(60)")]), first)
    other = tmp_path / "b_next.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(f"open({str(second)!r}, 'w').close()")]), other)
    process = subprocess.Popen([sys.executable, "-c", CLI, "run", str(first), str(other),
                                "--out", str(tmp_path / "build")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert started.exists(), process.communicate(timeout=60)
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    assert process.returncode == code
    assert err.strip().endswith("Interrupted.") and "Traceback" not in err
    assert not second.exists()
    assert "passed" not in out and "failed" not in out
