"""How fast ``vaelearn.data.from_folder`` reads a folder of images, and the memory it peaks at.

Writes ``--n`` generated PNGs (default 10,000, 32x32 RGB: a random square, circle or
triangle on a random background, one class sub-folder per shape) into a temporary folder,
then reads the folder ``--repeats`` times with ``from_folder`` at its own size, in colour.
Reports the median time, images per second, and the process's peak resident memory
(``resource.getrusage``'s ``ru_maxrss``, which includes writing the images). The last line is
``folder_load_images_per_s: N``.
"""

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import _common as c

SHAPES = ("square", "circle", "triangle")


def write_images(folder, n_images, size, seed=0):
    """``n_images`` PNGs of ``size`` x ``size`` pixels under ``folder/<shape>/``."""
    import numpy as np
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    for shape in SHAPES:
        (folder / shape).mkdir(parents=True)
    for i in range(n_images):
        shape = SHAPES[i % len(SHAPES)]
        background, colour = (tuple(int(v) for v in rng.integers(0, 256, 3)) for _ in range(2))
        image = Image.new("RGB", (size, size), background)
        draw = ImageDraw.Draw(image)
        radius = rng.uniform(0.15, 0.35) * size
        cx, cy = rng.uniform(radius, size - radius, 2)
        box = (cx - radius, cy - radius, cx + radius, cy + radius)
        if shape == "square":
            draw.rectangle(box, fill=colour)
        elif shape == "circle":
            draw.ellipse(box, fill=colour)
        else:
            corners = [(cx, cy - radius), (cx - radius, cy + radius), (cx + radius, cy + radius)]
            draw.polygon(corners, fill=colour)
        image.save(folder / shape / f"{i:06d}.png")


def peak_rss_mib():
    """The process's peak resident memory so far, in MiB (ru_maxrss counts kB on Linux, bytes
    on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="images (default 10,000)")
    parser.add_argument("--size", type=int, default=32, help="side in pixels (default 32)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 200 images, 1 round")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.repeats = 200, 1

    from vaelearn import data

    with tempfile.TemporaryDirectory(prefix="vaelearn-folder-load-") as tmp:
        folder = Path(tmp) / "shapes"
        start = time.perf_counter()
        write_images(folder, args.n, args.size)
        writing = time.perf_counter() - start
        before = peak_rss_mib()
        seconds = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            ds = data.from_folder(folder, image_size=args.size, seed=0)
            seconds.append(time.perf_counter() - start)
            n_train, n_test = len(ds.x_train), len(ds.x_test)
            del ds  # the next round's peak memory then holds one dataset, not two
    median = c.median(seconds)
    print(f"Machine: {c.machine_info()}")
    print(f"{args.n:,} {args.size}x{args.size} RGB PNGs in {len(SHAPES)} class folders "
          f"(written in {writing:.1f} s); read into {n_train:,} train and {n_test:,} test images")
    print(f"from_folder: median {median:.3f} s over {args.repeats} round(s) "
          f"(min {min(seconds):.3f}, max {max(seconds):.3f}), {args.n / median:,.0f} images/s")
    print(f"peak resident memory: {peak_rss_mib():,.0f} MiB ({before:,.0f} MiB before the first "
          "read)")
    print(f"folder_load_images_per_s: {args.n / median:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
