"""vaelearn's VAEAnomalyDetector against PyOD's detectors, by AUROC on MNIST.

The detectors run with their defaults: ``VAEAnomalyDetector(seed=seed, verbose=0)``; PyOD's
``VAE(random_state=seed, verbose=0)`` and its classic ``IForest(random_state=seed)``,
``ECOD()``, ``KNN()``, and ``PCA(n_components=8, random_state=seed)``, the one setting
changed: fitted on the 8,000 training images, PyOD's default PCA (every component, each divided
by its variance) scores every image as infinite, since the pixels blank in all of them give
components of variance 0; 8 is ``VAEAnomalyDetector``'s latent size and notebook 07's PCA.
vaelearn gets the images ``(n, 28, 28, 1)``, PyOD the same images flattened to ``(n, 784)``.
The anomaly score (higher = more anomalous) is ``-score_samples`` for vaelearn and
``decision_function`` for PyOD; the AUROC is ``sklearn.metrics.roc_auc_score`` of the scores'
ranks (the same number for finite scores; an infinite score, if a detector gives one, ranks as
the most anomalous, and the run prints how many there were). Every run also records the seconds
``fit`` and the scoring took. Before each fit the frameworks are seeded: ``vl.seed(seed)``
(Python, NumPy, Keras) and ``torch.manual_seed(seed)``. Two more rows score the same fitted
vaelearn detector with its ``"elbo"`` and ``"reconstruction"`` scores instead of its default
``"elbo_minus_entropy"``: no second fit, so their fit seconds are the default row's.

The data, for each seed: ``vaelearn.data.load("mnist_sample").subset(8000, 2000, seed=seed)``
(real MNIST 28x28 in [0, 1]; the whole sample, so the seed changes the order, not the images:
the spread over seeds is the detectors' own randomness and, for defects, their placement).
A fit's time includes the detector scoring its own training data (vaelearn's ``threshold_``,
PyOD's ``decision_scores_``). Two protocols:

- ``held-out``, the course's (notebook 07): for each digit d, every detector trains on the
  training images of the other nine digits and scores all test images; the anomalies are the
  test images of digit d. Reported per digit and as the mean over digits, per seed; then the
  mean, min-max and standard deviation of that mean over seeds.
- ``defects``: every detector trains on all training images. A random half of the test images
  (seeded) get one synthetic local defect, a third of them each kind: ``blot`` (a 6x6 square
  of full ink inside the central 20x20 region), ``erasure`` (a 6x6 square set to 0, centred
  on a random pixel with ink > 0.5) and ``scratch`` (a one-pixel line of full ink between
  random points on opposite borders of the central region). The defective images are the
  anomalies. Reported overall and per kind (that kind's images against all clean ones).

``--quick`` is a smoke run, the only place where the epochs change: 1 seed, 1 digit,
400 training and 200 test images, ``epochs=1`` for vaelearn and ``epoch_num=1`` for PyOD's VAE.

``--save FILE`` writes the results after every seed and ``--load FILE`` prints the tables of a
saved run again (with the seeds, digits and protocols it holds). The saved run in
``bench/results/compare_pyod.json`` predates vaelearn's new defaults (#23): it describes
``VAEAnomalyDetector``'s old ones (40 epochs at batch 64, Adam at 1e-3 after a 100-update
warmup, ``seed`` seeding the training noise only), not today's (10 epochs at batch 16, Adam at
2.5e-3 after the same warmup, ``seed`` seeding the initial weights too), until it is run again.

The last line is ``auroc_vs_pyod: {json}``: per protocol, vaelearn's mean AUROC divided by
PyOD VAE's (``vs_pyod_vae``) and by the best PyOD detector's (``vs_best_pyod``), above 1 when
vaelearn is ahead, with ``vaelearn`` (its mean AUROC) and ``best_pyod`` (name and mean AUROC).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import _common as c
import numpy as np
from course_seeds import seed_range

PROTOCOLS = ("held-out", "defects")
DEFECT_SIZE = 6
CENTRE = (4, 24)  # rows and columns [4, 24): the central 20x20 region of a 28x28 image
PYOD_DETECTORS = ("PyOD VAE", "IForest", "ECOD", "KNN", "PCA, 8 components")
# The fitted VAEAnomalyDetector scored once more with its other scores (no second fit), to show
# what its default score, elbo_minus_entropy, gives.
OTHER_SCORES = {"vaelearn, ELBO score": "elbo", "vaelearn, reconstruction score": "reconstruction"}
DETECTORS = ("vaelearn", *OTHER_SCORES, *PYOD_DETECTORS)


def blot(image, rng):
    """A copy of the 2-D ``image`` with a 6x6 square of 1.0 inside the central region."""
    out = image.copy()
    r, col = rng.integers(CENTRE[0], CENTRE[1] - DEFECT_SIZE + 1, size=2)
    out[r:r + DEFECT_SIZE, col:col + DEFECT_SIZE] = 1.0
    return out


def erasure(image, rng):
    """A copy of the 2-D ``image`` with a 6x6 square set to 0, centred on an inked pixel.

    The centre is a random pixel with ink > 0.5 (every MNIST digit has some); the square
    covers 3 pixels before it and 2 after, on both axes, clipped at the image's borders.
    """
    out = image.copy()
    r, col = rng.choice(np.argwhere(image > 0.5))
    out[max(r - 3, 0):r + 3, max(col - 3, 0):col + 3] = 0.0
    return out


def scratch(image, rng):
    """A copy of the 2-D ``image`` with a one-pixel line of 1.0 across the central region.

    The line joins a random point on one border of the central region to a random point on
    the opposite border (top to bottom or left to right, at random), drawn by rounding
    evenly spaced points between them.
    """
    out = image.copy()
    low, high = CENTRE[0], CENTRE[1] - 1
    start, end = rng.integers(low, high + 1, size=2)
    ends = np.array([[low, start], [high, end]])  # (row, column) of the line's two ends
    if rng.random() < 0.5:
        ends = ends[:, ::-1]  # left to right instead of top to bottom
    n = np.abs(ends[1] - ends[0]).max() + 1
    rows, cols = (np.rint(np.linspace(a, b, n)).astype(int) for a, b in ends.T)
    out[rows, cols] = 1.0
    return out


DEFECTS = {"blot": blot, "erasure": erasure, "scratch": scratch}


def add_defects(images, seed):
    """Give a random half of ``images`` one defect each, a third of them of each kind.

    Parameters
    ----------
    images : numpy.ndarray, shape (n, H, W, 1)
    seed : int
        Seeds ``np.random.default_rng``, which picks the images and places the defects.

    Returns
    -------
    defective : numpy.ndarray, shape (n, H, W, 1)
        A copy of ``images`` with the defects.
    kinds : numpy.ndarray of str, shape (n,)
        The defect of each image (a key of :data:`DEFECTS`), or ``"clean"``.
    """
    rng = np.random.default_rng(seed)
    defective, kinds = images.copy(), np.full(len(images), "clean", dtype=object)
    chosen = rng.permutation(len(images))[:len(images) // 2]
    for part, (kind, defect) in zip(np.array_split(chosen, len(DEFECTS)), DEFECTS.items()):
        kinds[part] = kind
        for i in part:
            defective[i, ..., 0] = defect(images[i, ..., 0], rng)
    return defective, kinds


def make_detector(name, seed, quick):
    """A detector with its library's defaults but PCA's (tiny epoch counts when ``quick``)."""
    from pyod.models.ecod import ECOD
    from pyod.models.iforest import IForest
    from pyod.models.knn import KNN
    from pyod.models.pca import PCA
    from pyod.models.vae import VAE

    from vaelearn.anomaly import VAEAnomalyDetector

    epochs = {"epochs": 1} if quick else {}
    epoch_num = {"epoch_num": 1} if quick else {}
    return {
        "vaelearn": lambda: VAEAnomalyDetector(seed=seed, verbose=0, **epochs),
        "PyOD VAE": lambda: VAE(random_state=seed, verbose=0, **epoch_num),
        "IForest": lambda: IForest(random_state=seed),
        "ECOD": ECOD,
        "KNN": KNN,
        "PCA, 8 components": lambda: PCA(n_components=8, random_state=seed),
    }[name]()


def run_detectors(x_train, x_test, seed, quick):
    """Fit every detector on ``x_train`` and score ``x_test``.

    Returns
    -------
    dict
        Per detector name: ``{"scores": anomaly scores (higher = more anomalous),
        "fit_s": float, "score_s": float}``.
    """
    import torch

    import vaelearn as vl

    flat_train, flat_test = x_train.reshape(len(x_train), -1), x_test.reshape(len(x_test), -1)
    results = {}
    for name in ("vaelearn", *PYOD_DETECTORS):
        detector = make_detector(name, seed, quick)
        vl.seed(seed)
        torch.manual_seed(seed)
        start = time.perf_counter()
        if name == "vaelearn":
            detector.fit(x_train)
            fitted = time.perf_counter()
            scores = -detector.score_samples(x_test)
            for other, score in OTHER_SCORES.items():
                scored = time.perf_counter()
                results[other] = {"scores": -detector.score_samples(x_test, score=score),
                                  "fit_s": fitted - start,
                                  "score_s": time.perf_counter() - scored}
        else:
            detector.fit(flat_train)
            fitted = time.perf_counter()
            scores = detector.decision_function(flat_test)
        results[name] = {"scores": scores, "fit_s": fitted - start,
                         "score_s": time.perf_counter() - fitted}
        if infinite := int(np.isinf(scores).sum()):
            print(f"  {name}: {infinite} of {len(scores)} scores infinite", flush=True)
    return results


def auroc(is_anomaly, scores):
    """The AUROC of ``scores`` (higher = more anomalous), infinite scores included."""
    from scipy.stats import rankdata
    from sklearn.metrics import roc_auc_score

    if np.isnan(scores).any():
        raise ValueError("a detector returned NaN scores")
    return roc_auc_score(is_anomaly, rankdata(scores))


def held_out(data, digits, seed, quick):
    """One seed of the held-out-digit protocol: ``{digit: {detector: run}}``, each run with
    ``auroc``, ``fit_s`` and ``score_s``."""
    runs = {}
    for digit in digits:
        start = time.perf_counter()
        results = run_detectors(data.x_train[data.y_train != digit], data.x_test, seed, quick)
        is_anomaly = data.y_test == digit
        runs[digit] = {name: {"auroc": auroc(is_anomaly, r["scores"]),
                              "fit_s": r["fit_s"], "score_s": r["score_s"]}
                       for name, r in results.items()}
        print(f"seed {seed}, digit {digit}: {time.perf_counter() - start:.0f} s", flush=True)
    return runs


def defects(data, seed, quick):
    """One seed of the defects protocol: ``{detector: run}``, each run with ``auroc`` (all
    defects), one AUROC per defect kind, ``fit_s`` and ``score_s``."""
    start = time.perf_counter()
    x_test, kinds = add_defects(data.x_test, seed)
    results = run_detectors(data.x_train, x_test, seed, quick)
    clean = kinds == "clean"
    runs = {}
    for name, r in results.items():
        run = {"auroc": auroc(~clean, r["scores"])}
        for kind in DEFECTS:
            keep = clean | (kinds == kind)
            run[kind] = auroc(kinds[keep] == kind, r["scores"][keep])
        runs[name] = {**run, "fit_s": r["fit_s"], "score_s": r["score_s"]}
    print(f"seed {seed}, defects: {time.perf_counter() - start:.0f} s", flush=True)
    return runs


def spread(values):
    """Mean, min, max and standard deviation (nan for one value) of ``values``."""
    std = statistics.stdev(values) if len(values) > 1 else float("nan")
    return statistics.mean(values), min(values), max(values), std


def summary_table(per_seed, runs_of, extra_columns=()):
    """Print one row per detector: the mean over seeds of its AUROC, the spread over seeds, the
    mean of ``extra_columns`` and its mean fit and score seconds; return the mean AUROCs.

    ``per_seed``: one result per seed; ``runs_of(result, name)``: that seed's runs of the
    detector (the AUROC of a seed is the mean over them).
    """
    rows, means = [], {}
    for name in DETECTORS:
        runs = [runs_of(result, name) for result in per_seed]
        mean, low, high, std = spread([statistics.mean(r["auroc"] for r in rs) for rs in runs])
        flat = [r for rs in runs for r in rs]
        means[name] = mean
        rows.append([name, f"{mean:.3f}", f"{low:.3f}-{high:.3f}", f"{std:.3f}",
                     *(f"{statistics.mean(r[k] for r in flat):.3f}" for k in extra_columns),
                     f"{statistics.mean(r['fit_s'] for r in flat):.1f}",
                     f"{statistics.mean(r['score_s'] for r in flat):.2f}"])
    c.print_table(rows, ["detector", "AUROC", "min-max over seeds", "std", *extra_columns,
                         "fit s", "score s"])
    return means


def report_held_out(per_seed, seeds, digits):
    """Print a table per seed (AUROC per digit and their mean) and the summary; return the
    mean AUROC of each detector."""
    for seed, runs in zip(seeds, per_seed):
        print(f"\nHeld-out digit, seed {seed}: AUROC per held-out digit")
        rows = [[str(d), *(f"{runs[d][name]['auroc']:.3f}" for name in DETECTORS)] for d in digits]
        rows.append(["mean", *(f"{statistics.mean(runs[d][name]['auroc'] for d in digits):.3f}"
                               for name in DETECTORS)])
        c.print_table(rows, ["digit", *DETECTORS])
    print(f"\nHeld-out digit, over seeds {seeds}: mean over digits {digits}")
    return summary_table(per_seed, lambda runs, name: [runs[d][name] for d in digits])


def report_defects(per_seed, seeds):
    """Print the summary of the defects protocol; return the mean AUROC of each detector."""
    print(f"\nDefects, over seeds {seeds}: AUROC all defects, then per kind")
    return summary_table(per_seed, lambda runs, name: [runs[name]], extra_columns=tuple(DEFECTS))


def versions():
    import importlib.metadata as metadata

    return ", ".join(f"{dist} {metadata.version(dist)}"
                     for dist in ("pyod", "torch", "scikit-learn"))


def run_protocols(args, protocols):
    """Run the protocols for every seed of ``args``; ``{protocol: one result per seed}``."""
    import vaelearn as vl

    sizes = (400, 200) if args.quick else (8000, 2000)
    if args.quick:
        args.seeds, args.digits = args.seeds[:1], args.digits[:1]
    print(f"Machine: {c.machine_info()}; {versions()}")
    print(f"Data: mnist_sample subset({sizes[0]}, {sizes[1]}, seed=seed); seeds {args.seeds}"
          + ("; quick: 1 epoch per trained detector" if args.quick else ""))
    print(f"Load average before: {os.getloadavg()[0]:.1f}", flush=True)
    per_protocol = {p: [] for p in protocols}
    for done, seed in enumerate(args.seeds, start=1):
        data = vl.data.load("mnist_sample").subset(*sizes, seed=seed)
        if "held-out" in protocols:
            per_protocol["held-out"].append(held_out(data, args.digits, seed, args.quick))
        if "defects" in protocols:
            per_protocol["defects"].append(defects(data, seed, args.quick))
        if args.save:  # through a temporary file, so that a kill leaves the last whole save
            saved = {"seeds": args.seeds[:done], "digits": args.digits, **per_protocol}
            partial = Path(f"{args.save}.partial")
            partial.write_text(json.dumps(saved))
            os.replace(partial, args.save)
    print(f"Load average after: {os.getloadavg()[0]:.1f}")
    return per_protocol


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=seed_range, default=seed_range("0-2"),
                        help="e.g. 0-2 or 0,3,7 (default: 0-2)")
    parser.add_argument("--protocols", default=",".join(PROTOCOLS),
                        help="comma-separated (default: %(default)s)")
    parser.add_argument("--digits", type=seed_range, default=seed_range("0-9"),
                        help="held-out digits, e.g. 0-9 or 1,4 (default: 0-9)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: first seed and digit, 400/200 images, 1 epoch")
    parser.add_argument("--save", help="write the results to this JSON file after every seed")
    parser.add_argument("--load", help="print the tables of a --save file instead of running")
    args = parser.parse_args(argv)
    protocols = [p for p in args.protocols.split(",") if p]
    if unknown := set(protocols) - set(PROTOCOLS):
        parser.error(f"unknown protocols {sorted(unknown)}; choose from {', '.join(PROTOCOLS)}")
    if args.load:
        try:
            saved = json.loads(Path(args.load).read_text())
            args.seeds, args.digits = saved.pop("seeds"), saved.pop("digits")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            parser.error(f"{args.load}: not a file of saved results ({error}); "
                         "pass one that --save wrote")
        if "held-out" in saved:  # JSON keeps the digits as strings
            saved["held-out"] = [{int(d): run for d, run in runs.items()}
                                 for runs in saved["held-out"]]
        per_protocol = saved
        print(f"Loaded {args.load}: seeds {args.seeds}, digits {args.digits}")
    else:
        per_protocol = run_protocols(args, protocols)
    line = {}
    for protocol, per_seed in per_protocol.items():
        means = (report_held_out(per_seed, args.seeds, args.digits) if protocol == "held-out"
                 else report_defects(per_seed, args.seeds))
        best = max(PYOD_DETECTORS, key=means.get)
        line[protocol] = {"vs_pyod_vae": round(means["vaelearn"] / means["PyOD VAE"], 3),
                          "vs_best_pyod": round(means["vaelearn"] / means[best], 3),
                          "vaelearn": round(means["vaelearn"], 4),
                          "best_pyod": {"name": best, "auroc": round(means[best], 4)}}
    print(f"auroc_vs_pyod: {json.dumps(line)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
