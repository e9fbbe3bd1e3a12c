"""Training throughput: the reference VAE against vaelearn's VAE, and what each speed lever gives.

Both models have the reference architecture (encoder 69,076 and decoder 65,089 parameters),
train on the same 28x28 images at batch 128 with Adam(1e-3), and start from the same
weights (same global seed, same layer order). All candidates run in one process,
interleaved over ``--repeats`` rounds (the order rotates every round); a candidate's speed
is its median over rounds of (its samples/s) / (the reference's samples/s that round).

Per run: samples/s over epochs 2..N (steady state), the compile overhead (first epoch
minus a steady epoch), the training loss logged in the last epoch, and the peak RSS above
the RSS at the start of the run (psutil, sampled every 5 ms in a thread: the extra memory
the run needs, not the process total). Thread settings must be fixed before TensorFlow
starts: with ``--threads`` each is measured in its own subprocess against the reference.

The last line is ``speedup_vs_reference: X.XX`` for vaelearn's defaults (``make_vae``).
"""

import argparse
import json
import subprocess
import sys

import _common as c

REFERENCE = "reference (GradientTape train_step)"
DEFAULTS = "vaelearn defaults (make_vae: steps_per_execution=16)"
THREAD_SETTINGS = ((1, 1), (2, 1))
BF16_FLAGS = ("avx512_bf16", "amx_bf16")


def _reference(x):
    from reference_vae import make_reference_vae

    return make_reference_vae(), x


def _vaelearn(x, data="array", **compile_kwargs):
    """vaelearn's VAE at Adam(1e-3): its defaults, or a plain ``compile`` plus one lever."""
    import keras

    model = c.make_vaelearn_vae(learning_rate=1e-3)
    if compile_kwargs:
        model.compile(optimizer=keras.optimizers.Adam(1e-3), **compile_kwargs)
    if data == "tf.data":
        import tensorflow as tf

        x = (tf.data.Dataset.from_tensor_slices(x).cache().shuffle(len(x))
             .batch(c.BATCH_SIZE).prefetch(tf.data.AUTOTUNE))
    return model, x


def _mixed_bfloat16(x):
    """vaelearn's model built under the mixed_bfloat16 policy (layers compute in bfloat16;
    vaelearn sums its losses in float32)."""
    import keras

    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        return _vaelearn(x, jit_compile=False)
    finally:
        keras.config.set_dtype_policy("float32")


def candidates(include_bf16=True):
    """name -> function(x) returning (compiled model, training data). The reference first."""
    found = {
        REFERENCE: _reference,
        "vaelearn, plain compile (Adam only)": lambda x: _vaelearn(x, jit_compile=False),
        "vaelearn + XLA (jit_compile=True)": lambda x: _vaelearn(x, jit_compile=True),
        "vaelearn + tf.data pipeline": lambda x: _vaelearn(x, data="tf.data", jit_compile=False),
        "vaelearn + op determinism (vaelearn.seed)": _with_determinism,
    }
    if include_bf16:
        found["vaelearn + mixed_bfloat16"] = _mixed_bfloat16
    found[DEFAULTS] = _vaelearn
    return found


def _with_determinism(x):
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    return _vaelearn(x, jit_compile=False)


def _reset_process_state():
    # Undo what a candidate set for the whole process (op determinism has no public "off").
    from tensorflow.python.framework import config

    config.disable_op_determinism()


def run_once(build, x, epochs, seed=0):
    """Build a fresh model (same seed each time), train it ``epochs`` epochs; return metrics."""
    import keras

    keras.utils.set_random_seed(seed)
    model, data = build(x)
    with c.PeakRSS() as memory:
        seconds, losses = c.train_epochs(model, data, epochs)
    _reset_process_state()
    steady = seconds[1:]
    return {"samples_per_s": len(x) * len(steady) / sum(steady),
            "compile_s": seconds[0] - c.median(steady),
            "loss": losses[-1], "peak_mib": memory.peak_mib}


def compare(builds, x, epochs, repeats):
    """Interleave the candidates over ``repeats`` rounds; return name -> list of run metrics,
    each with ``ratio`` = samples/s relative to the first candidate's in the same round."""
    names = list(builds)
    runs = {name: [] for name in names}
    for r in range(repeats):
        order = names[r % len(names):] + names[:r % len(names)]
        this_round = {name: run_once(builds[name], x, epochs) for name in order}
        base = this_round[names[0]]["samples_per_s"]
        for name in names:
            runs[name].append({**this_round[name],
                               "ratio": this_round[name]["samples_per_s"] / base})
    return runs


