"""What do KL warm-up and per-layer free bits change in a two-layer VAE's top layer and test bound?

Notebook 15 trains a two-layer VAE (latents 32 and 8, MLP 128-64, batch 64, 1,500 updates)
three ways: plain; with a KL warm-up (beta from 0 to 1 over the first half of training,
``vl.training.KLAnnealing(max(2, epochs // 2))``); with free bits on the top layer
(``free_bits=(0.0, 0.5)``), and a one-layer VAE (32 latents, same networks) beside them. It
reports the top layer's KL and active units, but to keep within its time computes the test
bound L_50 of the plain two-layer and one-layer models only. This script trains the same
models, in the notebook's order and with its seeds, and reports per run: the top layer's KL
(closed form at z1 = the posterior mean, per test image, as the notebook's ``layer_report``),
active units per layer, the total KL (one-layer: closed form; two-layer: the one-draw
estimate log q(z1, z2 | x) - log p(z1, z2) at the draws ``posterior_draws(seed=seed + 1)``,
as the notebook averages it) and the test bound L_50 (``iwae_bound(n_samples=50,
seed=seed + 3)``), with the gain of warm-up and free bits over the plain two-layer model and
of the plain two-layer model over the one-layer one, paired by test image (± standard error)::

    python bench/hierarchy_warmup.py                         # seeds 0-4, mnist_sample and digits
    python bench/hierarchy_warmup.py --seeds 0 --datasets digits --updates 200   # quicker

Ends with ``hierarchy_warmup: {json}``: per dataset, the smallest and largest over the seeds
of the top layer's KL for each run and of each bound gain (nats).
"""

import argparse
import json
import sys

import _common as c
from course_seeds import seed_range

LATENT_DIMS, HIDDEN = (32, 8), (128, 64)
RUNS = ("plain", "warm-up", "free bits")


def run(dataset, seed, updates, *, n_train=8000, n_test=1000, n_samples=50):
    """Per model ("one layer" and ``RUNS``): a dict of kl_2, active_1, active_2, kl, bound
    (the per-image L_k, an array); the one-layer model's kl_2 and active_2 are None."""
    import numpy as np

    import vaelearn as vl

    vl.seed(seed)
    data = vl.data.load(dataset).subset(n_train, n_test, seed=seed)
    x_train, x_test = data.x_train, data.x_test
    epochs = vl.training.epochs_for(len(x_train), batch_size=64, updates=updates)

    def train_two_layer(callbacks=(), **kwargs):
        model = vl.hierarchy.make_two_layer_vae(data.example_shape, latent_dims=LATENT_DIMS,
                                                hidden=HIDDEN, seed=seed, **kwargs)
        model.fit(x_train, epochs=epochs, batch_size=64, callbacks=list(callbacks), verbose=0)
        return model

    def two_layer_report(model):
        z1_mean, _, z2_mean, z2_log_var = model.encode(x_test)
        draws = model.posterior_draws(x_test, seed=seed + 1)
        kl_1, kl_2 = vl.hierarchy.hierarchical_kl_terms(**draws)
        return dict(kl_2=float(vl.metrics.kl_per_dimension(z2_mean, z2_log_var).sum()),
                    active_1=vl.metrics.active_units(z1_mean),
                    active_2=vl.metrics.active_units(z2_mean),
                    kl=float(np.mean(np.asarray(kl_1) + np.asarray(kl_2))),
                    bound=vl.evaluation.iwae_bound(model, x_test, n_samples=n_samples,
                                                   seed=seed + 3))

    # The notebook's order of training (cells 5, 7, 13): the same global generators' states.
    results = {"plain": two_layer_report(train_two_layer())}
    one = vl.models.make_vae(data.example_shape, latent_dim=LATENT_DIMS[0], hidden=HIDDEN,
                             seed=seed)
    one.fit(x_train, epochs=epochs, batch_size=64, verbose=0)
    one_mean, one_log_var = one.encode(x_test)
    results["one layer"] = dict(
        kl_2=None, active_1=vl.metrics.active_units(one_mean), active_2=None,
        kl=float(vl.metrics.kl_per_dimension(one_mean, one_log_var).sum()),
        bound=vl.evaluation.iwae_bound(one, x_test, n_samples=n_samples, seed=seed + 3))
    results["warm-up"] = two_layer_report(
        train_two_layer(callbacks=[vl.training.KLAnnealing(max(2, epochs // 2))], beta=0.0))
    results["free bits"] = two_layer_report(train_two_layer(free_bits=(0.0, 0.5)))
    return results


def paired_gain(better, worse):
    """Mean and standard error of the per-image difference ``better - worse``."""
    import numpy as np

    difference = np.asarray(better, "float64") - np.asarray(worse, "float64")
    return float(difference.mean()), float(difference.std(ddof=1) / np.sqrt(len(difference)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=seed_range, default=seed_range("0-4"))
    parser.add_argument("--datasets", default="mnist_sample,digits")
    parser.add_argument("--updates", type=int, default=1500,
                        help="updates of each training run, as in notebook 15 (default: 1500)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke test: 20 updates, 512 training and 64 test images, L_5")
    args = parser.parse_args(argv)
    sizes = dict(n_train=512, n_test=64, n_samples=5) if args.quick else {}
    updates = 20 if args.quick else args.updates
    print(f"Machine: {c.machine_info()}")
    print(f"{updates} updates of batches of 64; bound L_{sizes.get('n_samples', 50)}; "
          "gains paired by test image, ± standard error")
    rows, summary = [], {}
    for dataset in args.datasets.split(","):
        for seed in args.seeds:
            result = run(dataset, seed, updates, **sizes)
            one, plain = result["one layer"], result["plain"]
            for name in ("one layer",) + RUNS:
                r = result[name]
                if name == "plain":
                    gain = ""
                elif name == "one layer":  # the second layer's gain
                    gain = "%+.2f ± %.2f" % paired_gain(plain["bound"], one["bound"])
                else:
                    gain = "%+.2f ± %.2f" % paired_gain(r["bound"], plain["bound"])
                row = [dataset, str(seed), name,
                       "-" if r["kl_2"] is None else f"{r['kl_2']:.2f}",
                       f"{r['active_1']}/{LATENT_DIMS[0]}",
                       "-" if r["active_2"] is None else f"{r['active_2']}/{LATENT_DIMS[1]}",
                       f"{r['kl']:.2f}", f"{r['bound'].mean():.2f}", gain]
                rows.append(row)
                print("  " + " | ".join(row), flush=True)
            entry = summary.setdefault(dataset, {})
            for name in RUNS:
                entry.setdefault(f"kl_2 {name}", []).append(result[name]["kl_2"])
            entry.setdefault("gain two vs one layer", []).append(
                paired_gain(plain["bound"], one["bound"])[0])
            for name in RUNS[1:]:
                entry.setdefault(f"gain {name} vs plain", []).append(
                    paired_gain(result[name]["bound"], plain["bound"])[0])
    print()
    c.print_table(rows, ["dataset", "seed", "model", "top layer's KL", "active z1",
                         "active z2", "total KL", "test L_k", "bound gain"])
    print("\nbound gain: one layer's row, plain two-layer minus one-layer; warm-up's and free "
          "bits' rows, that run minus the plain two-layer run")
    ranges = {dataset: {key: [round(min(v), 2), round(max(v), 2)] for key, v in entry.items()}
              for dataset, entry in summary.items()}
    print(f"\nhierarchy_warmup: {json.dumps(ranges)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
