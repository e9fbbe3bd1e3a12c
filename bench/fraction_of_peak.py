"""How close to the machine's float32 limit the course's models train, as a fraction.

1. The machine's measured peak: the best GFLOP/s of ``C = A @ B`` for square float32
   matrices (``--sizes``, warmed up, best of ``--repeats``; ``2 n^3`` FLOPs per product) with
   NumPy (in this process) and with each backend's ``keras.ops.matmul`` (in that backend's
   process; the result is converted to NumPy, so the time includes the work finishing, and on
   JAX ``block_until_ready``). The largest of them all is "the machine's measured peak".
2. The models' training FLOP rate: the course's two architectures as a learner builds them,
   ``make_vae((28, 28, 1), arch="mlp")`` and ``arch="conv"`` with their defaults. One
   example's FLOPs are counted from the layers (:func:`forward_flops`): Dense
   ``2 * in * out``, Conv2D ``2 * kh * kw * cin * cout * Hout * Wout``, Conv2DTranspose
   ``2 * kh * kw * cin * cout * Hin * Win``; bias additions, activations, the sampling, the
   loss and the optimizer are left out (they are small). Convention: one training step costs
   3x the forward FLOPs of encoder + decoder (forward, plus about twice that backward).
   Training samples/s is measured with ``fit`` (``c.train_epochs``, ``vl.seed(0)`` first,
   as in backend_throughput.py) on the first ``--n`` images of the bundled MNIST sample
   at ``fit``'s default batch size (``vaelearn.defaults.BATCH_SIZE``) and at 128, over
   ``--epochs`` epochs; the first holds tracing and compilation and is left out, the median
   of the others is kept. Achieved GFLOP/s = training FLOPs per example x samples/s, shown as a
   fraction of the machine's measured peak and of the same backend's own matmul peak.
3. Each Keras backend (tensorflow, jax, torch) runs in its own subprocess, since a backend is
   fixed when Keras is imported; backends not installed in this interpreter are reported and
   skipped, and a backend whose run fails is reported and left out.

The last line is ``fraction_of_peak: {json}``: ``"peak_gflops"`` (the machine's measured
peak) and, per backend, architecture and batch size, achieved GFLOP/s / that peak.
``--quick``: a smoke run (this process's backend only, 256 images, 2 epochs, small matrices).
"""

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

import _common as c
from backend_throughput import BACKENDS, installed, run_in_backend, versions

ARCHITECTURES = ("mlp", "conv")
TRAINING_FACTOR = 3  # one training step ~ forward + backward ~ 3x the forward FLOPs
SIZES = (1024, 2048, 4096)
OTHER_BATCH_SIZE = 128
RELEVANT_FLAGS = ("avx2", "fma", "avx512f", "amx_tile", "amx_bf16", "amx_int8")


# --- FLOP counting ----------------------------------------------------------------------------

def layer_flops(layer):
    """Forward FLOPs of ``layer`` for one example (a multiply-add counts 2; bias additions and
    activations are not counted). Layers without weights count 0; a weighted layer of another
    kind raises ValueError rather than being silently left out.

    Dense: ``2 * in * out`` (times the positions it is applied at, for inputs of rank > 2);
    Conv2D: ``2 * kh * kw * cin * cout * Hout * Wout``; Conv2DTranspose:
    ``2 * kh * kw * cin * cout * Hin * Win``. The layer must have been called (a functional
    model's layers have), so its input and output shapes are known.
    """
    from keras import layers

    def spatial(shape):  # (H, W) of a 4-D shape in the layer's data format
        return shape[2:4] if getattr(layer, "data_format", None) == "channels_first" else shape[1:3]

    if isinstance(layer, layers.Conv2DTranspose):  # kernel (kh, kw, cout, cin)
        return 2 * math.prod(layer.kernel.shape) * math.prod(spatial(layer.input.shape))
    if isinstance(layer, layers.Conv2D):  # kernel (kh, kw, cin / groups, cout)
        return 2 * math.prod(layer.kernel.shape) * math.prod(spatial(layer.output.shape))
    if isinstance(layer, layers.Dense):  # kernel (in, out), applied at every leading position
        return 2 * math.prod(layer.kernel.shape) * math.prod(layer.input.shape[1:-1])
    if not layer.weights:
        return 0
    raise ValueError(f"no FLOP formula for layer {layer.name!r} ({type(layer).__name__})")


def forward_flops(model):
    """Forward FLOPs of one example through ``model.encoder`` and ``model.decoder``."""
    return sum(layer_flops(layer) for part in (model.encoder, model.decoder)
               for layer in part.layers)


def training_flops(model):
    """FLOPs of one example's training step, by the convention 3 x forward."""
    return TRAINING_FACTOR * forward_flops(model)


# --- measuring --------------------------------------------------------------------------------

