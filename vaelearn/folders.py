"""Reading a folder of image files into arrays: one image per file, one class per sub-folder.

:func:`read_folder` knows files and pixels, nothing of splits or datasets
(:func:`vaelearn.data.from_folder` builds a ``Dataset`` on it). It reads either layout::

    flowers/                        flowers/
        daisy/   a.jpg  b.png ...       a.png  b.jpg  c.gif ...
        tulip/   c.webp d.bmp ...

the first as two classes, "daisy" and "tulip", the second as one class, "flowers". Every
file is tried with Pillow whatever its name: PNG, JPEG, GIF, BMP and WebP images are read,
and every other file is skipped.
"""

import math
import numbers
import os
import struct
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps
from tqdm.auto import tqdm

from .errors import FolderNotFoundError, FolderTooLargeError, NoImagesError, NotAFolderError

__all__ = ["IMAGE_FORMATS", "PROGRESS_BAR_ABOVE", "available_memory", "read_folder"]

IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP")  # Pillow's names
PROGRESS_BAR_ABOVE = 500  # files: smaller folders load without a progress bar
# What Pillow raises for a file that is not an image of IMAGE_FORMATS, or a damaged one.
_UNREADABLE = (OSError, SyntaxError, ValueError, EOFError, struct.error,
               Image.DecompressionBombError)


def read_folder(path, *, image_size, channels=3, max_bytes=None):
    """Read every image of a folder, resized to one size, labelled by class sub-folder.

    The sub-folders of ``path`` (one level deep) are the classes, labelled 0, 1, ... in the
    order of their names. The images directly in ``path`` form a class named after the
    folder: the only class when there are no sub-folders, else the first one (label 0),
    ahead of the sub-folders. A class without a readable image is left out. Files and
    folders whose names start with "." are ignored, and so are folders inside the classes.

    Each file is opened with Pillow whatever its name (:data:`IMAGE_FORMATS`; a GIF's or an
    animated WebP's first frame), turned upright as its EXIF orientation says, composited on
    white where it is transparent, converted to grey or colour, centre-cropped to the aspect
    ratio of ``image_size`` and resized with a Lanczos (antialiasing) filter. An image of
    another aspect ratio loses its edges: it is cropped, never padded. Files that are not
    images of these formats, that cannot be read or that are truncated are skipped.

    The files are counted before any is opened, and a folder whose images would take more
    than ``max_bytes`` as float32 arrays is refused.

    Parameters
    ----------
    path : str or os.PathLike
        The folder.
    image_size : int or (int, int)
        The size of every image in pixels: a square's side, or (height, width).
    channels : {3, 1}
        3 for colour (RGB), 1 for grey.
    max_bytes : int, optional
        The most memory the images may take as float32 arrays (``n_files * height * width *
        channels * 4`` bytes, counting every candidate file); half of
        :func:`available_memory` by default, no limit where that is unknown.

    Returns
    -------
    images : numpy.ndarray
        uint8 ``(n, height, width, channels)``.
    y : numpy.ndarray
        int labels ``(n,)``: the index of each image's class in ``class_names``.
    class_names : tuple of str
    skipped : list of str
        The files left out, as paths relative to ``path``, in the order they were tried.

    Raises
    ------
    FolderNotFoundError
        There is nothing at ``path``.
    NotAFolderError
        ``path`` is a file.
    FolderTooLargeError
        The images would take more than ``max_bytes``.
    NoImagesError
        No file of the folder is a readable image.
    """
    folder = _existing_folder(path)
    example_shape = (*_height_width(image_size), _checked_channels(channels))
    classes = _classes(folder)
    files = [(label, file) for label, (_, members) in enumerate(classes) for file in members]
    _refuse_if_too_large(folder, len(files), example_shape, max_bytes)
    images, y, skipped = _read_files(folder, files, example_shape)
    if y.size == 0:
        raise NoImagesError(
            f"No readable image in {folder} (looked at {len(files)} "
            f"file{'s' if len(files) != 1 else ''}); put PNG, JPEG, GIF, BMP or WebP images in "
            "it, or in one sub-folder per class.")
    kept = np.unique(y)  # the classes with images, renumbered 0, 1, ...
    return images, np.searchsorted(kept, y), tuple(classes[i][0] for i in kept), skipped


