"""Datasets for the course, as float32 arrays in [0, 1] shaped ``(n, H, W, C)``.

Offline, with nothing to download:

- ``load("mnist_sample")``: 10,000 real 28x28 MNIST digits that ship inside this package
  (8,000 for training, 2,000 for testing, a fixed split stratified by digit);
- ``load("digits")``: scikit-learn's 1,797 8x8 digits, the fast option;
- ``load("emoji")``: 3,747 32x32 colour drawings of Twitter's Twemoji (CC BY 4.0) that ship
  inside this package, in 9 categories (2,997 for training, 750 for testing, a fixed split
  stratified by category).

``load("mnist")`` and ``load("fashion_mnist")`` read Keras' cache files, and
``load("cifar10")`` the CIFAR-10 archive Keras downloads (60,000 32x32 colour photographs in
10 classes); each is downloaded only when asked. ``load("auto")`` (the notebooks' default)
picks full MNIST if it is on disk and the bundled sample otherwise. The colour datasets
(``COLOUR_DATASETS``: emoji and CIFAR-10) are ``(n, 32, 32, 3)``; the other named datasets
are grey ``(n, H, W, 1)``, and the notebooks use those. ``from_folder`` reads any folder
of images (one class per sub-folder) into the same kind of ``Dataset``, in grey or in colour
``(n, H, W, 3)``. ``make_ring`` builds the 2-D toy of the failure-mode lessons, and
``binarize`` turns grey levels into the binary pixels a Bernoulli likelihood describes.
"""

import gzip
import numbers
import os
import pickle
import tarfile
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .deprecation import warn_renamed
from .errors import (CorruptCacheError, DatasetUnavailableError, SkippedFilesWarning,
                     UnknownDatasetError)
from .randomness import numpy_generator
from .sources import data_dir, file_digest, is_cached, verify_cached

__all__ = ["COLOUR_DATASETS", "DATASET_NAMES", "IMAGE_DATASETS", "SPRITE_SHAPES", "TOY_DATASETS",
           "Dataset", "binarize", "from_folder", "load", "make_ring", "make_sprites"]

IMAGE_DATASETS = ("mnist_sample", "digits", "emoji", "mnist", "fashion_mnist", "cifar10")
# The notebooks are written for grey images: these are not for $VAELEARN_DATASET.
COLOUR_DATASETS = ("emoji", "cifar10")
TOY_DATASETS = ("ring",)
DATASET_NAMES = ("auto",) + IMAGE_DATASETS + TOY_DATASETS


