"""Training throughput of the course's two architectures on each Keras backend.

The models are what a learner gets without asking: ``make_vae((28, 28, 1), arch="mlp")`` and
``arch="conv"`` with their defaults (latent_dim 2, Adam at ``vaelearn.defaults.LEARNING_RATE``,
``compile_with_defaults``: 16 steps per compiled call where the backend allows it, not on
PyTorch), trained with ``fit``'s default batch size ``vaelearn.defaults.BATCH_SIZE`` on the first
``--n`` images of the bundled 28x28 MNIST sample (``vaelearn.data.load("mnist_sample")``).

A backend is fixed when Keras is imported, so each backend runs in its own subprocess, which
trains both architectures (``--epochs`` epochs each; the first holds tracing and compilation
and is left out). Rounds repeat ``--repeats`` times and rotate the order of the backends and
of the architectures; a backend's speed for an architecture is the median over rounds of its
samples/s divided by TensorFlow's samples/s in the same round. Backends that are not
installed are reported and skipped. The load average is printed before and after: the
machine may be shared.

The last line is ``backend_speed_vs_tensorflow: {json}``: per architecture, each backend's
median ratio (TensorFlow 1.0).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import _common as c

BACKENDS = ("tensorflow", "jax", "torch")
ARCHITECTURES = ("mlp", "conv")


def worker(backend, architectures, n, epochs):
    """Train each architecture on ``backend`` (this process's Keras backend); print JSON."""
    import numpy as np

    import vaelearn as vl
    from vaelearn.defaults import BATCH_SIZE
    from vaelearn.models import make_vae

    assert vl.backend.name() == backend, (vl.backend.name(), backend)
    x = vl.data.load("mnist_sample").x_train[:n]
    results = {}
    for arch in architectures:
        vl.seed(0)
        model = make_vae(x.shape[1:], arch=arch)
        seconds, losses = c.train_epochs(model, x, epochs, batch_size=BATCH_SIZE)
        steady = float(np.median(seconds[1:]))
        results[arch] = {"samples_per_s": len(x) / steady, "compile_s": seconds[0] - steady,
                         "final_loss": losses[-1], "steps_per_execution": model.steps_per_execution}
    print(json.dumps({"backend": backend, "results": results}))


def installed(backend):
    """Whether ``backend``'s package imports in this environment (without importing it here)."""
    module = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}[backend]
    return subprocess.run([sys.executable, "-c", f"import {module}"],
                          capture_output=True).returncode == 0


def run_in_backend(backend, script, args):
    """Run ``script`` with ``args`` in a subprocess on Keras backend ``backend`` (a backend is
    fixed when Keras is imported); return the JSON object printed on its last stdout line."""
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [sys.executable, str(script), *map(str, args)]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{backend} worker failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_worker(backend, architectures, n, epochs):
    args = ["--worker", backend, "--architectures", ",".join(architectures), "--n", n,
            "--epochs", epochs]
    return run_in_backend(backend, Path(__file__).resolve(), args)["results"]


def measure(backends, n, epochs, repeats):
    """Per round, every backend in rotated order; returns {round: {backend: results}}."""
    rounds = []
    for r in range(repeats):
        order = backends[r % len(backends):] + backends[:r % len(backends)]
        architectures = list(ARCHITECTURES[r % 2:] + ARCHITECTURES[:r % 2])
        this_round = {}
        for backend in order:
            start = time.perf_counter()
            this_round[backend] = run_worker(backend, architectures, n, epochs)
            print(f"round {r + 1}/{repeats}: {backend} done in {time.perf_counter() - start:.0f} s",
                  flush=True)
        rounds.append(this_round)
    return rounds


def summarize(rounds, backends):
    """Medians over rounds: samples/s, compile s, final loss, and the ratio to TensorFlow."""
    summary = {}
    for arch in ARCHITECTURES:
        for backend in backends:
            runs = [rnd[backend][arch] for rnd in rounds]
            ratios = [rnd[backend][arch]["samples_per_s"] / rnd["tensorflow"][arch]["samples_per_s"]
                      for rnd in rounds]
            summary[arch, backend] = {
                "samples_per_s": statistics.median(r["samples_per_s"] for r in runs),
                "compile_s": statistics.median(r["compile_s"] for r in runs),
                "final_loss": statistics.median(r["final_loss"] for r in runs),
                "steps_per_execution": runs[0]["steps_per_execution"],
                "ratio": statistics.median(ratios),
                "ratio_range": (min(ratios), max(ratios)),
            }
    return summary


def versions():
    import importlib.metadata as metadata

    found = []
    for dist in ("tensorflow", "tensorflow-cpu", "jax", "jaxlib", "torch", "keras"):
        try:
            found.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            pass
    return ", ".join(found)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2048, help="training images (default 2048)")
    parser.add_argument("--epochs", type=int, default=3, help="epochs per run, >= 2 (default 3)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--backends", default=",".join(BACKENDS), help="default: %(default)s")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 64 images, 2 epochs, 1 round")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--architectures", default=",".join(ARCHITECTURES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.architectures.split(","), args.n, args.epochs)
    if args.quick:
        args.n, args.epochs, args.repeats = 64, 2, 1
    if args.epochs < 2:
        parser.error("--epochs must be at least 2 (the first epoch includes compilation)")
    wanted = [b for b in args.backends.split(",") if b]
    if "tensorflow" not in wanted:
        parser.error("the ratios are against TensorFlow: keep it in --backends")
    missing = [b for b in wanted if not installed(b)]
    backends = [b for b in wanted if b not in missing]

    from vaelearn.defaults import BATCH_SIZE, LEARNING_RATE

    print(f"Machine: {c.machine_info()}; {versions()}")
    print(f"Data: bundled MNIST sample, first {args.n} training images, 28x28; batch "
          f"{BATCH_SIZE}, Adam({LEARNING_RATE:g}); {args.epochs} epochs per run "
          f"(epoch 1 = compile), {args.repeats} rotated rounds; medians shown.")
    if missing:
        print(f"Not installed, skipped: {', '.join(missing)} (make test-backends installs them "
              "in .venv-backends)")
    print(f"Load average before: {' '.join(f'{v:.1f}' for v in os.getloadavg())}", flush=True)
    summary = summarize(measure(backends, args.n, args.epochs, args.repeats), backends)
    print(f"Load average after: {' '.join(f'{v:.1f}' for v in os.getloadavg())}\n")
    rows = []
    for (arch, backend), s in summary.items():
        low, high = s["ratio_range"]
        rows.append([arch, backend, f"{s['samples_per_s']:,.0f}", f"{s['ratio']:.2f}",
                     f"{low:.2f}-{high:.2f}", f"{s['compile_s']:.1f}", f"{s['final_loss']:.1f}",
                     str(s["steps_per_execution"])])
    c.print_table(rows, ["architecture", "backend", "samples/s", "vs tensorflow", "range",
                         "compile s", "final loss", "steps/call"])
    machine_line = {arch: {b: round(summary[arch, b]["ratio"], 3) for b in backends}
                    for arch in ARCHITECTURES}
    print(f"backend_speed_vs_tensorflow: {json.dumps(machine_line)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