def available_memory():
    """The bytes of memory free for new arrays now, or None where the system does not say.

    Linux's ``MemAvailable`` (free memory and the caches it can drop) where /proc/meminfo
    has it, else the free physical pages ``os.sysconf`` counts (on macOS, which does not
    count them, all physical pages).

    Returns
    -------
    int or None
    """
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024  # counted in kB
    except OSError:
        pass
    for pages in ("SC_AVPHYS_PAGES", "SC_PHYS_PAGES"):
        try:
            return os.sysconf(pages) * os.sysconf("SC_PAGE_SIZE")
        except (AttributeError, ValueError, OSError):  # no sysconf (Windows), or no such name
            pass
    return None


def _existing_folder(path):
    folder = Path(path).expanduser().resolve()
    if not folder.exists():
        raise FolderNotFoundError(f"There is no folder {folder}; check the path (a relative "
                                  f"path starts from {Path.cwd()}).")
    if not folder.is_dir():
        raise NotAFolderError(f"{folder} is a file, not a folder; pass the folder that holds "
                              f"the images (or their class sub-folders), such as {folder.parent}.")
    return folder


def _height_width(image_size):
    def is_size(value):
        return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value > 0

    if is_size(image_size):
        return int(image_size), int(image_size)
    pair = isinstance(image_size, (tuple, list)) and len(image_size) == 2
    if pair and all(map(is_size, image_size)):
        return int(image_size[0]), int(image_size[1])
    raise ValueError(f"image_size is a positive int (a square's side) or a (height, width) pair "
                     f"of them, got {image_size!r}.")


def _checked_channels(channels):
    if isinstance(channels, bool) or channels not in (1, 3):
        raise ValueError(f"channels must be 1 (grey) or 3 (colour), got {channels!r}.")
    return int(channels)


def _classes(folder):
    """[(class name, files)] in label order: the loose files, then each sub-folder's."""
    entries = _visible(folder)
    loose = [entry for entry in entries if entry.is_file()]
    return [(folder.name, loose)] + [
        (entry.name, [file for file in _visible(entry) if file.is_file()])
        for entry in entries if entry.is_dir()]


def _visible(folder):
    return sorted(entry for entry in folder.iterdir() if not entry.name.startswith("."))


def _refuse_if_too_large(folder, n_files, example_shape, max_bytes):
    if max_bytes is None:
        available = available_memory()
        max_bytes = math.inf if available is None else available // 2
    needed = n_files * math.prod(example_shape) * 4  # float32, as vaelearn.data holds them
    if needed > max_bytes:
        height, width, channels = example_shape
        raise FolderTooLargeError(
            f"The {n_files:,} files in {folder} would take {needed / 1e6:,.1f} MB as "
            f"{height}x{width}x{channels} float32 images, more than the {max_bytes / 1e6:,.1f} MB "
            "allowed (max_bytes); ask for a smaller image_size, or channels=1, or use a folder "
            "with fewer files.")


def _read_files(folder, files, example_shape):
    """The readable images of ``files`` ([(label, path)]) as uint8, their labels, and the
    paths (relative to ``folder``) of the others."""
    images = np.empty((len(files), *example_shape), dtype="uint8")
    y, skipped = [], []
    bar = tqdm(files, desc=f"Reading {folder.name}", unit="file",
               disable=len(files) <= PROGRESS_BAR_ABOVE)
    for label, file in bar:
        image = _read_image(file, example_shape)
        if image is None:
            skipped.append(file.relative_to(folder).as_posix())
        else:
            images[len(y)] = image
            y.append(label)
    return images[:len(y)], np.array(y, dtype="int64"), skipped


def _read_image(file, example_shape):
    """The image in ``file`` as uint8 ``example_shape``, or None when Pillow cannot read it."""
    height, width, channels = example_shape
    mode = "L" if channels == 1 else "RGB"
    try:
        with Image.open(file, formats=IMAGE_FORMATS) as image:
            # A JPEG can decode at 1/2, 1/4 or 1/8 scale, much faster; draft keeps it at least
            # this large (a square, as the EXIF orientation may turn it).
            image.draft(mode, (max(height, width),) * 2)
            image = ImageOps.exif_transpose(image)  # reads the pixels
            image = _opaque(_eight_bit(image)).convert(mode)
            image = ImageOps.fit(image, (width, height), method=Image.Resampling.LANCZOS)
    except _UNREADABLE:
        return None
    return np.asarray(image).reshape(example_shape)


def _eight_bit(image):
    """``image`` with 16-bit grey levels scaled to 8 bits (Pillow's own conversion clips them)."""
    if image.mode in ("I", "I;16", "I;16B"):
        return image.convert("I").point(lambda value: value / 256)
    return image


def _opaque(image):
    """``image`` composited on white where it has an alpha channel or a transparent colour."""
    if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
        return image
    white = Image.new("RGBA", image.size, "white")
    return Image.alpha_composite(white, image.convert("RGBA"))
