"""Does KL annealing leave more information in an image VAE's code, or only give it a head start?

Notebook 06 trains the same VAE (64-dimensional code, MLP 128-64, batch 64) twice: at a
constant beta = 1, and with beta rising linearly from 0 to 1 over the first half of the same
number of updates. After those updates the annealed code carries more information, but the
annealed model spent half its updates at beta < 1 and neither has settled, so that comparison
cannot tell a lasting effect from a head start. This script continues both models at beta = 1
for the same number of updates again, twice, and reports the KL per test image (nats) and the
active units after 1x, 2x and 3x the notebook's training::

    python bench/annealing.py                        # seeds 0-4, mnist_sample and digits
    python bench/annealing.py --seeds 0-1 --datasets digits --updates 300   # quicker

Ends with ``annealing_kl_gap: {json}``: per dataset, the smallest and largest gap (annealed
minus constant, nats) over the seeds after each length of training.
"""

import argparse
import json
import sys

import _common as c
from course_seeds import seed_range


def run(dataset, seed, updates):
    """KL (nats) and active units after 1x, 2x, 3x ``updates``, for both schedules."""
    import vaelearn as vl

    vl.seed(seed)
    data = vl.data.load(dataset).subset(8000, 1000, seed=seed)
    epochs = vl.training.epochs_for(len(data.x_train), batch_size=64, updates=updates)
    results = {}
    for name, beta, callbacks in (("constant", 1.0, []),
                                  ("annealed", 0.0, [vl.training.KLAnnealing(max(2, epochs // 2))])):
        vae = vl.models.make_vae(data.example_shape, latent_dim=64, hidden=(128, 64), beta=beta,
                                 seed=seed)
        points = []
        for round_ in range(3):
            vae.fit(data.x_train, epochs=epochs, batch_size=64, verbose=0,
                    callbacks=callbacks if round_ == 0 else [])
            vae.beta.assign(1.0)
            z_mean, z_log_var = vae.encode(data.x_test)
            points.append((float(vl.metrics.kl_per_dimension(z_mean, z_log_var).sum()),
                           vl.metrics.active_units(z_mean)))
        results[name] = points
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=seed_range, default=seed_range("0-4"))
    parser.add_argument("--datasets", default="mnist_sample,digits")
    parser.add_argument("--updates", type=int, default=1500,
                        help="updates of one round, as in notebook 06 (default: 1500)")
    args = parser.parse_args(argv)
    print(f"Machine: {c.machine_info()}")
    rows, gaps = [], {}
    for dataset in args.datasets.split(","):
        for seed in args.seeds:
            result = run(dataset, seed, args.updates)
            row = [dataset, str(seed)]
            for k in range(3):
                constant, annealed = result["constant"][k], result["annealed"][k]
                gap = annealed[0] - constant[0]
                gaps.setdefault(dataset, [[], [], []])[k].append(gap)
                row.append(f"{constant[0]:.2f} ({constant[1]}) / {annealed[0]:.2f} ({annealed[1]}): "
                           f"{gap:+.2f}")
            rows.append(row)
            print("  " + " | ".join(row), flush=True)
    print()
    c.print_table(rows, ["dataset", "seed"] + [f"{k}x: constant / annealed KL (active): gap"
                                               for k in (1, 2, 3)])
    summary = {dataset: {f"{k + 1}x": [round(min(g[k]), 2), round(max(g[k]), 2)] for k in range(3)}
               for dataset, g in gaps.items()}
    print(f"\nannealing_kl_gap: {json.dumps(summary)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