def matmul_gflops(matmul, to_operand, sizes, repeats, seed=0):
    """Best GFLOP/s of ``matmul(A, B)`` (which must return a finished NumPy array) per size.

    ``to_operand`` turns a float32 NumPy matrix into the library's operand, outside the
    timing. One warm-up product per size, then the best of ``repeats``. The warm-up's first
    rows are checked against float64, so a library that computed in reduced precision
    (bfloat16, TF32) raises instead of posing as the float32 peak.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    best = {}
    for n in sizes:
        x, y = (rng.standard_normal((n, n), dtype=np.float32) for _ in range(2))
        a, b = to_operand(x), to_operand(y)
        out = matmul(a, b)
        assert out.shape == (n, n) and out.dtype == np.float32, (out.shape, out.dtype)
        exact = x[:32].astype(np.float64) @ y.astype(np.float64)
        error = np.abs(out[:32] - exact).max() / np.abs(exact).max()
        if error > 1e-4:  # float32 gives ~1e-6
            raise AssertionError(f"n={n}: relative error {error:.1e}, not float32 arithmetic")
        del x, y, exact
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            matmul(a, b)
            times.append(time.perf_counter() - start)
        best[str(n)] = 2 * n**3 / min(times) / 1e9
        del a, b, out
    return best


def numpy_description():
    """NumPy's version and its BLAS (library and threads) when threadpoolctl can tell."""
    import numpy as np

    try:
        from threadpoolctl import threadpool_info

        blas = [" ".join(str(p[k]) for k in ("internal_api", "version", "architecture") if p.get(k))
                + f", {p.get('num_threads')} threads"
                for p in threadpool_info() if p.get("user_api") == "blas"]
    except ImportError:
        blas = []
    return f"numpy {np.__version__}" + (f" ({'; '.join(blas)})" if blas else "")


def batch_sizes():
    """``fit``'s default batch size, then 128 (once if they are equal). Imports Keras."""
    from vaelearn.defaults import BATCH_SIZE

    return list(dict.fromkeys([BATCH_SIZE, OTHER_BATCH_SIZE]))


def worker(backend, architectures, n, epochs, sizes, repeats):
    """On this process's backend: matmul peak, then each architecture's FLOPs and training
    speed at each batch size; print JSON."""
    import keras
    import numpy as np

    import vaelearn as vl
    from vaelearn.defaults import LEARNING_RATE
    from vaelearn.models import make_vae

    assert vl.backend.name() == backend, (vl.backend.name(), backend)
    matmul = matmul_gflops(lambda a, b: keras.ops.convert_to_numpy(keras.ops.matmul(a, b)),
                           keras.ops.convert_to_tensor, sizes, repeats)
    x = vl.data.load("mnist_sample").x_train[:n]
    training = {}
    for arch in architectures:
        runs = {}
        for batch_size in batch_sizes():
            vl.seed(0)
            model = make_vae(x.shape[1:], arch=arch)
            seconds, losses = c.train_epochs(model, x, epochs, batch_size=batch_size)
            steady = float(np.median(seconds[1:]))
            runs[str(batch_size)] = {"samples_per_s": len(x) / steady,
                                     "compile_s": seconds[0] - steady, "final_loss": losses[-1],
                                     "steps_per_execution": model.steps_per_execution}
        training[arch] = {"forward_flops": forward_flops(model),
                          "training_flops": training_flops(model),
                          "params": model.count_params(), "runs": runs}
    print(json.dumps({"backend": backend, "matmul": matmul, "training": training,
                      "batch_sizes": batch_sizes(), "learning_rate": LEARNING_RATE}))


def current_backend():
    """This process's Keras backend, without importing Keras when it is not imported yet."""
    if "keras" in sys.modules:
        return sys.modules["keras"].backend.backend()
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    try:
        return json.loads(Path(home, "keras.json").read_text()).get("backend", "tensorflow")
    except (OSError, ValueError):
        return "tensorflow"


