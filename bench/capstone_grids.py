"""The capstone's generated images, saved as PNG grids, with the numbers that judge them.

Trains the capstone's reference model (notebook 12, exercise ``colour_vae``: a conditional VAE
with a discretized logistic likelihood and a predicted scale per pixel, 470 updates) on the
bundled emoji, at ``--seed``, and writes to ``--out`` (default ``bench/results/``):

- ``capstone_unconditional.png``: 8 x 8 images, categories drawn at their training frequencies;
- ``capstone_by_category.png``: one row of 8 per category, in ``class_names`` order;
- ``capstone_by_category_prior.png``: the same rows with codes from the prior N(0, I).

Codes come from a Gaussian fitted to the training codes of each category
(``vl.sampling.fitted_codes``), as the notebook's "new smileys"; the prior's grid shows what
that cures. Each image is the mean of p(x | z, y). Printed: training time, held-out bits per
dimension (IWAE, 10 samples, 300 test images) beside the pixel histogram's, and the share of
each grid that a classifier trained on the emoji reads as the category asked for. The last
line is ``capstone_bits_per_dim: X.XXX``.
"""

import argparse
import sys
import time
from pathlib import Path

import _common as c

RESULTS = Path(__file__).resolve().parent / "results"
PER_ROW = 8
SCALE = 2  # pixels of the PNG per pixel of an image


def save_grid(images, path, *, ncols, description):
    """``images`` ``(n, H, W, 3)`` in [0, 1] tiled ``ncols`` wide on white, 1-pixel gaps,
    enlarged ``SCALE`` times (nearest neighbour), with ``description`` as the PNG's alt text."""
    import numpy as np
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    n, height, width, channels = images.shape
    nrows = -(-n // ncols)
    canvas = np.ones((nrows * (height + 1) + 1, ncols * (width + 1) + 1, channels), "float32")
    for i, image in enumerate(images):
        row, col = divmod(i, ncols)
        canvas[1 + row * (height + 1):(row + 1) * (height + 1),
               1 + col * (width + 1):(col + 1) * (width + 1)] = image
    picture = Image.fromarray(np.round(canvas * 255).astype("uint8"))
    picture = picture.resize((picture.width * SCALE, picture.height * SCALE), Image.NEAREST)
    info = PngInfo()
    info.add_text("Description", description)
    path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(path, pnginfo=info)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="the run's seed (default 0)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for the PNGs")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 600 training images, 100 test images")
    args = parser.parse_args(argv)

    import numpy as np

    import vaelearn as vl
    from vaelearn import exercises

    vl.seed(args.seed)
    data = vl.data.load("emoji")
    if args.quick:
        data = data.subset(600, 100, seed=args.seed)
    names = data.info["class_names"]
    start = time.perf_counter()
    vae = exercises.get("colour_vae").reference(data.x_train, data.y_train,
                                                n_classes=len(names), seed=args.seed)
    trained_s = time.perf_counter() - start

    test_x, test_y = data.x_test[:300], data.y_test[:300]
    vae_bits = vl.evaluation.bits_per_dim(vae, test_x, test_y, n_samples=10, seed=args.seed)
    histogram_bits = vl.metrics.histogram_bits_per_dim(data.x_train, test_x)

    rng = np.random.default_rng(args.seed)
    by_frequency = rng.choice(len(names), PER_ROW * PER_ROW,
                              p=np.bincount(data.y_train, minlength=len(names)) / len(data.y_train))
    by_category = np.repeat(np.arange(len(names)), PER_ROW)

    def fitted(labels):
        z = vl.sampling.fitted_codes(vae, data.x_train, data.y_train, y_new=labels, seed=args.seed)
        return vae.decode(z, labels)

    grids = {
        "capstone_unconditional.png": (by_frequency, fitted(by_frequency),
                                       "categories drawn at their training frequencies"),
        "capstone_by_category.png": (by_category, fitted(by_category),
                                     "one row per category: " + ", ".join(names)),
        "capstone_by_category_prior.png": (by_category,
                                           vae.sample(len(by_category), y=by_category,
                                                      seed=args.seed),
                                           "codes from the prior; one row per category: "
                                           + ", ".join(names)),
    }
    judge = vl.metrics.fit_judge(data.x_train, data.y_train, hidden=128, seed=args.seed)
    print(f"Machine: {c.machine_info()}")
    print(f"reference colour_vae on the bundled emoji ({len(data.x_train):,} training images, "
          f"{int(vae.optimizer.iterations)} updates) in {trained_s:.1f} s; seed {args.seed}")
    print(f"held-out bits per dimension (IWAE-10, {len(test_x)} images): VAE {vae_bits.mean():.3f}, "
          f"pixel histogram {histogram_bits.mean():.3f}")
    print(f"the judge reads {judge.score(data.x_test, data.y_test):.0%} of the real test emoji "
          "right (chance 11%)")
    rows = []
    for file_name, (labels, images, what) in grids.items():
        save_grid(images, args.out / file_name, ncols=PER_ROW,
                  description=f"{len(images)} emoji generated by the course's conditional VAE "
                              f"(seed {args.seed}), {what}.")
        recognised = np.mean(judge.predict(images) == labels)
        rows.append([file_name, len(images), f"{recognised:.0%}"])
    c.print_table(rows, ["grid", "images", "read as the category asked for"])
    print(f"saved under {args.out}")
    print(f"capstone_bits_per_dim: {vae_bits.mean():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
