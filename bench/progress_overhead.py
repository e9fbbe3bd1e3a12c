"""What the training display and the live curves cost: fit time with them over fit time without.

``fit`` shows a :class:`vaelearn.training_display.TrainingProgress` by default, and lessons
add a :class:`vaelearn.training_display.LiveCurves`. Both show widgets only in a Jupyter
kernel, so the timed fits run in one: this script executes a generated notebook with nbclient
(as ``vaelearn run`` does), whose cell trains one model repeatedly, alternating the
candidates in the same kernel process:

- no display (``verbose=0``, nothing added: the reference);
- the progress display (``callbacks=[TrainingProgress()]``);
- the live curves (``callbacks=[LiveCurves()]``);

on the bundled MNIST sample (8,000 training images, 28x28), notebook 00's model (``make_vae``,
MLP, 8-D latent space) and batch size (64), for notebook 00's length of training (2,000
updates: 16 epochs) at ``steps_per_execution=16`` (the course's default). The progress
display is also timed at ``steps_per_execution=1``, where Keras calls batch callbacks after
every batch (as on the PyTorch backend). The kernel traces the model and draws one figure
before the first timed fit, as a lesson has by then.

A candidate's ratio is the median over rounds of (its time) / (the reference's time that
round), in wall-clock seconds and in CPU seconds of the kernel process (its widget messages
included). On a busy machine these ratios carry a few percent of noise; the time the training
thread spends inside the candidate's hooks (drawing, updating widgets), measured around them,
does not, and it is given as a share of the candidate's fit: the cost of the display itself.
The last line is ``progress_overhead: {json}`` with, per candidate, the ``wall`` and ``cpu``
ratios (1.000 = free) and the ``in_hooks`` share.
"""

import argparse
import json
import os
import sys
import time

import _common as c

CELL = """
import json, time
import vaelearn as vl
from vaelearn.training_display import LiveCurves, TrainingProgress

HOOKS = ("on_train_begin", "on_epoch_begin", "on_train_batch_end", "on_epoch_end", "on_train_end")


def timed(callback, spent):
    # Adds the seconds the training thread spends in the callback's hooks to spent[0].
    for name in HOOKS:
        def hook(*args, _method=getattr(callback, name), **kwargs):
            start = time.perf_counter()
            try:
                return _method(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - start
        setattr(callback, name, hook)
    return [callback]


settings = json.loads({settings!r})
x = vl.data.load("mnist_sample").x_train[:settings["n"]]
candidates = {{"no display": lambda spent: [], "progress display": lambda spent: timed(TrainingProgress(), spent),
               "live curves": lambda spent: timed(LiveCurves(), spent)}}
times = {{}}
for spe, epochs, names in settings["plan"]:
    vl.seed(0)
    vae = vl.models.make_vae(x.shape[1:], latent_dim=8, seed=0)
    vae.compile(optimizer="adam", steps_per_execution=spe)
    vae.fit(x, epochs=1, batch_size=64, verbose=0, callbacks=[LiveCurves()])  # trace, draw once
    for round_ in range(settings["repeats"]):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            spent = [0.0]
            callbacks = candidates[name](spent)
            wall, cpu = time.perf_counter(), time.process_time()
            vae.fit(x, epochs=epochs, batch_size=64, verbose=0, callbacks=callbacks)
            times.setdefault(f"{{spe}}|{{name}}", []).append(
                (time.perf_counter() - wall, time.process_time() - cpu, spent[0]))
print("TIMES", json.dumps(times))
"""


def run_in_kernel(settings):
    """Execute the timing cell in a fresh python3 kernel; return its timings."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        CELL.format(settings=json.dumps(settings)))])
    NotebookClient(nb, kernel_name="python3", timeout=None).execute()
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.output_type == "stream")
    line = next(line for line in text.splitlines() if line.startswith("TIMES "))
    return json.loads(line.removeprefix("TIMES "))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=16,
                        help="epochs per timed fit at steps_per_execution=16 (default 16)")
    parser.add_argument("--epochs-spe1", type=int, default=4,
                        help="epochs per timed fit at steps_per_execution=1 (default 4)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 512 images, 1 epoch, 1 round")
    args = parser.parse_args(argv)

    n = 8000
    if args.quick:
        n, args.epochs, args.epochs_spe1, args.repeats = 512, 1, 1, 1
    from vaelearn.backend import steps_per_execution

    plan = [(16, args.epochs, ["no display", "progress display", "live curves"]),
            (1, args.epochs_spe1, ["no display", "progress display"])]
    if steps_per_execution(16) == 1:  # PyTorch: one step per call only
        plan = [(1, args.epochs_spe1, ["no display", "progress display", "live curves"])]
    load_before = os.getloadavg()
    start = time.perf_counter()
    times = run_in_kernel({"n": n, "repeats": args.repeats, "plan": plan})
    load_after = os.getloadavg()

    rows, ratios = [], {}
    for spe, epochs, names in plan:
        reference = times[f"{spe}|no display"]
        for name in names:
            runs = times[f"{spe}|{name}"]
            wall, cpu = (c.median([run[k] / ref[k] for run, ref in zip(runs, reference)])
                         for k in (0, 1))
            in_hooks = c.median([run[2] / run[0] for run in runs])
            rows.append([str(spe), str(epochs), name, f"{c.median([r[0] for r in runs]):.2f}",
                         f"{wall:.3f}", f"{cpu:.3f}",
                         "" if name == "no display" else f"{100 * in_hooks:.2f}%"])
            if name != "no display":
                ratios[f"{name} (steps_per_execution={spe})"] = {
                    "wall": round(wall, 3), "cpu": round(cpu, 3), "in_hooks": round(in_hooks, 4)}
    print(f"Machine: {c.machine_info()}")
    print(f"Load average (1, 5, 15 min): before {', '.join(f'{x:.1f}' for x in load_before)}; "
          f"after {', '.join(f'{x:.1f}' for x in load_after)}")
    print(f"{n:,} MNIST-sample images, batch 64, {args.repeats} round(s), "
          f"{time.perf_counter() - start:.0f} s in all")
    c.print_table(rows, ["steps_per_execution", "epochs", "fit", "median s", "wall ratio",
                         "CPU ratio", "in its hooks"])
    print(f"progress_overhead: {json.dumps(ratios)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