def summarize(runs):
    """name -> medians over rounds of each metric."""
    return {name: {key: c.median([run[key] for run in rs]) for key in rs[0]}
            for name, rs in runs.items()}


def worker(intra, inter, epochs, repeats, n):
    """Subprocess entry point: fix the thread pools, then compare reference and defaults."""
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(intra)
    tf.config.threading.set_inter_op_parallelism_threads(inter)
    found = candidates(include_bf16=False)
    names = [REFERENCE, DEFAULTS]
    x = c.images28()[0][:n]
    print(json.dumps(summarize(compare({k: found[k] for k in names}, x, epochs, repeats))))


def thread_levers(epochs, repeats, n):
    """Run :func:`worker` in a subprocess per thread setting; return setting -> summary."""
    results = {}
    for intra, inter in THREAD_SETTINGS:
        out = subprocess.run(
            [sys.executable, __file__, "--worker", f"{intra},{inter}", "--epochs", str(epochs),
             "--repeats", str(repeats), "--n", str(n)],
            check=True, capture_output=True, text=True).stdout
        results[(intra, inter)] = json.loads(out.strip().splitlines()[-1])
    return results


def report(summary, threads, bf16_note):
    """Print the candidates' table, then the thread pools' table when measured."""
    ref = summary[REFERENCE]
    rows = [[name, f"{s['samples_per_s']:,.0f}", f"{s['ratio']:.2f}", f"{s['compile_s']:.1f}",
             f"{s['loss']:.1f}", f"{100 * (s['loss'] / ref['loss'] - 1):+.1f}%",
             f"{s['peak_mib']:.0f}"] for name, s in summary.items()]
    c.print_table(rows, ["candidate", "samples/s", "vs reference", "compile s", "final loss",
                         "loss vs ref", "peak RSS +MiB"])
    if bf16_note:
        print(f"\nmixed_bfloat16: {bf16_note}")
    if threads:
        print("\nThread pools (one subprocess each; ratio measured inside it; the reference's"
              "\nsamples/s compared across processes is noisier):")
        base = ref["samples_per_s"]
        rows = []
        for (intra, inter), s in threads.items():
            r, ours = s[REFERENCE], s[DEFAULTS]
            rows.append([f"intra={intra}, inter={inter}", f"{r['samples_per_s']:,.0f}",
                         f"{r['samples_per_s'] / base:.2f}", f"{ours['samples_per_s']:,.0f}",
                         f"{ours['ratio']:.2f}"])
        c.print_table(rows, ["threads", "reference samples/s", "vs default threads",
                             "vaelearn samples/s", "vaelearn vs reference"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=4, help="epochs per run (>= 2; default 4)")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 256 images, 2 epochs, 1 round")
    parser.add_argument("--threads", action="store_true",
                        help=f"also measure thread pools {THREAD_SETTINGS} (one subprocess each, "
                             "about 1 minute each)")
    parser.add_argument("--n", type=int, default=None, help="use only the first N images")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.repeats, args.n = 2, 1, args.n or 256
    if args.epochs < 2:
        parser.error("--epochs must be at least 2 (the first epoch includes compilation)")
    x, source = c.images28()
    n = args.n or len(x)
    if args.worker:
        intra, inter = map(int, args.worker.split(","))
        return worker(intra, inter, args.epochs, args.repeats, n)

    print(f"Machine: {c.machine_info()}")
    print(f"Data: {source}, first {n} used; batch {c.BATCH_SIZE}; {args.epochs} epochs per run "
          f"(epoch 1 = compile), {args.repeats} interleaved rounds; medians shown.")
    bf16 = bool(c.cpu_flags() & set(BF16_FLAGS))
    bf16_note = None if bf16 else ("not applicable: the CPU has neither AVX512-BF16 nor AMX "
                                   "(/proc/cpuinfo), so bfloat16 math would be emulated")
    found = candidates(include_bf16=bf16)
    counts = c.check_param_counts(found[DEFAULTS](x[:1])[0])
    print(f"Parameters (both models): encoder {counts['encoder']:,}, "
          f"decoder {counts['decoder']:,}\n")
    summary = summarize(compare(found, x[:n], args.epochs, args.repeats))
    threads = thread_levers(args.epochs, args.repeats, n) if args.threads else None
    report(summary, threads, bf16_note)
    print(f"speedup_vs_reference: {summary[DEFAULTS]['ratio']:.2f}")


if __name__ == "__main__":
    main()
