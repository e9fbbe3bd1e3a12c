"""CIFAR-10: `vaelearn prefetch cifar10` and `vl.data.load("cifar10")`, with no network.

Each test writes a small archive in the real layout (``cifar-10-batches-py/data_batch_1..5``,
``test_batch`` and ``batches.meta``, pickled as CIFAR-10 pickles them) and registers its
checksum in place of the real one, keeping the real file name and origin;
``urllib.request.urlopen`` is replaced by a fake.
"""

import dataclasses
import hashlib
import io
import pickle
import tarfile
import urllib.request

import numpy as np
import pytest

from vaelearn import data, sources
from vaelearn.classroom import doctor
from vaelearn.classroom.cli import main
from vaelearn.errors import CorruptCacheError, DatasetUnavailableError, UnknownDatasetError

CLASS_NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
               "truck")
N_PER_BATCH = 3
BATCHES = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"


def image_rows(first, count):
    """``count`` rows as CIFAR-10 stores images (the red, green, then blue 32x32 plane):
    image k has red = its pixel's row, green = 64 + its column and blue = 128 + k."""
    rows, cols = np.mgrid[:32, :32]
    return np.stack([np.concatenate([rows.ravel(), 64 + cols.ravel(), np.full(1024, 128 + k)])
                     for k in range(first, first + count)]).astype(np.uint8)


def expected_images(first, count):
    """The images of ``image_rows(first, count)``, ``(count, 32, 32, 3)`` in [0, 1]."""
    rows, cols = np.mgrid[:32, :32]
    return np.stack([np.stack([rows, 64 + cols, np.full((32, 32), 128 + k)], axis=-1)
                     for k in range(first, first + count)]) / 255


def archive_bytes(*, leave_out=()):
    """A CIFAR-10 archive of N_PER_BATCH images per batch: the k-th image (counting through
    the batches in order) is ``image_rows(k, 1)``, with label k % 10."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        folder = tarfile.TarInfo("cifar-10-batches-py")
        folder.type = tarfile.DIRTYPE
        archive.addfile(folder)
        members = {"readme.html": b"<html></html>",
                   "batches.meta": pickle.dumps({
                       b"num_cases_per_batch": N_PER_BATCH, b"num_vis": 3072,
                       b"label_names": [name.encode() for name in CLASS_NAMES]})}
        for i, name in enumerate(BATCHES):
            first = i * N_PER_BATCH
            members[name] = pickle.dumps({
                b"batch_label": name.encode(), b"data": image_rows(first, N_PER_BATCH),
                b"labels": [k % 10 for k in range(first, first + N_PER_BATCH)],
                b"filenames": [f"{k}.png".encode() for k in range(first, first + N_PER_BATCH)]})
        for name, content in members.items():
            if name not in leave_out:
                info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def register(monkeypatch, content):
    """Make ``content`` the archive that the registry expects, at the real name and origin."""
    (real,) = sources.REMOTE_DATASETS["cifar10"]
    fake = dataclasses.replace(real, digest=hashlib.sha256(content).hexdigest())
    monkeypatch.setitem(sources.REMOTE_DATASETS, "cifar10", (fake,))


class FakeResponse(io.BytesIO):
    """An HTTP response serving ``content``."""

    def __init__(self, content):
        super().__init__(content)
        self.headers = {"Content-Length": str(len(content))}


def serve(monkeypatch, content):
    """Make ``urlopen`` serve ``content``; return the list of requested URLs."""
    urls = []

    def urlopen(url, timeout=None):
        urls.append(url)
        return FakeResponse(content)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    return urls


def files_in(folder):
    """Every file under ``folder`` (none if it does not exist), hidden ones included."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def cache(tmp_path):
    """The empty dataset cache that conftest's ``home`` fixture points at."""
    return tmp_path / "datasets"


@pytest.fixture
def fake_cifar10(monkeypatch):
    """The bytes of a small CIFAR-10 archive, registered as the real one."""
    content = archive_bytes()
    register(monkeypatch, content)
    return content


@pytest.fixture
def cached(fake_cifar10, cache):
    """The fake archive, in the cache."""
    cache.mkdir()
    path = cache / "cifar-10-python.tar.gz"
    path.write_bytes(fake_cifar10)
    return path


def test_the_registry_names_keras_file_origin_and_checksum():
    (remote,) = sources.remote_files("cifar10")
    assert remote.url == URL
    assert (remote.algorithm, remote.digest) == (
        "sha256", "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce")
    assert sources.remote_files("mnist")[0].url == sources.KERAS_ORIGIN + "mnist.npz"


def test_download_from_the_origin_verifies_and_installs(fake_cifar10, cache, monkeypatch, capsys):
    urls = serve(monkeypatch, fake_cifar10)
    assert main(["prefetch", "cifar10"]) == 0
    assert urls == [URL]
    assert files_in(cache) == ["cifar-10-python.tar.gz"]
    assert "cifar10: downloaded (checksums verified)" in capsys.readouterr().out
    assert data.load("cifar10").x_train.shape == (5 * N_PER_BATCH, 32, 32, 3)