@dataclass
class Dataset:
    """A train/test split. ``x_*``: float32 ``(n, *example_shape)``; ``y_*``: int labels ``(n,)``.

    ``info`` holds extras such as the ring's ``centers`` and ``sigma``.
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    info: dict = field(default_factory=dict)

    @property
    def example_shape(self):
        """The shape of one example, e.g. ``(8, 8, 1)`` for digits or ``(2,)`` for the ring."""
        return self.x_train.shape[1:]

    @property
    def image_shape(self):
        """The old name of :attr:`example_shape`."""
        warn_renamed("Dataset.image_shape", "Dataset.example_shape")
        return self.example_shape

    def __repr__(self):
        return (f"Dataset({self.name!r}: {len(self.x_train)} train, {len(self.x_test)} test, "
                f"example shape {self.example_shape})")

    def subset(self, n_train=None, n_test=None, *, seed=None):
        """A random subset, drawn without replacement, in random order.

        Parameters
        ----------
        n_train, n_test : int, optional
            Examples kept from each split (all when None or larger than the split).
        seed : int, optional

        Returns
        -------
        Dataset
        """
        rng = numpy_generator(seed)

        def pick(x, y, n):
            index = rng.permutation(len(x))[:n]
            return x[index], y[index]

        x_train, y_train = pick(self.x_train, self.y_train, n_train)
        x_test, y_test = pick(self.x_test, self.y_test, n_test)
        return replace(self, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)


def binarize(x, *, seed=None):
    """Binary pixels drawn as x_bin ~ Bernoulli(x).

    A Bernoulli likelihood is a normalised probability only for binary pixels. The published
    MNIST log-likelihoods train on a fresh draw every epoch (*dynamic* binarisation: the
    ``VAE``'s ``binarize=True``) and evaluate on one fixed draw, made by this function.

    Parameters
    ----------
    x : array_like
        Grey levels in [0, 1].
    seed : int, optional

    Returns
    -------
    numpy.ndarray
        0.0 or 1.0, float32, shaped like ``x``.
    """
    x = np.asarray(x)
    return (numpy_generator(seed).random(x.shape) < x).astype("float32")


def load(name=None, *, download=False):
    """Load a dataset by name.

    Parameters
    ----------
    name : {"auto", "mnist_sample", "digits", "emoji", "mnist", "fashion_mnist", "cifar10", "ring"}, optional
        ``None`` means ``$VAELEARN_DATASET`` if set, else ``"auto"``. ``"emoji"`` and
        ``"cifar10"`` are in colour, ``(n, 32, 32, 3)``, with ``info={"class_names": tuple of
        str}`` (label i is ``class_names[i]``); the notebooks are written for grey images, so
        ``$VAELEARN_DATASET`` cannot name them. ``"cifar10"`` is CIFAR-10's 50,000 training
        and 10,000 test images, read from the cached archive ``cifar-10-python.tar.gz``
        without extracting it. As float32 they take 60,000 x 3,072 x 4 bytes, about 740 MB
        (about 0.9 GB at peak while loading): on a shared machine keep a subset, e.g.
        ``load("cifar10").subset(10_000, 2_000, seed=0)``, so that the full arrays are freed.
    download : bool
        Allow a download when a dataset is not cached (CIFAR-10's archive is 170 MB).
        Nothing is downloaded otherwise.

    Returns
    -------
    Dataset
    """
    if not name:
        name = _dataset_setting()
    if name == "auto":
        return _load_auto()
    if name == "mnist_sample":
        return _load_mnist_sample()
    if name == "digits":
        return _load_digits()
    if name == "emoji":
        return _load_emoji()
    if name == "ring":
        return make_ring()
    if name in ("mnist", "fashion_mnist", "cifar10"):
        return _load_cached(name, download)
    raise UnknownDatasetError(
        f"Unknown dataset {name!r}. Valid names: {', '.join(DATASET_NAMES)}."
    )


def _dataset_setting():
    """``$VAELEARN_DATASET``, or "auto"; a colour dataset there is refused in one line."""
    name = os.environ.get("VAELEARN_DATASET") or "auto"
    if name in COLOUR_DATASETS:
        grey = ", ".join(n for n in IMAGE_DATASETS if n not in COLOUR_DATASETS)
        raise UnknownDatasetError(
            f"VAELEARN_DATASET={name}: the notebooks are written for grey images ({grey} or auto); "
            f"set one of those, and load the colour {name} with vl.data.load({name!r}) in your "
            "own code.")
    return name


def _load_auto():
    if is_cached("mnist"):
        try:
            data = _load_cached("mnist", download=False)
        except CorruptCacheError as e:
            print(f"Using the bundled MNIST sample: the full MNIST cache is unusable. {e}")
            return _load_mnist_sample()
        print(f"Using full MNIST from {data_dir()} (28x28, 70,000 images).")
        return data
    print("Using the bundled MNIST sample (10,000 real 28x28 digits).")
    return _load_mnist_sample()


MNIST_SAMPLE = Path(__file__).parent / "bundled" / "mnist_sample.npz"
MNIST_SAMPLE_SHA256 = "155ca4bb5147e48dc7849914ddbc8d911a4e6317b70481c1b5cf5a4aeccf8fd9"
# Written by tools/make_emoji_sample.py from the npm package emoji-datasource-twitter 16.0.0.
EMOJI = Path(__file__).parent / "bundled" / "emoji.npz"
EMOJI_SHA256 = "12b2623bdc0dd8a7bb1b63570bd4045f939a68499c9c4207abca3be103cca4d9"
REINSTALL = "Reinstall vaelearn (pip install --force-reinstall vaelearn)"


def _load_mnist_sample():
    (x_train, y_train), (x_test, y_test) = _read_bundled(
        MNIST_SAMPLE, MNIST_SAMPLE_SHA256, _read_mnist_npz, what="MNIST sample",
        fix=f"{REINSTALL}, or use load('digits').")
    return Dataset("mnist_sample", _to_unit(x_train), y_train.astype("int64"),
                   _to_unit(x_test), y_test.astype("int64"))


def _load_emoji():
    (x_train, y_train), (x_test, y_test), class_names = _read_bundled(
        EMOJI, EMOJI_SHA256, _read_emoji_npz, what="emoji dataset", fix=f"{REINSTALL}.")
    return Dataset("emoji", _scaled(x_train), y_train.astype("int64"), _scaled(x_test),
                   y_test.astype("int64"), info={"class_names": class_names})


def _read_bundled(path, sha256, read, *, what, fix):
    """``read(path)`` once the file's SHA-256 matches; a one-line error naming it otherwise."""
    try:
        digest = file_digest(path, "sha256")
        if digest != sha256:
            raise ValueError(f"sha256 {digest[:12]}..., expected {sha256[:12]}...")
        return read(path)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
        raise CorruptCacheError(
            f"The bundled {what} {path} is missing or damaged ({e}). {fix}") from e


def _load_digits():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.images / 16.0).astype("float32")[..., None]
    x_train, x_test, y_train, y_test = train_test_split(
        x, digits.target, test_size=0.2, random_state=0, stratify=digits.target
    )
    return Dataset("digits", x_train, y_train, x_test, y_test)


def _load_cached(name, download):
    if not is_cached(name):
        if not download:
            raise DatasetUnavailableError(
                f"{name!r} is not in {data_dir()}. Download it once while online with "
                f"`vaelearn prefetch {name}` (or `vaelearn.data.load({name!r}, download=True)`), "
                "or use the bundled 'digits' dataset, which works offline."
            )
        from .download import download as fetch

        fetch(name)
    paths = verify_cached(name)
    try:
        (x_train, y_train), (x_test, y_test), info = _read_cached(name, paths)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, tarfile.TarError,
            pickle.UnpicklingError, zlib.error) as e:
        raise CorruptCacheError(
            f"Cannot read the cached {name!r} files in {data_dir()} ({e}). Delete them and run "
            f"`vaelearn prefetch {name}` again."
        ) from e
    return Dataset(name, _scaled(x_train), y_train.astype("int64"), _scaled(x_test),
                   y_test.astype("int64"), info=info)