def summarize(numpy_peak, results):
    """Table rows and the last line's dict from NumPy's and the backends' measurements."""
    peaks = {"numpy": max(numpy_peak.values())}
    peaks.update({b: max(r["matmul"].values()) for b, r in results.items()})
    peak = max(peaks.values())
    rows, line = [], {"peak_gflops": round(peak, 1)}
    for backend, r in results.items():
        line[backend] = {}
        for arch, t in r["training"].items():
            line[backend][arch] = {}
            for batch_size in map(str, r["batch_sizes"]):
                run = t["runs"][batch_size]
                gflops = t["training_flops"] * run["samples_per_s"] / 1e9
                line[backend][arch][batch_size] = round(gflops / peak, 5)
                rows.append([backend, arch, batch_size, f"{run['samples_per_s']:,.0f}",
                             f"{gflops:.2f}", f"{gflops / peak:.1%}",
                             f"{gflops / peaks[backend]:.1%}", f"{run['compile_s']:.1f}",
                             str(run["steps_per_execution"])])
    return peaks, rows, line


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2048, help="training images (default 2048)")
    parser.add_argument("--epochs", type=int, default=3, help="epochs per run, >= 2 (default 3)")
    parser.add_argument("--repeats", type=int, default=5,
                        help="timed products per matrix size, best kept (default 5)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="matrix sizes n (default %(default)s)")
    parser.add_argument("--backends", help=f"default: {','.join(BACKENDS)} (--quick: this "
                        "process's backend)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: this process's "
                        "backend, 256 images, 2 epochs, matrices up to 1024, 2 repeats")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--architectures", default=",".join(ARCHITECTURES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.worker:
        return worker(args.worker, args.architectures.split(","), args.n, args.epochs, sizes,
                      args.repeats)
    if args.quick:
        args.n, args.epochs, args.repeats, sizes = 256, 2, 2, [512, 1024]
        args.backends = args.backends or current_backend()
    if args.epochs < 2:
        parser.error("--epochs must be at least 2 (the first epoch includes compilation)")
    wanted = [b for b in (args.backends or ",".join(BACKENDS)).split(",") if b]
    unknown = [b for b in wanted if b not in BACKENDS]
    if unknown:
        parser.error(f"unknown backends {unknown}; choose from {', '.join(BACKENDS)}")
    missing = [b for b in wanted if not installed(b)]
    backends = [b for b in wanted if b not in missing]

    # Keras (and its backend) is imported only in the workers: this process times NumPy.
    flags = c.cpu_flags()
    print(f"Machine: {c.machine_info()}; {versions()}")
    print(f"CPU: {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable); float32 flags: "
          + ", ".join(f"{f} {'yes' if f in flags else 'no'}" for f in RELEVANT_FLAGS))
    print(f"Matmul: square float32, n in {sizes}, 1 warm-up + best of {args.repeats}; "
          f"2 n^3 FLOPs per product. {numpy_description()}.")
    print(f"Training: make_vae((28, 28, 1), arch=...) with its defaults; bundled MNIST sample, "
          f"first {args.n} images; batch vaelearn.defaults.BATCH_SIZE and {OTHER_BATCH_SIZE}; "
          f"{args.epochs} epochs per run (epoch 1 = compile, median of the rest). FLOPs: "
          f"{TRAINING_FACTOR}x forward (Dense, Conv2D, Conv2DTranspose multiply-adds; bias, "
          "activations, loss, optimizer left out).")
    if missing:
        print(f"Not installed, skipped: {', '.join(missing)} (make test-backends installs them "
              "in .venv-backends)")
    print(f"Load average before: {' '.join(f'{v:.1f}' for v in os.getloadavg())}", flush=True)

    import numpy as np

    numpy_peak = matmul_gflops(lambda a, b: a @ b, np.asarray, sizes, args.repeats)
    results, failed = {}, {}
    worker_args = ["--architectures", ",".join(ARCHITECTURES), "--n", args.n,
                   "--epochs", args.epochs, "--sizes", ",".join(map(str, sizes)),
                   "--repeats", args.repeats]
    for backend in backends:
        start = time.perf_counter()
        try:
            results[backend] = run_in_backend(backend, Path(__file__).resolve(),
                                              ["--worker", backend, *worker_args])
        except RuntimeError as error:
            failed[backend] = str(error).strip().splitlines()[-1]
        print(f"{backend} {'done' if backend in results else 'FAILED'} in "
              f"{time.perf_counter() - start:.0f} s", flush=True)
    print(f"Load average after: {' '.join(f'{v:.1f}' for v in os.getloadavg())}\n")
    for backend, why in failed.items():
        print(f"{backend} failed, left out: {why}")

    peaks, rows, line = summarize(numpy_peak, results)
    by_size = {"numpy": numpy_peak, **{b: r["matmul"] for b, r in results.items()}}
    c.print_table([[("numpy" if lib == "numpy" else f"keras.ops.matmul ({lib})"),
                    *(f"{best[str(n)]:.1f}" for n in sizes), f"{peaks[lib]:.1f}"]
                   for lib, best in by_size.items()],
                  ["matmul GFLOP/s", *(f"n={n}" for n in sizes), "best"])
    best_lib = max(peaks, key=peaks.get)
    print(f"\nMachine's measured peak: {peaks[best_lib]:.1f} GFLOP/s ({best_lib}).\n")
    if results:
        first = next(iter(results.values()))
        print(f"fit: batch sizes {first['batch_sizes']} (vaelearn.defaults.BATCH_SIZE first), "
              f"Adam({first['learning_rate']:g}).")
        first = first["training"]
        c.print_table([[arch, f"{t['params']:,}", f"{t['forward_flops'] / 1e6:.2f}",
                        f"{t['training_flops'] / 1e6:.2f}"] for arch, t in first.items()],
                      ["architecture", "parameters", "forward MFLOP/example",
                       f"training MFLOP/example ({TRAINING_FACTOR}x)"])
        print()
        c.print_table(rows, ["backend", "architecture", "batch", "samples/s", "GFLOP/s",
                             "of machine peak", "of own matmul peak", "compile s", "steps/call"])
    print(f"fraction_of_peak: {json.dumps(line)}")
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
