"""Where the downloadable datasets live: remote files, checksums and the local cache.

MNIST and Fashion-MNIST keep Keras' cache layout (``mnist.npz``, ``fashion-mnist/*.gz``), so
files that ``keras.datasets`` already downloaded are reused. CIFAR-10 is the archive Keras
downloads, from the same origin with the same checksum, kept under the origin's name
``cifar-10-python.tar.gz``: Keras 3 names its copy ``cifar-10-batches-py-target_archive``,
which is not looked for. The cache folder is ``$VAELEARN_DATA_DIR`` if set, else Keras'
``$KERAS_HOME/datasets`` (``~/.keras/datasets``).
"""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import CorruptCacheError, DatasetUnavailableError, UnknownDatasetError

__all__ = ["CIFAR10_ORIGIN", "KERAS_ORIGIN", "PREFETCH_DEFAULT", "REMOTE_DATASETS", "RemoteFile",
           "data_dir", "file_digest", "is_cached", "remote_files", "verify", "verify_cached"]

KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
CIFAR10_ORIGIN = "https://www.cs.toronto.edu/~kriz/"


@dataclass(frozen=True)
class RemoteFile:
    """One file of a downloadable dataset: its place in the cache, its checksum and where it is
    downloaded from.

    ``relpath`` is the file's path in the cache, ``algorithm`` a ``hashlib`` name and
    ``digest`` the file's hex digest under it; ``origin`` is the URL of the folder that holds
    the file on its server (Keras' own, unless given).
    """

    relpath: str
    algorithm: str
    digest: str
    origin: str = KERAS_ORIGIN

    @property
    def url(self):
        """The file's URL: ``origin`` followed by the file's name."""
        return self.origin + Path(self.relpath).name


REMOTE_DATASETS = {
    "mnist": (
        RemoteFile(
            "mnist.npz", "sha256", "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
        ),
    ),
    "fashion_mnist": (
        RemoteFile("fashion-mnist/train-images-idx3-ubyte.gz", "md5", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        RemoteFile("fashion-mnist/train-labels-idx1-ubyte.gz", "md5", "25c81989df183df01b3e8a0aad5dffbe"),
        RemoteFile("fashion-mnist/t10k-images-idx3-ubyte.gz", "md5", "bef4ecab320f06d8554ea6380940ec79"),
        RemoteFile("fashion-mnist/t10k-labels-idx1-ubyte.gz", "md5", "bb300cfdad3c16e7a12a480ee83cd310"),
    ),
    "cifar10": (
        RemoteFile(
            "cifar-10-python.tar.gz", "sha256",
            "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce", origin=CIFAR10_ORIGIN
        ),
    ),
}
# What `vaelearn prefetch` fetches when no dataset is named: the two small grey ones (about
# 40 MB together), not CIFAR-10's 170 MB archive.
PREFETCH_DEFAULT = ("mnist", "fashion_mnist")


def data_dir():
    """The dataset cache folder (it may not exist yet)."""
    if os.environ.get("VAELEARN_DATA_DIR"):
        return Path(os.environ["VAELEARN_DATA_DIR"]).expanduser()
    keras_home = os.environ.get("KERAS_HOME") or Path.home() / ".keras"
    return Path(keras_home).expanduser() / "datasets"


def remote_files(name):
    """The files that make up a downloadable dataset.

    Parameters
    ----------
    name : str

    Returns
    -------
    tuple of RemoteFile
    """
    try:
        return REMOTE_DATASETS[name]
    except KeyError:
        raise UnknownDatasetError(
            f"{name!r} is not a downloadable dataset; choose one of {sorted(REMOTE_DATASETS)}."
        ) from None


def file_digest(path, algorithm):
    """Hex digest of a file, read in 1 MiB chunks.

    Parameters
    ----------
    path : str or os.PathLike
    algorithm : str
        A ``hashlib`` name, e.g. ``"sha256"``.

    Returns
    -------
    str
    """
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(path, remote, *, name):
    """Raise :class:`~vaelearn.errors.CorruptCacheError` unless a file has the checksum it should.

    Parameters
    ----------
    path : str or os.PathLike
    remote : RemoteFile
    name : str
        The dataset the file belongs to, for the command the error suggests.
    """
    actual = file_digest(path, remote.algorithm)
    if actual != remote.digest:
        raise CorruptCacheError(
            f"{path} is corrupt or truncated ({remote.algorithm} {actual[:12]}..., expected "
            f"{remote.digest[:12]}...). Delete it and run `vaelearn prefetch {name}` again, or "
            f"copy a good file with `vaelearn prefetch {name} --from DIR`."
        )


def is_cached(name):
    """Whether every file of a dataset is in the cache (checksums are not read).

    Parameters
    ----------
    name : str

    Returns
    -------
    bool
    """
    return all((data_dir() / f.relpath).is_file() for f in remote_files(name))


def verify_cached(name):
    """Check every cached file of a dataset against its checksum.

    Parameters
    ----------
    name : str

    Returns
    -------
    list of pathlib.Path

    Raises
    ------
    DatasetUnavailableError
        A file is missing.
    CorruptCacheError
        A file has the wrong checksum.
    """
    paths = []
    for remote in remote_files(name):
        path = data_dir() / remote.relpath
        if not path.is_file():
            raise DatasetUnavailableError(
                f"{name!r} is not downloaded ({path} is missing). Run `vaelearn prefetch {name}`."
            )
        verify(path, remote, name=name)
        paths.append(path)
    return paths