def _read_cached(name, paths):
    """The uint8 images ``(n, H, W, C)``, labels and ``info`` in a downloaded dataset's files."""
    if name == "cifar10":
        return _read_cifar10_archive(paths[0])
    arrays = _read_mnist_npz(paths[0]) if name == "mnist" else _read_idx_files(paths)
    (x_train, y_train), (x_test, y_test) = arrays
    return (x_train[..., None], y_train), (x_test[..., None], y_test), {}


_CIFAR10_FOLDER = "cifar-10-batches-py"
_CIFAR10_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))


def _read_cifar10_archive(path):
    """CIFAR-10's pickled batches, read from its ``.tar.gz`` without extracting it.

    The archive's checksum was verified, so its pickles are CIFAR-10's own and safe to load.
    """
    wanted = (*_CIFAR10_TRAIN_BATCHES, "test_batch", "batches.meta")
    found = {}
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:  # in the archive's order, so the gzip stream is read once
            folder, _, base = member.name.rpartition("/")
            if folder == _CIFAR10_FOLDER and base in wanted and member.isfile():
                with archive.extractfile(member) as f:
                    found[base] = pickle.load(f, encoding="bytes")
    missing = [base for base in wanted if base not in found]
    if missing:
        raise ValueError(f"the archive holds no {_CIFAR10_FOLDER}/{missing[0]}")

    def split(batches):
        pixels = np.concatenate([np.asarray(found[b][b"data"], dtype=np.uint8) for b in batches])
        # Each row holds the red, then the green, then the blue 32x32 plane.
        images = np.ascontiguousarray(pixels.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
        y = np.concatenate([np.asarray(found[b][b"labels"], dtype=np.int64) for b in batches])
        return images, y

    class_names = tuple(name.decode() for name in found["batches.meta"][b"label_names"])
    return split(_CIFAR10_TRAIN_BATCHES), split(["test_batch"]), {"class_names": class_names}


def _read_mnist_npz(path):
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def _read_emoji_npz(path):
    with np.load(path, allow_pickle=False) as f:
        class_names = tuple(str(name) for name in f["class_names"])
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"]), class_names


def _read_idx_files(paths):
    train_images, train_labels, test_images, test_labels = paths

    def read(path, offset):
        with gzip.open(path, "rb") as f:
            return np.frombuffer(f.read(), np.uint8, offset=offset)

    y_train, y_test = read(train_labels, 8), read(test_labels, 8)
    x_train = read(train_images, 16).reshape(len(y_train), 28, 28)
    x_test = read(test_images, 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)


def _to_unit(images):
    return (images.astype("float32") / 255.0)[..., None]


def from_folder(path, *, image_size, channels=3, test_fraction=0.2, seed=None, max_bytes=None):
    """A folder of images as a Dataset: one class per sub-folder, split at random.

    :func:`vaelearn.folders.read_folder` reads the folder: its layout (class sub-folders, or
    the images alone), the formats it reads, and how each image is cropped (never padded)
    and resized to ``image_size``. The split then puts ``test_fraction`` of each class in the
    test split when every class has at least 2 images, else ``test_fraction`` of the whole
    folder, keeping at least one image of each class (or of the folder) for training; both
    splits come in random order. The files that are not readable images are named in one
    :class:`~vaelearn.errors.SkippedFilesWarning`.

    Parameters
    ----------
    path : str or os.PathLike
        The folder.
    image_size : int or (int, int)
        The size of every image in pixels: a square's side, or (height, width).
    channels : {3, 1}
        3 for colour (RGB), 1 for grey.
    test_fraction : float
        The share of the images kept for testing, in [0, 1); 0 keeps them all for training
        (the test arrays are then empty).
    seed : int, optional
        The split's seed: an int gives the same split every time.
    max_bytes : int, optional
        Refuse a folder whose images would take more memory than this (default: half the
        memory available; see :func:`~vaelearn.folders.read_folder`).

    Returns
    -------
    Dataset
        Named after the folder: ``x_train``, ``x_test`` float32 in [0, 1] shaped ``(n,
        height, width, channels)``, ``y_train``, ``y_test`` int labels ``(n,)``, and
        ``info={"class_names": tuple of str (label i is class_names[i]), "skipped": list of
        the skipped files' paths relative to the folder, "path": the folder, str}``.

    Raises
    ------
    FolderNotFoundError, NotAFolderError, NoImagesError, FolderTooLargeError
        See :func:`~vaelearn.folders.read_folder`.
    """
    from .folders import read_folder  # Pillow and tqdm, only for folders

    _check_test_fraction(test_fraction)
    folder = Path(path).expanduser().resolve()
    images, y, class_names, skipped = read_folder(folder, image_size=image_size,
                                                  channels=channels, max_bytes=max_bytes)
    if skipped:
        shown = ", ".join(skipped[:3]) + (", ..." if len(skipped) > 3 else "")
        warnings.warn(SkippedFilesWarning(
            f"Skipped {len(skipped)} file{'s' if len(skipped) != 1 else ''} in {folder} that "
            f"are not readable images: {shown}"), stacklevel=2)
    train, test = _split(y, test_fraction, numpy_generator(seed))
    info = {"class_names": class_names, "skipped": skipped, "path": str(folder)}
    return Dataset(folder.name, _scaled(images[train]), y[train], _scaled(images[test]), y[test],
                   info=info)


def _check_test_fraction(test_fraction):
    valid = isinstance(test_fraction, numbers.Real) and not isinstance(test_fraction, bool)
    if not (valid and 0 <= test_fraction < 1):
        raise ValueError(f"test_fraction is the share of the images kept for testing, a number "
                         f"in [0, 1); got {test_fraction!r}.")


def _split(y, test_fraction, rng):
    """Indices (train, test) into ``y``, each in random order (see :func:`from_folder`)."""
    classes = [np.flatnonzero(y == label) for label in np.unique(y)]
    groups = classes if min(len(c) for c in classes) >= 2 else [np.arange(len(y))]
    test = []
    for group in groups:
        n_test = min(int(test_fraction * len(group) + 0.5), len(group) - 1)
        test.append(rng.permutation(group)[:n_test])
    test = np.concatenate(test)
    return rng.permutation(np.setdiff1d(np.arange(len(y)), test)), rng.permutation(test)


def _scaled(images):
    """uint8 pixels as float32 in [0, 1]."""
    return np.divide(images, np.float32(255), dtype="float32")


def make_ring(n_train=4000, n_test=1000, *, n_modes=8, radius=1.0, sigma=0.05, seed=None):
    """The 8-Gaussian ring: mode k centred at angle 2*pi*k/n_modes on a circle.

    Parameters
    ----------
    n_train, n_test : int
        Points in each split.
    n_modes : int
    radius : float
        The circle's radius.
    sigma : float
        Each mode's standard deviation.
    seed : int, optional

    Returns
    -------
    Dataset
        2-D points ``(n, 2)``, the mode index as label, and
        ``info={"centers": (n_modes, 2) array, "sigma": sigma}``.
    """
    rng = numpy_generator(seed)
    angles = 2 * np.pi * np.arange(n_modes) / n_modes
    centers = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)

    def draw(n):
        labels = rng.integers(n_modes, size=n)
        points = centers[labels] + sigma * rng.standard_normal((n, 2))
        return points.astype("float32"), labels

    x_train, y_train = draw(n_train)
    x_test, y_test = draw(n_test)
    return Dataset("ring", x_train, y_train, x_test, y_test,
                   info={"centers": centers.astype("float32"), "sigma": sigma})


