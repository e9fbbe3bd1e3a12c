"""What the NaN guard costs: training time with vaelearn's NaNGuard over training time without.

``VAE.fit`` adds a :class:`vaelearn.training.NaNGuard`, which reads the loss after every
compiled call and keeps NumPy copies of the weights and optimizer state so that a diverging
fit can be undone. The reference is the same ``fit`` with a do-nothing callback in the
guard's place (so Keras need not even read the loss between calls). Candidates: a guard
that only checks the loss (what vaelearn did before it kept copies), the default guard
(``max_overhead=0.02``) and a guard that copies after every check (``max_overhead=None``),
each at ``steps_per_execution`` 16 (vaelearn's default) and 1 (what the PyTorch backend
needs). Model: ``make_vae`` on the bundled 8x8 digits (MLP, 2-D latent space, ~100k
parameters), batch 8, Adam.

Reference and candidates alternate in one process over ``--repeats`` rounds, after one
warm-up epoch each; a candidate's ratio is the median over rounds of (its time) / (the
reference's time that round), in wall-clock seconds and in CPU seconds of the process
(steadier on a shared machine). For the guards the table also gives the time spent
copying, measured inside the guard, as a share of the fit. The last line is
``nan_guard_overhead: X.XXX``, the CPU-time ratio of the default guard at
steps_per_execution=16 (1.000 = free).
"""

import argparse
import sys
import time

import _common as c

CANDIDATES = (("loss check only, no copies", "loss only"),
              ("default guard (max_overhead=0.02)", 0.02), ("copy at every check", None))


def timed_fit(model, x, epochs, guard):
    """(wall s, CPU s, copying s) to train ``model`` for ``epochs`` on ``x`` with a
    NaNGuard(``guard``), with no guard at all when ``guard`` is False, or with a loss
    check only."""
    import keras
    import numpy as np

    from vaelearn.training import NaNGuard

    class NoGuard(NaNGuard):
        """Takes the guard's place in VAE.fit and does nothing (Keras' no-op hooks)."""

        on_train_begin = keras.callbacks.Callback.on_train_begin
        on_epoch_begin = keras.callbacks.Callback.on_epoch_begin
        on_train_batch_end = keras.callbacks.Callback.on_train_batch_end

    class LossCheck(NoGuard):
        """The guard before it kept copies: it reads the loss after every call."""

        def on_train_batch_end(self, batch, logs=None):
            if not np.isfinite(logs["loss"]):
                raise FloatingPointError(batch)

    class TimedGuard(NaNGuard):
        """NaNGuard, adding up the time its copies take."""

        copying = 0.0

        def _take_snapshot(self, when):
            super()._take_snapshot(when)
            self.copying += self._snapshot_seconds

    callback = {False: NoGuard, "loss only": LossCheck}.get(
        guard, lambda: TimedGuard(max_overhead=guard))()
    wall, cpu = time.perf_counter(), time.process_time()
    model.fit(x, epochs=epochs, batch_size=8, verbose=0, callbacks=[callback])
    return time.perf_counter() - wall, time.process_time() - cpu, getattr(callback, "copying", 0.0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=2, help="epochs per timed fit (default 2)")
    parser.add_argument("--repeats", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 256 images, 1 round")
    args = parser.parse_args(argv)

    import keras

    from vaelearn import data
    from vaelearn.models import make_vae

    x = data.load("digits").x_train
    if args.quick:
        x, args.epochs, args.repeats = x[:256], 1, 1
    from vaelearn.backend import steps_per_execution

    # PyTorch runs one step per call: there, 16 becomes 1 and is measured once.
    plan = list(dict.fromkeys(steps_per_execution(spe) for spe in (16, 1)))
    rows, medians = [], {}
    for spe in plan:
        keras.utils.set_random_seed(0)
        model = make_vae(x.shape[1:], latent_dim=2, seed=0)
        model.compile(optimizer=keras.optimizers.Adam(1e-3), steps_per_execution=spe)
        timed_fit(model, x, 1, guard=False)  # traces and compiles the training step
        candidates = [("no guard", False), *CANDIDATES]
        runs = {name: [] for name, _ in candidates}
        for round_ in range(args.repeats):
            shift = round_ % len(candidates)
            for name, guard in candidates[shift:] + candidates[:shift]:
                runs[name].append(timed_fit(model, x, args.epochs, guard))
        reference = runs["no guard"]
        for name, _ in candidates:
            wall, cpu = (c.median([run[k] / ref[k] for run, ref in zip(runs[name], reference)])
                         for k in (0, 1))
            copying = c.median([run[2] / run[0] for run in runs[name]])
            medians[spe, name] = cpu
            rows.append([f"{spe}", name, f"{c.median([r[0] for r in runs[name]]):.2f}",
                         f"{wall:.3f}", f"{cpu:.3f}", f"{100 * copying:.1f}%" if copying else ""])
    default, loss_only = CANDIDATES[1][0], CANDIDATES[0][0]
    print(f"Machine: {c.machine_info()}")
    print(f"{len(x):,} digits, {args.epochs} epoch(s) per fit, batch 8, {args.repeats} round(s)")
    c.print_table(rows, ["steps_per_execution", "training", "median s", "wall ratio",
                         "CPU ratio", "copying"])
    for spe in plan:
        print(f"steps_per_execution={spe}: default guard / loss check only = "
              f"{medians[spe, default] / medians[spe, loss_only]:.3f} (CPU time)")
    print(f"nan_guard_overhead: {medians[plan[0], default]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
