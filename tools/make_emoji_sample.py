"""Build ``vaelearn/bundled/emoji.npz`` from the npm registry's ``emoji-datasource-twitter``.

The package (version 16.0.0, by Cal Henderson, its code under the MIT licence) holds
Twitter's Twemoji 16.0.1 as 64x64 RGBA PNGs in ``img/twitter/64/`` and lists every image in
``emoji.json``, with its category ("Smileys & Emotion", "Animals & Nature", ...). The
graphics are by Twitter, Inc and other contributors, licensed under CC BY 4.0
(https://creativecommons.org/licenses/by/4.0/).

What this script keeps:

- every image that ``emoji.json`` lists, skin-tone variants included (they belong to their
  base emoji's category, "People & Body"; without them fewer than 2,000 images are left);
- not the category "Component": its five images are skin-tone swatches;
- one copy of images whose pixels are the same (some flags share a design, some families a
  drawing), the first in the metadata's ``sort_order``.

Each image is composited on white, kept as RGB uint8, and shrunk with Pillow's LANCZOS
filter when ``--size`` is below 64. The split puts about a fifth of each category in the
test split, and keeps the skin tones of one emoji together, so that no test image is a
recoloured copy of a training image (sklearn's ``StratifiedGroupKFold``, ``random_state=0``).

Run it once, from the repository root::

    npm pack emoji-datasource-twitter@16.0.0   # fetches the tarball (about 62 MB)
    python tools/make_emoji_sample.py emoji-datasource-twitter-16.0.0.tgz

The file holds ``x_train``, ``y_train``, ``x_test``, ``y_test``, ``class_names`` (label i
is ``class_names[i]``) and ``names_train``, ``names_test`` (each image's short name, with
``::skin-tone-N`` for each skin tone, as in emoji-data). It is written byte-for-byte
reproducibly, and its SHA-256 is printed for ``vaelearn/data.py``.
"""

import argparse
import hashlib
import io
import json
import sys
import tarfile
from pathlib import Path

import numpy as np
from PIL import Image
from sklearn.model_selection import StratifiedGroupKFold

from make_mnist_sample import write_npz

OUT = Path(__file__).resolve().parents[1] / "vaelearn" / "bundled" / "emoji.npz"
IMAGES = "package/img/twitter/64"
SWATCHES = "Component"
SKIN_TONES = {"1F3FB": "skin-tone-2", "1F3FC": "skin-tone-3", "1F3FD": "skin-tone-4",
              "1F3FE": "skin-tone-5", "1F3FF": "skin-tone-6"}
N_FOLDS = 5  # one fold for testing: a fifth of each category


def listed_images(tar):
    """``(file name, short name, category, group)`` of every image, in ``sort_order``.

    ``group`` numbers the base emoji, which its skin-tone variants share.
    """
    emoji = json.load(tar.extractfile("package/emoji.json"))
    rows = []
    for group, entry in enumerate(sorted(emoji, key=lambda e: e["sort_order"])):
        if entry["category"] == SWATCHES:
            continue
        rows.append((entry["image"], entry["short_name"], entry["category"], group))
        for tones, variant in sorted(entry.get("skin_variations", {}).items()):
            suffix = "".join(f"::{SKIN_TONES[tone]}" for tone in tones.split("-"))
            rows.append((variant["image"], entry["short_name"] + suffix, entry["category"], group))
    return rows


def category_order(tar):
    """The categories in the order of ``categories.json``, without the swatches."""
    return [c for c in json.load(tar.extractfile("package/categories.json")) if c != SWATCHES]


def on_white(png_bytes):
    """A PNG's pixels composited on white, RGB uint8 ``(64, 64, 3)``."""
    image = Image.open(io.BytesIO(png_bytes)).convert("RGBA")
    if image.size != (64, 64):
        sys.exit(f"unexpected image size {image.size}; not converting")
    white = Image.new("RGBA", image.size, (255, 255, 255, 255))
    return Image.alpha_composite(white, image).convert("RGB")


def read_package(tarball):
    """The listed images, the class names and every PNG's bytes by file name."""
    with tarfile.open(tarball) as tar:
        # One pass in the archive's order: looking files up out of order rereads the gzip.
        pngs = {Path(m.name).name: tar.extractfile(m).read() for m in tar
                if m.isfile() and str(Path(m.name).parent) == IMAGES}
        return listed_images(tar), category_order(tar), pngs


def read_emoji(tarball, size):
    """Images ``(n, size, size, 3)`` uint8, labels, short names, groups and class names."""
    rows, class_names, pngs = read_package(tarball)
    images, labels, names, groups, seen = [], [], [], [], set()
    for file_name, name, category, group in rows:
        image = on_white(pngs[file_name])
        digest = hashlib.sha256(image.tobytes()).digest()
        if digest in seen:
            continue
        seen.add(digest)
        if size != 64:
            image = image.resize((size, size), Image.LANCZOS)
        images.append(np.asarray(image))
        labels.append(class_names.index(category))
        names.append(name)
        groups.append(group)
    return (np.stack(images), np.asarray(labels, np.uint8), np.asarray(names),
            np.asarray(groups), np.asarray(class_names))


def split(labels, groups):
    """Indices (train, test), each in a fixed random order (see the module docstring)."""
    folds = StratifiedGroupKFold(n_splits=N_FOLDS, shuffle=True, random_state=0)
    train, test = next(folds.split(np.zeros(len(labels)), labels, groups))
    rng = np.random.default_rng(0)
    return rng.permutation(train), rng.permutation(test)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tarball", type=Path,
                        help="emoji-datasource-twitter-16.0.0.tgz from `npm pack`")
    parser.add_argument("--size", type=int, choices=(32, 64), default=32,
                        help="height and width of the stored images (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=OUT, help="default: %(default)s")
    args = parser.parse_args(argv)
    x, y, names, groups, class_names = read_emoji(args.tarball, args.size)
    train, test = split(y, groups)
    write_npz(args.out, {"x_train": x[train], "y_train": y[train], "x_test": x[test],
                         "y_test": y[test], "class_names": class_names,
                         "names_train": names[train], "names_test": names[test]})
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    print(f"{len(x)} images of {args.size}x{args.size} ({len(train)} train, {len(test)} test)")
    for label, category in enumerate(class_names):
        print(f"  {category:<18} {np.sum(y[train] == label):5d} train {np.sum(y[test] == label):4d}"
              " test")
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes), sha256 {digest}")


if __name__ == "__main__":
    main()