def test_a_download_with_the_wrong_checksum_is_not_installed(fake_cifar10, cache, monkeypatch,
                                                             capsys):
    serve(monkeypatch, fake_cifar10[:-10])
    assert main(["prefetch", "cifar10"]) == 1
    assert files_in(cache) == []
    err = capsys.readouterr().err
    assert "does not match its sha256 checksum" in err and "Traceback" not in err


def test_import_from_a_folder(fake_cifar10, cache, tmp_path, monkeypatch, capsys):
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "cifar-10-python.tar.gz").write_bytes(fake_cifar10)
    monkeypatch.setattr(urllib.request, "urlopen",
                        lambda *args, **kwargs: pytest.fail("--from must not use the network"))
    assert main(["prefetch", "cifar10", "--from", str(usb)]) == 0
    assert "cifar10: imported (checksums verified)" in capsys.readouterr().out
    assert (cache / "cifar-10-python.tar.gz").read_bytes() == fake_cifar10


def test_import_of_a_wrong_file_is_refused_in_one_line(fake_cifar10, cache, tmp_path, capsys):
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "cifar-10-python.tar.gz").write_bytes(archive_bytes(leave_out=("readme.html",)))
    assert main(["prefetch", "cifar10", "--from", str(usb)]) == 1
    err = capsys.readouterr().err
    assert "Not importing 'cifar10'" in err and "vaelearn prefetch cifar10" in err
    assert len(err.strip().splitlines()) == 2  # the error, then "Failed: cifar10."
    assert files_in(cache) == []


def test_load_reads_the_archive_into_a_colour_dataset(cached):
    d = data.load("cifar10")
    assert d.name == "cifar10"
    assert d.x_train.shape == (5 * N_PER_BATCH, 32, 32, 3)
    assert d.x_test.shape == (N_PER_BATCH, 32, 32, 3)
    assert d.x_train.dtype == np.float32 and d.x_train.flags.c_contiguous
    assert 0 <= d.x_train.min() and d.x_train.max() <= 1
    # channels last, red first: red is the pixel's row, green its column, blue the image
    np.testing.assert_allclose(d.x_train, expected_images(0, 5 * N_PER_BATCH), atol=1e-6)
    np.testing.assert_allclose(d.x_test, expected_images(5 * N_PER_BATCH, N_PER_BATCH), atol=1e-6)
    assert d.y_train.dtype == np.int64
    np.testing.assert_array_equal(d.y_train, np.arange(5 * N_PER_BATCH) % 10)
    np.testing.assert_array_equal(d.y_test, np.arange(15, 18) % 10)
    assert d.info == {"class_names": CLASS_NAMES}
    assert not list(cached.parent.glob("cifar-10-batches-py*"))  # nothing was extracted


def test_cifar10_is_a_colour_image_dataset(monkeypatch):
    assert "cifar10" in data.IMAGE_DATASETS and "cifar10" in data.COLOUR_DATASETS
    monkeypatch.setenv("VAELEARN_DATASET", "cifar10")
    with pytest.raises(UnknownDatasetError, match="written for grey images"):
        data.load()


def test_a_missing_cache_names_the_prefetch_command():
    with pytest.raises(DatasetUnavailableError) as caught:
        data.load("cifar10")
    assert "`vaelearn prefetch cifar10`" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_truncated_cache_is_reported_not_used(cached):
    cached.write_bytes(cached.read_bytes()[:-100])
    with pytest.raises(CorruptCacheError, match="corrupt or truncated") as caught:
        data.load("cifar10")
    assert "`vaelearn prefetch cifar10`" in str(caught.value)


@pytest.mark.parametrize("content", [archive_bytes(leave_out=("test_batch",)), b"not a tar"],
                         ids=["without-test-batch", "not-an-archive"])
def test_an_unreadable_archive_with_a_matching_checksum_is_reported(content, cache, monkeypatch):
    register(monkeypatch, content)
    cache.mkdir()
    (cache / "cifar-10-python.tar.gz").write_bytes(content)
    with pytest.raises(CorruptCacheError, match="Cannot read the cached 'cifar10'"):
        data.load("cifar10")


def test_prefetch_fetches_cifar10_only_when_named(monkeypatch, capsys):
    urls = []

    def offline(url, timeout=None):
        urls.append(url)
        raise OSError("network is unreachable")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    assert main(["prefetch"]) == 1
    assert URL not in urls
    assert "Failed: mnist, fashion_mnist." in capsys.readouterr().err


def test_prefetch_help_lists_cifar10(capsys):
    with pytest.raises(SystemExit):
        main(["prefetch", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "mnist, fashion_mnist and/or cifar10" in out
    assert "cifar10, 170 MB, only when named" in out


def test_doctor_lists_cifar10_as_an_optional_download(cached):
    checks = {check.name: check for check in doctor.check_datasets()}
    assert checks["dataset cifar10"].status == doctor.OK
    cached.unlink()
    check = next(c for c in doctor.check_datasets() if c.name == "dataset cifar10")
    assert check.status == doctor.NOTE and "`vaelearn prefetch cifar10`" in check.detail
