"""`vaelearn prefetch`: verified, atomic downloads and imports; clear failures offline.

The network is never used: ``urllib.request.urlopen`` is replaced by fakes, and the
expected MNIST checksum by that of a small fake ``mnist.npz`` written by the test.
"""

import http.client
import io
import time
import urllib.error
import urllib.request

import numpy as np
import pytest

from vaelearn import data, sources
from vaelearn.classroom.cli import main


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    """The empty dataset cache that conftest's ``home`` fixture points at."""
    return tmp_path / "datasets"


@pytest.fixture
def fake_mnist(tmp_path, monkeypatch):
    """The bytes of a small ``mnist.npz`` in Keras' format, registered as the real one."""
    rng = np.random.default_rng(0)
    buffer = io.BytesIO()
    np.savez(
        buffer,
        x_train=rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        y_train=np.arange(6, dtype=np.uint8),
        x_test=rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
        y_test=np.arange(4, dtype=np.uint8),
    )
    content = buffer.getvalue()
    path = tmp_path / "reference.npz"
    path.write_bytes(content)
    remote = sources.RemoteFile("mnist.npz", "sha256", sources.file_digest(path, "sha256"))
    monkeypatch.setitem(sources.REMOTE_DATASETS, "mnist", (remote,))
    return content


class FakeResponse:
    """An HTTP response that serves ``content`` in small chunks, then ``error`` if given."""

    def __init__(self, content, error=None):
        self.chunks = [content[i:i + 1000] for i in range(0, len(content), 1000)]
        self.error = error
        self.headers = {"Content-Length": str(len(content))}

    def read(self, size):
        if self.chunks:
            return self.chunks.pop(0)
        if self.error:
            raise self.error
        return b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def serve(monkeypatch, make_response):
    """Make ``urlopen`` return ``make_response()``; return the list of requested URLs."""
    urls = []

    def urlopen(url, timeout=None):
        urls.append(url)
        return make_response()

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    return urls


def files_in(folder):
    """Every file under ``folder`` (none if it does not exist), hidden ones included."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_download_verifies_and_installs(fake_mnist, cache, monkeypatch, capsys):
    urls = serve(monkeypatch, lambda: FakeResponse(fake_mnist))
    assert main(["prefetch", "mnist"]) == 0
    assert urls == [sources.KERAS_ORIGIN + "mnist.npz"]
    assert files_in(cache) == ["mnist.npz"]
    assert "mnist: downloaded" in capsys.readouterr().out
    assert data.load("mnist").x_train.shape == (6, 28, 28, 1)


def test_valid_cached_files_are_skipped(fake_mnist, cache, monkeypatch, capsys):
    cache.mkdir()
    (cache / "mnist.npz").write_bytes(fake_mnist)
    urls = serve(monkeypatch, lambda: FakeResponse(fake_mnist))
    assert main(["prefetch", "mnist"]) == 0
    assert urls == []
    assert "mnist: already cached" in capsys.readouterr().out


def test_corrupt_cached_file_is_downloaded_again(fake_mnist, cache, monkeypatch):
    cache.mkdir()
    (cache / "mnist.npz").write_bytes(fake_mnist[:100])
    serve(monkeypatch, lambda: FakeResponse(fake_mnist))
    assert main(["prefetch", "mnist"]) == 0
    assert (cache / "mnist.npz").read_bytes() == fake_mnist


@pytest.mark.parametrize("error", [
    ConnectionResetError(104, "Connection reset by peer"),
    http.client.IncompleteRead(b"", 5000),
], ids=["reset", "incomplete-read"])
def test_interrupted_download_leaves_no_file(fake_mnist, cache, monkeypatch, capsys, error):
    serve(monkeypatch, lambda: FakeResponse(fake_mnist[:3000], error=error))
    assert main(["prefetch", "mnist"]) == 1
    assert files_in(cache) == []  # neither mnist.npz nor a .part file
    err = capsys.readouterr().err
    assert "Could not download" in err and "Traceback" not in err


def test_checksum_mismatch_is_rejected(fake_mnist, cache, monkeypatch, capsys):
    serve(monkeypatch, lambda: FakeResponse(b"<html>captive portal</html>"))
    assert main(["prefetch", "mnist"]) == 1
    assert files_in(cache) == []
    assert "does not match its sha256 checksum" in capsys.readouterr().err


def test_offline_fails_fast_with_a_clear_message(cache, monkeypatch, capsys):
    def offline(url, timeout=None):
        raise urllib.error.URLError(OSError(-3, "Temporary failure in name resolution"))

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    start = time.perf_counter()
    code = main(["prefetch", "mnist", "fashion_mnist"])
    elapsed = time.perf_counter() - start
    assert code != 0
    assert elapsed < 1.0
    err = capsys.readouterr().err
    assert "Temporary failure in name resolution" in err
    assert "--from DIR" in err and "Traceback" not in err
    assert "Failed: mnist, fashion_mnist." in err
    assert files_in(cache) == []


def test_import_from_folder(fake_mnist, cache, tmp_path, monkeypatch, capsys):
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "mnist.npz").write_bytes(fake_mnist)
    serve(monkeypatch, lambda: pytest.fail("--from must not use the network"))
    assert main(["prefetch", "mnist", "--from", str(usb)]) == 0
    assert "mnist: imported" in capsys.readouterr().out
    assert (cache / "mnist.npz").read_bytes() == fake_mnist


def test_import_of_a_bad_file_is_refused(fake_mnist, cache, tmp_path, capsys):
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "mnist.npz").write_bytes(fake_mnist[:-10])
    assert main(["prefetch", "mnist", "--from", str(usb)]) == 1
    assert "Not importing 'mnist'" in capsys.readouterr().err
    assert files_in(cache) == []


def test_import_from_a_folder_without_the_files(fake_mnist, tmp_path, capsys):
    assert main(["prefetch", "mnist", "--from", str(tmp_path / "empty")]) == 1
    assert "mnist.npz for 'mnist' is not in" in capsys.readouterr().err


def test_unknown_dataset_is_rejected_before_any_download(monkeypatch, capsys):
    urls = serve(monkeypatch, lambda: pytest.fail("nothing may be downloaded"))
    assert main(["prefetch", "mnist", "imagenet"]) == 1
    assert urls == []
    assert "'imagenet' is not a downloadable dataset" in capsys.readouterr().err
