"""Time to quality: wall time until vaelearn's VAE, with its default settings, reaches the
loss the reference VAE has after 10 epochs with its own settings (Adam(1e-3), batch 128).

Same architecture and data for both (see ``train_throughput.py``). The quality measure is
the same for both: the negative ELBO over the whole training set (summed BCE + closed-form
KL, one fixed-noise sample, :func:`_common.negative_elbo`), evaluated after every epoch
outside the timed region. The target is the reference's value after ``--target-epochs``
epochs in the same round; a model's time is its training time (compilation included) up
to the first epoch end at or below the target. Rounds repeat ``--repeats`` times, the
reference first (it sets the target); the speedup is the median over rounds of
reference time / vaelearn time.

vaelearn's settings: what a learner gets without asking, that is ``make_vae``'s defaults
(``DEFAULT_LEARNING_RATE``, its compile defaults, among them ``steps_per_execution``) and
``fit``'s default batch size ``DEFAULT_BATCH_SIZE``; ``--batch-size`` overrides it to
measure other settings (BENCHMARKS.md has the measurements behind the defaults).
"""

import argparse

import _common as c


CHECKS_PER_EPOCH = 4


def train_until(model, x, epochs, batch_size, evaluate, target=None):
    """Train for at most ``epochs`` epochs, evaluating ``CHECKS_PER_EPOCH`` times per epoch
    (evaluation time left out) and stopping at the first value <= ``target``.

    Returns a list of (training seconds so far, value), one per check. Checking within
    epochs, for both models alike, times a model that reaches the target early in an epoch
    by when it got there rather than by the end of that epoch.
    """
    import time

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


def one_round(x, target_epochs, max_epochs, batch_size, learning_rate, seed=0):
    """Train the reference, then vaelearn; return a dict of what each reached and when."""
    import keras
    from reference_vae import make_reference_vae

    evaluate = lambda model: c.negative_elbo(model, x)
    keras.utils.set_random_seed(seed)
    ref = train_until(make_reference_vae(), x, target_epochs, c.BATCH_SIZE, evaluate)
    target = ref[-1][1]
    keras.utils.set_random_seed(seed)
    ours = train_until(c.make_vaelearn_vae(learning_rate=learning_rate), x, max_epochs,
                       batch_size, evaluate, target)
    return {"target": target, "ref_time": time_to_target(ref, target),
            "ours_time": time_to_target(ours, target),
            "ours_epochs": len(ours) / CHECKS_PER_EPOCH, "ours_best": min(v for _, v in ours)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target-epochs", type=int, default=10,
                        help="reference epochs that set the target (default 10)")
    parser.add_argument("--max-epochs", type=int, default=10,
                        help="give vaelearn at most this many epochs (default 10)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="try another batch size (default: fit's DEFAULT_BATCH_SIZE)")
    parser.add_argument("--learning-rate", type=float, default=None,
                        help="try another learning rate (default: DEFAULT_LEARNING_RATE)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 256 images, target after 2 epochs, 1 round")
    args = parser.parse_args(argv)
    x, source = c.images28()
    if args.quick:
        x, args.target_epochs, args.max_epochs, args.repeats = x[:256], 2, 2, 1
    from vaelearn.models import DEFAULT_BATCH_SIZE, DEFAULT_LEARNING_RATE

    learning_rate = args.learning_rate or DEFAULT_LEARNING_RATE
    batch_size = args.batch_size or DEFAULT_BATCH_SIZE
    print(f"Machine: {c.machine_info()}")
    print(f"Data: {source}, {len(x)} used. Reference: Adam(1e-3), batch {c.BATCH_SIZE}, target = "
          f"its full-train-set loss after {args.target_epochs} epochs. vaelearn: make_vae "
          f"defaults (learning rate {learning_rate:g}), batch {batch_size}.\n")
    rounds = [one_round(x, args.target_epochs, args.max_epochs, batch_size, learning_rate)
              for _ in range(args.repeats)]
    rows, ratios = [], []
    for i, r in enumerate(rounds, 1):
        reached = r["ours_time"] is not None
        ratio = r["ref_time"] / r["ours_time"] if reached else 0.0
        ratios.append(ratio)
        ours = f"{r['ours_time']:.1f}" if reached else f"not reached (best {r['ours_best']:.1f})"
        rows.append([i, f"{r['target']:.1f}", f"{r['ref_time']:.1f}", ours, f"{r['ours_epochs']:g}",
                     f"{ratio:.2f}"])
    c.print_table(rows, ["round", "target loss", "reference s", "vaelearn s", "vaelearn epochs",
                         "speedup"])
    print(f"time_to_quality_speedup: {c.median(ratios):.2f}")


if __name__ == "__main__":
    main()
