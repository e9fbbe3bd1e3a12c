"""How long ``vl.diagnose`` takes on a trained course model, against two references timed in
the same process on the same examples: one ``predict`` pass of the model (its encoder and
decoder, ``reconstruct``) and one epoch of ``fit``.

Cases: ``make_vae``'s defaults (MLP of 256 and 128 units) and the convolutional network,
each on MNIST-sized grey images (the bundled MNIST sample, 28x28x1) and on 32x32 colour images
(the bundled emoji, logistic likelihood), 8-D latent space, trained for ``--updates`` updates
first (the numbers a diagnosis measures do not change its cost). ``diagnose`` runs with its
defaults (512 examples, memorisation searched over up to 2,048 training and as many test
images); each time is the median over ``--repeats`` runs after one warm-up run. The target:
at most 5 s on 2 CPU cores. The last line is ``diagnose_time_s: X.XX``, the slowest case's
median.
"""

import argparse
import sys
import time

import _common as c

TARGET_S = 5.0
N_EXAMPLES = 512


def timed(fn, repeats):
    """The median wall-clock seconds of ``fn()`` over ``repeats`` calls, after one warm-up."""
    fn()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return c.median(seconds)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per case (default 5)")
    parser.add_argument("--updates", type=int, default=300,
                        help="training updates before timing (default 300)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 repeat, 50 updates")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats, args.updates = 1, 50

    import vaelearn as vl

    datasets = {"MNIST sample, 28x28x1": (vl.data.load("mnist_sample"), "bernoulli"),
                "emoji, 32x32x3": (vl.data.load("emoji"), "logistic")}
    rows, slowest = [], 0.0
    for data_name, (data, likelihood) in datasets.items():
        x = data.x_test[:N_EXAMPLES]
        for arch in ("mlp", "conv"):
            vl.seed(0)
            model = vl.models.make_vae(data.example_shape, latent_dim=8, arch=arch,
                                       likelihood=likelihood, seed=0)
            epochs = vl.training.epochs_for(len(data.x_train), batch_size=vl.defaults.BATCH_SIZE,
                                            updates=args.updates)
            model.fit(data.x_train, epochs=epochs, verbose=0)
            diagnosis = timed(lambda: vl.diagnose(model, data, seed=0), args.repeats)
            predict = timed(lambda: model.reconstruct(x), args.repeats)
            epoch = timed(lambda: model.fit(x, epochs=1, verbose=0), args.repeats)
            slowest = max(slowest, diagnosis)
            rows.append([data_name, arch, likelihood, f"{diagnosis:.2f}", f"{predict:.3f}",
                         f"{diagnosis / predict:.0f}", f"{epoch:.2f}", f"{diagnosis / epoch:.2f}"])
    print(f"Machine: {c.machine_info()}")
    print(f"vl.diagnose with n_examples={N_EXAMPLES}; references on the same {N_EXAMPLES} test "
          f"images; median of {args.repeats} run(s); models trained for {args.updates} updates")
    c.print_table(rows, ["data", "arch", "likelihood", "diagnose s", "predict s",
                         "x predict", "fit epoch s", "x fit epoch"])
    print(f"slowest case {slowest:.2f} s; target <= {TARGET_S:g} s: "
          f"{'met' if slowest <= TARGET_S else 'MISSED'}")
    print(f"diagnose_time_s: {slowest:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
