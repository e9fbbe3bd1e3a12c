"""Time to quality: wall time until vaelearn's VAE, with the defaults a learner gets, reaches
the held-out test loss the reference VAE has after the keras.io example's own 30 epochs.

Data: the bundled real MNIST sample (``vaelearn.data.load("mnist_sample")``: 8,000 training
images, full 28x28, 2,000 held-out test images), grey levels in [0, 1] as the keras.io example
uses them. Same architecture for both (see ``train_throughput.py``). The quality measure is
the same for both: the negative ELBO over the 2,000 test images (summed BCE + closed-form KL,
one fixed-noise sample, :func:`_common.negative_elbo`), evaluated ``CHECKS_PER_EPOCH`` times per
epoch outside the timed region. The target is the reference's test loss after
``--target-epochs`` (30) epochs with its own settings (Adam(1e-3), batch 128), in the same
round; a model's time is its training time (compilation included) to its first check at or
below the target. The reference's time is its time to that same target (often before epoch
30: its test loss is not monotone).

vaelearn's settings: ``make_vae``'s defaults (``vaelearn.defaults.LEARNING_RATE`` after
``WARMUP_STEPS`` of warmup, ``steps_per_execution``) and ``fit``'s default batch size;
``--batch-sizes`` adds other batch sizes (same learning rate) to every round, the measurement
behind ``vaelearn.defaults.BATCH_SIZE`` (BENCHMARKS.md). Rounds repeat ``--repeats`` times,
the reference first (it sets the target), then the batch sizes in an order rotated each round;
the speedup is the median over rounds of reference time / vaelearn time. The last line is
``time_to_quality_30ep_speedup: R`` for the default batch size.
"""

import argparse
import statistics
import time

import _common as c

CHECKS_PER_EPOCH = 4


def train_until(model, x, epochs, batch_size, evaluate, target=None):
    """Train for at most ``epochs`` epochs, evaluating ``CHECKS_PER_EPOCH`` times per epoch
    (evaluation time left out) and stopping at the first value <= ``target``.

    Returns a list of (training seconds so far, value), one per check. Checking within
    epochs, for both models alike, times a model that reaches the target early in an epoch
    by when it got there rather than by the end of that epoch.
    """
    import keras

    steps_per_epoch = -(-len(x) // batch_size)

    class Checks(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.points, self.excluded, self.checks_done = [], 0.0, 0
            self.start = time.perf_counter()

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            # With steps_per_execution, ``batch`` is the last batch the call ran.
            steps = self.epoch * steps_per_epoch + batch + 1
            while steps >= (self.checks_done + 1) * steps_per_epoch / CHECKS_PER_EPOCH - 1e-9:
                self.checks_done += 1
                self.check()

        def check(self):
            elapsed = time.perf_counter() - self.start - self.excluded
            t0 = time.perf_counter()
            value = evaluate(self.model)
            self.excluded += time.perf_counter() - t0
            self.points.append((elapsed, value))
            if target is not None and value <= target:
                self.model.stop_training = True

    checks = Checks()
    model.fit(x, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=[checks])
    return checks.points


def time_to_target(points, target):
    """Training seconds at the first check whose value is <= ``target`` (None if never)."""
    return next((seconds for seconds, value in points if value <= target), None)


def one_round(data, target_epochs, max_epochs, batch_sizes, learning_rate, seed):
    """Train the reference (it sets the target), then vaelearn at each batch size.

    Returns {"target", "reference": seconds, batch size: {"seconds", "epochs", "best"}}."""
    import keras
    from reference_vae import make_reference_vae

    evaluate = lambda model: c.negative_elbo(model, data.x_test)
    keras.utils.set_random_seed(seed)
    ref = train_until(make_reference_vae(), data.x_train, target_epochs, c.BATCH_SIZE, evaluate)
    target = ref[-1][1]
    result = {"target": target, "reference": time_to_target(ref, target)}
    for batch_size in batch_sizes:
        keras.utils.set_random_seed(seed)
        model = c.make_vaelearn_vae(learning_rate=learning_rate)
        ours = train_until(model, data.x_train, max_epochs, batch_size, evaluate, target)
        result[batch_size] = {"seconds": time_to_target(ours, target),
                              "epochs": len(ours) / CHECKS_PER_EPOCH,
                              "best": min(v for _, v in ours)}
        print(f"  batch {batch_size}: " + (f"{result[batch_size]['seconds']:.1f} s" if
              result[batch_size]["seconds"] else "not reached"), flush=True)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target-epochs", type=int, default=30,
                        help="reference epochs that set the target (default 30)")
    parser.add_argument("--max-epochs", type=int, default=30,
                        help="give vaelearn at most this many epochs (default 30)")
    parser.add_argument("--batch-sizes", default="",
                        help="more batch sizes to measure, comma-separated (e.g. 16,32,64,128)")
    parser.add_argument("--learning-rate", type=float, default=None,
                        help="try another learning rate "
                             "(default: vaelearn.defaults.LEARNING_RATE)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 256 images, target after 2 epochs, 1 round")
    args = parser.parse_args(argv)
    from vaelearn import data as datasets
    from vaelearn.defaults import BATCH_SIZE, LEARNING_RATE

    data = datasets.load("mnist_sample")
    if args.quick:
        data = data.subset(256, 256, seed=0)
        args.target_epochs, args.max_epochs, args.repeats = 2, 2, 1
    learning_rate = args.learning_rate or LEARNING_RATE
    batch_sizes = list(dict.fromkeys(
        [BATCH_SIZE] + [int(b) for b in args.batch_sizes.split(",") if b]))
    print(f"Machine: {c.machine_info()}")
    print(f"Data: bundled MNIST sample, {len(data.x_train):,} training and {len(data.x_test):,} "
          f"test images. Reference: Adam(1e-3), batch {c.BATCH_SIZE}, target = its test loss "
          f"after {args.target_epochs} epochs. vaelearn: make_vae defaults (learning rate "
          f"{learning_rate:g}), batch {', '.join(map(str, batch_sizes))} "
          f"(default {BATCH_SIZE}), at most {args.max_epochs} epochs.\n", flush=True)
    rounds = []
    for r in range(args.repeats):
        order = batch_sizes[r % len(batch_sizes):] + batch_sizes[:r % len(batch_sizes)]
        print(f"round {r + 1}/{args.repeats}", flush=True)
        rounds.append(one_round(data, args.target_epochs, args.max_epochs, order, learning_rate,
                                seed=r))
    rows, speedups = [], {}
    for batch_size in batch_sizes:
        ratios = []
        for i, rnd in enumerate(rounds, 1):
            ours = rnd[batch_size]
            ratio = rnd["reference"] / ours["seconds"] if ours["seconds"] else 0.0
            ratios.append(ratio)
            shown = (f"{ours['seconds']:.1f}" if ours["seconds"]
                     else f"not reached (best {ours['best']:.2f})")
            rows.append([batch_size, i, f"{rnd['target']:.2f}", f"{rnd['reference']:.1f}", shown,
                         f"{ours['epochs']:g}", f"{ratio:.2f}"])
        speedups[batch_size] = statistics.median(ratios)
    c.print_table(rows, ["vaelearn batch", "round", "target test loss", "reference s",
                         "vaelearn s", "vaelearn epochs", "speedup"])
    print("\nmedian speedup per batch size: "
          + ", ".join(f"{b}: {s:.2f}" for b, s in speedups.items()))
    print(f"time_to_quality_30ep_speedup: {speedups[BATCH_SIZE]:.2f}")


if __name__ == "__main__":
    main()