SPRITE_SHAPES = ("square", "circle", "triangle")


def make_sprites(n_train=4000, n_test=1000, *, size=16, n_scales=4, n_positions=8, seed=None):
    """Sprites made from known generative factors: shape, scale, x and y position.

    Each image shows one white-on-black shape (a square, a circle or a triangle), drawn with
    anti-aliased edges (4x4 samples per pixel). Its four factors are drawn independently and
    uniformly, which is the generative story a disentangled code should recover: shape from
    ``SPRITE_SHAPES``, scale from ``n_scales`` radii between 2.25 and 3.5 pixels (for
    ``size=16``, in proportion otherwise), x and y from ``n_positions`` evenly spaced centres
    that keep the largest shape inside the image, off its border pixels.

    Parameters
    ----------
    n_train, n_test : int
        Images in each split.
    size : int
        Height and width in pixels.
    n_scales, n_positions : int
        Levels of the scale factor and of each position factor.
    seed : int, optional

    Returns
    -------
    Dataset
        Images ``(n, size, size, 1)`` in [0, 1]. The labels are the factors: ``y_train`` and
        ``y_test`` are int arrays ``(n, 4)`` holding each image's level of shape, scale, x and
        y (x grows to the right, y downwards), so that ``subset`` keeps them with their
        images. ``info`` holds ``factor_names`` ("shape", "scale", "x", "y"), ``factor_sizes``
        (the number of levels of each) and ``factor_values`` (each level's meaning: the shape
        names, radii in pixels and centre coordinates in pixels).
    """
    rng = numpy_generator(seed)
    unit = size / 16
    radii = unit * np.linspace(2.25, 3.5, n_scales)
    margin = _TRIANGLE_TOP * radii[-1] + unit  # the triangle reaches furthest from its centre
    centres = np.linspace(margin, size - margin, n_positions)
    sizes = (len(SPRITE_SHAPES), n_scales, n_positions, n_positions)
    grid = (np.arange(4 * size) + 0.5) / 4  # 4 samples per pixel along each axis
    gx, gy = np.meshgrid(grid, grid)

    def draw(n):
        factors = np.stack([rng.integers(k, size=n) for k in sizes], axis=1)
        images = np.empty((n, size, size, 1), dtype="float32")
        for i, (shape, scale, x, y) in enumerate(factors):
            inside = _sprite_mask(shape, radii[scale], gx - centres[x], gy - centres[y])
            images[i, ..., 0] = inside.reshape(size, 4, size, 4).mean(axis=(1, 3))
        return images, factors

    x_train, y_train = draw(n_train)
    x_test, y_test = draw(n_test)
    info = {"factor_names": ("shape", "scale", "x", "y"), "factor_sizes": sizes,
            "factor_values": (SPRITE_SHAPES, radii, centres, centres)}
    return Dataset("sprites", x_train, y_train, x_test, y_test, info=info)


_TRIANGLE_TOP = 1.2  # the triangle's apex lies this many radii above its centroid


def _sprite_mask(shape, radius, dx, dy):
    """Which sample points (offsets ``dx``, ``dy`` from the centre) the shape covers."""
    if SPRITE_SHAPES[shape] == "square":  # about the area of the circle of this radius
        return (np.abs(dx) <= 0.85 * radius) & (np.abs(dy) <= 0.85 * radius)
    if SPRITE_SHAPES[shape] == "circle":
        return dx**2 + dy**2 <= radius**2
    top = _TRIANGLE_TOP * radius  # an upward equilateral triangle, centred on its centroid
    return (dy <= top / 2) & (dy >= -top + np.sqrt(3) * np.abs(dx))
