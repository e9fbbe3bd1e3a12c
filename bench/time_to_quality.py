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

vaelearn's settings: ``make_vae``'s defaults (``DEFAULT_LEARNING_RATE``, its compile
defaults, among them ``steps_per_execution``) and the batch size ``--batch-size``,
default 8: the batch size suggested to the course as ``DEFAULT_BATCH_SIZE`` (``make_vae``
cannot set ``fit``'s batch size; BENCHMARKS.md has the measurements behind it).
"""

import argparse

import _common as c

DEFAULT_BATCH_SIZE = 8


def time_to_target(seconds, values, target):
    """Training seconds until the first epoch whose value is <= ``target`` (None if never)."""
    elapsed = 0.0
    for s, v in zip(seconds, values):
        elapsed += s
        if v <= target:
            return elapsed
    return None


def one_round(x, target_epochs, max_epochs, batch_size, learning_rate, seed=0):
    """Train the reference, then vaelearn; return a dict of what each reached and when."""
    import keras
    from reference_vae import make_reference_vae

    evaluate = lambda model: c.negative_elbo(model, x)
    keras.utils.set_random_seed(seed)
    ref_s, _, ref_v = c.train_epochs(make_reference_vae(), x, target_epochs, after_epoch=evaluate)
    target = ref_v[-1]
    keras.utils.set_random_seed(seed)
    ours = c.make_vaelearn_vae(learning_rate=learning_rate)
    ours_s, _, ours_v = c.train_epochs(ours, x, max_epochs, batch_size=batch_size,
                                       after_epoch=evaluate, until=lambda v: v <= target)
    return {"target": target, "ref_time": time_to_target(ref_s, ref_v, target),
            "ours_time": time_to_target(ours_s, ours_v, target), "ours_epochs": len(ours_v),
            "ours_best": min(ours_v)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target-epochs", type=int, default=10,
                        help="reference epochs that set the target (default 10)")
    parser.add_argument("--max-epochs", type=int, default=10,
                        help="give vaelearn at most this many epochs (default 10)")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
                        help=f"vaelearn's batch size (default {DEFAULT_BATCH_SIZE})")
    parser.add_argument("--learning-rate", type=float, default=None,
                        help="try another learning rate (default: DEFAULT_LEARNING_RATE)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 256 images, target after 2 epochs, 1 round")
    args = parser.parse_args(argv)
    x, source = c.images28()
    if args.quick:
        x, args.target_epochs, args.max_epochs, args.repeats = x[:256], 2, 2, 1
    from vaelearn.models import DEFAULT_LEARNING_RATE

    learning_rate = args.learning_rate or DEFAULT_LEARNING_RATE
    print(f"Machine: {c.machine_info()}")
    print(f"Data: {source}, {len(x)} used. Reference: Adam(1e-3), batch {c.BATCH_SIZE}, target = "
          f"its full-train-set loss after {args.target_epochs} epochs. vaelearn: make_vae "
          f"defaults (learning rate {learning_rate:g}), batch {args.batch_size}.\n")
    rounds = [one_round(x, args.target_epochs, args.max_epochs, args.batch_size, learning_rate)
              for _ in range(args.repeats)]
    rows, ratios = [], []
    for i, r in enumerate(rounds, 1):
        reached = r["ours_time"] is not None
        ratio = r["ref_time"] / r["ours_time"] if reached else 0.0
        ratios.append(ratio)
        ours = f"{r['ours_time']:.1f}" if reached else f"not reached (best {r['ours_best']:.1f})"
        rows.append([i, f"{r['target']:.1f}", f"{r['ref_time']:.1f}", ours, r["ours_epochs"],
                     f"{ratio:.2f}"])
    c.print_table(rows, ["round", "target loss", "reference s", "vaelearn s", "vaelearn epochs",
                         "speedup"])
    print(f"time_to_quality_speedup: {c.median(ratios):.2f}")


if __name__ == "__main__":
    main()
