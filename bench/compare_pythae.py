"""vaelearn against pythae: the same VAE trained on the same data for the same wall time.

A learner who wants a VAE library might pick pythae (PyTorch; many VAE variants and a
trainer). Both train the course's likelihood lesson's model (notebook 03): an MLP VAE,
784-256-128 ReLU layers to a 16-D diagonal Gaussian code and back to 784 Bernoulli logits,
on the bundled real MNIST sample (8,000 training images, dynamically binarised: a fresh
x ~ Bernoulli(grey level) every time an image is used, vaelearn's ``binarize=True``; for
pythae a dataset that draws it in ``__getitem__``). The objective is the same (summed binary
cross-entropy plus the closed-form KL, averaged over the batch); pythae's decoder ends in a
sigmoid, as its ``"bce"`` loss needs. Each library initialises the weights its own way
(Keras: Glorot-uniform; PyTorch: Kaiming-uniform).

Candidates, each in a fresh subprocess (the memory column is then that run's own):

- ``vaelearn``: what a learner gets without asking, ``make_vae(..., latent_dim=16,
  binarize=True)`` and ``fit``'s default batch size;
- ``pythae``: ``VAE`` with pythae's ``BaseTrainer`` and ``BaseTrainerConfig`` defaults;
- ``pythae@vaelearn``: pythae with vaelearn's batch size and learning rate,
  ``vaelearn@pythae``: vaelearn with pythae's: what the settings give, apart from the library.

Every candidate trains for ``--seconds`` of training time (from the start of ``fit`` or of
the trainer's construction, so compilation and data loading count; evaluation does not).
Every ``--check-every`` training seconds the held-out test ELBO is evaluated (the 2,000 test
images, one fixed binarisation, one fixed noise draw per image); a candidate's time to the
target is the training time at its first check at or below ``--target`` nats of -ELBO. At the
end: the test ELBO (exact KL, ``--k`` posterior draws for the expectation) and the IWAE bound
L_k, the same NumPy float64 code for both libraries. Peak memory: the subprocess's peak
resident set (VmHWM, the framework included), and how far it rose above the resident set
after the library and the data were loaded (the training's own memory).

Rounds repeat ``--repeats`` times, with the candidates' order rotated each round and the
round's number as every candidate's seed. The last line is ``speedup_vs_pythae: R``, the
median over rounds of pythae's time to the target over vaelearn's (above 1: vaelearn gets
there sooner); a candidate that never gets there in ``--seconds`` counts as ``--seconds``,
so the ratio is then a lower bound (the table marks it).
"""

import argparse
import importlib.metadata
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common as c
import numpy as np

LATENT_DIM = 16
HIDDEN = (256, 128)
CANDIDATES = ("vaelearn", "pythae", "pythae@vaelearn", "vaelearn@pythae")


def settings(candidate):
    """(library, batch size, learning rate) of a candidate: the defaults a learner gets from
    the library named after the ``@``, else from its own."""
    from pythae.trainers import BaseTrainerConfig

    from vaelearn.defaults import BATCH_SIZE, LEARNING_RATE

    pythae = BaseTrainerConfig()
    defaults = {"vaelearn": (BATCH_SIZE, LEARNING_RATE),
                "pythae": (pythae.per_device_train_batch_size, pythae.learning_rate)}
    library, _, borrowed = candidate.partition("@")
    return (library, *defaults[borrowed or library])


def bounds(encode, decode_logits, x, n_samples, seed, batch_size=100):
    """Test ELBO and IWAE bound L_k per image (nats, float64), for any library's model, with
    k = ``n_samples`` posterior draws per image.

    ``encode(x)`` returns NumPy ``(z_mean, z_log_var)``, each ``(n, latent_dim)``;
    ``decode_logits(z)`` the Bernoulli logits ``(n, 784)`` for codes ``(n, latent_dim)``.
    ELBO = mean over the k draws of log p(x|z) minus the exact KL; L_k = log mean_k w with
    w = p(x|z) p(z) / q(z|x).
    """
    rng = np.random.default_rng(seed)
    elbos, iwaes = [], []
    for i in range(0, len(x), batch_size):
        xb = x[i:i + batch_size].reshape(-1, 784).astype("float64")
        mean, log_var = (np.asarray(t, "float64") for t in encode(x[i:i + batch_size]))
        std = np.exp(0.5 * log_var)
        eps = rng.standard_normal((n_samples,) + mean.shape)
        z = mean + std * eps
        logits = np.asarray(decode_logits(z.reshape(-1, LATENT_DIM).astype("float32")),
                            "float64").reshape(n_samples, len(xb), 784)
        log_px_z = (xb * logits - np.logaddexp(0.0, logits)).sum(axis=-1)
        log_pz = -0.5 * (z ** 2 + np.log(2 * np.pi)).sum(axis=-1)
        log_qz = -0.5 * (eps ** 2 + log_var + np.log(2 * np.pi)).sum(axis=-1)
        kl = 0.5 * (mean ** 2 + std ** 2 - log_var - 1).sum(axis=-1)
        log_w = log_px_z + log_pz - log_qz
        elbos.append(log_px_z.mean(axis=0) - kl)
        top = log_w.max(axis=0)
        iwaes.append(top + np.log(np.mean(np.exp(log_w - top), axis=0)))
    return np.concatenate(elbos), np.concatenate(iwaes)


class Clock:
    """Training time with evaluations left out. ``start(evaluate)`` starts it; ``tick()``
    calls ``evaluate`` every ``every`` seconds of training time, records (seconds, value),
    and returns False once ``budget`` is spent."""

    def __init__(self, every, budget):
        self.every, self.budget = every, budget
        self.points, self.excluded, self.steps = [], 0.0, 0

    def start(self, evaluate):
        self.evaluate = evaluate
        self.started = time.perf_counter()

    def elapsed(self):
        return time.perf_counter() - self.started - self.excluded

    def tick(self, steps=1):
        self.steps += steps
        elapsed = self.elapsed()
        if elapsed >= self.every * (len(self.points) + 1) or elapsed >= self.budget:
            t0 = time.perf_counter()
            self.points.append((elapsed, self.evaluate()))
            self.excluded += time.perf_counter() - t0
        return elapsed < self.budget


def vaelearn_run(x_train, x_test, batch_size, learning_rate, seed, clock):
    """Train vaelearn's VAE until the clock runs out; return (encode, decode_logits)."""
    import keras

    import vaelearn as vl

    vl.seed(seed)
    model = vl.models.make_vae(x_train.shape[1:], latent_dim=LATENT_DIM, hidden=HIDDEN,
                               binarize=True, seed=seed, learning_rate=learning_rate)
    encode = lambda x: model.encode(x)
    decode_logits = lambda z: keras.ops.convert_to_numpy(model.decoder(z)).reshape(len(z), -1)
    spe = model.steps_per_execution

    class Stop(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if not clock.tick(spe):
                self.model.stop_training = True

    clock.start(_quick_elbo(encode, decode_logits, x_test, seed))
    model.fit(x_train, epochs=10**6, batch_size=batch_size, verbose=0, callbacks=[Stop()])
    return encode, decode_logits


def pythae_run(x_train, x_test, batch_size, learning_rate, seed, clock):
    """Train pythae's VAE (its BaseTrainer) until the clock runs out."""
    import torch
    from pythae.data.datasets import BaseDataset, DatasetOutput
    from pythae.models import VAE, VAEConfig
    from pythae.models.base.base_utils import ModelOutput
    from pythae.models.nn import BaseDecoder, BaseEncoder
    from pythae.trainers import BaseTrainer, BaseTrainerConfig
    from pythae.trainers.training_callbacks import TrainingCallback
    from torch import nn

    class Encoder(BaseEncoder):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(nn.Flatten(), nn.Linear(784, HIDDEN[0]), nn.ReLU(),
                                      nn.Linear(HIDDEN[0], HIDDEN[1]), nn.ReLU())
            self.mean = nn.Linear(HIDDEN[1], LATENT_DIM)
            self.log_var = nn.Linear(HIDDEN[1], LATENT_DIM)

        def forward(self, x):
            h = self.body(x)
            return ModelOutput(embedding=self.mean(h), log_covariance=self.log_var(h))

    class Decoder(BaseDecoder):
        def __init__(self):
            super().__init__()
            self.logits = nn.Sequential(nn.Linear(LATENT_DIM, HIDDEN[1]), nn.ReLU(),
                                        nn.Linear(HIDDEN[1], HIDDEN[0]), nn.ReLU(),
                                        nn.Linear(HIDDEN[0], 784))

        def forward(self, z):
            probs = torch.sigmoid(self.logits(z))
            return ModelOutput(reconstruction=probs.reshape(-1, 1, 28, 28))

    class DynamicallyBinarized(BaseDataset):
        def __getitem__(self, index):
            return DatasetOutput(data=torch.bernoulli(self.data[index]), labels=self.labels[index])

    class Stop(Exception):
        pass

    class StopWhenSpent(TrainingCallback):
        def on_train_step_end(self, training_config, **kwargs):
            if not clock.tick():
                raise Stop

    torch.manual_seed(seed)
    model = VAE(VAEConfig(input_dim=(1, 28, 28), latent_dim=LATENT_DIM, reconstruction_loss="bce"),
                encoder=Encoder(), decoder=Decoder())

    @torch.no_grad()
    def encode(x):
        out = model.encoder(torch.from_numpy(np.moveaxis(x, -1, 1).copy()))
        return out.embedding.numpy(), out.log_covariance.numpy()

    @torch.no_grad()
    def decode_logits(z):
        return model.decoder.logits(torch.from_numpy(z)).numpy()

    images = torch.from_numpy(np.moveaxis(x_train, -1, 1).copy())
    with tempfile.TemporaryDirectory() as output_dir:
        clock.start(_quick_elbo(encode, decode_logits, x_test, seed))
        config = BaseTrainerConfig(output_dir=output_dir, num_epochs=10**6, seed=seed,
                                   per_device_train_batch_size=batch_size,
                                   learning_rate=learning_rate, no_cuda=True)
        trainer = BaseTrainer(model, DynamicallyBinarized(images, torch.zeros(len(images))),
                              training_config=config, callbacks=[StopWhenSpent()])
        try:
            trainer.train()
        except Stop:
            pass
    model.eval()
    return encode, decode_logits


def _quick_elbo(encode, decode_logits, x_test, seed):
    """A check during training: -ELBO over the test set with one fixed draw per image."""
    return lambda: -float(bounds(encode, decode_logits, x_test, n_samples=1, seed=seed,
                                 batch_size=500)[0].mean())


def vm_hwm_mib():
    """This process's peak resident set so far (MiB; 0 where /proc is missing)."""
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def worker(library, batch_size, learning_rate, seed, seconds, check_every, k, n_train):
    """Train one candidate in this process, importing only its own library; print JSON."""
    import psutil

    from vaelearn import data

    mnist = data.load("mnist_sample")
    x_train, x_test = mnist.x_train[:n_train], data.binarize(mnist.x_test, seed=0)
    if library == "vaelearn":
        import vaelearn.models  # noqa: F401 (TensorFlow and Keras: in the baseline below)
    else:
        import pythae.trainers  # noqa: F401 (PyTorch and pythae: likewise)
    start_rss = psutil.Process().memory_info().rss / 2**20
    clock = Clock(every=check_every, budget=seconds)
    run = vaelearn_run if library == "vaelearn" else pythae_run
    encode, decode_logits = run(x_train, x_test, batch_size, learning_rate, seed, clock)
    trained = clock.elapsed()
    t0 = time.perf_counter()
    elbo, iwae = bounds(encode, decode_logits, x_test, n_samples=k, seed=seed + 1)
    print(json.dumps({
        "seconds": trained, "steps": clock.steps, "epochs": clock.steps * batch_size / len(x_train),
        "checks": clock.points, "elbo": float(elbo.mean()), "iwae": float(iwae.mean()),
        "eval_seconds": time.perf_counter() - t0, "peak_rss_mib": vm_hwm_mib(),
        "start_rss_mib": start_rss,
        "other_library_loaded": ("torch" if library == "vaelearn" else "tensorflow") in sys.modules,
    }))


def run_worker(candidate, seed, args):
    library, batch_size, learning_rate = settings(candidate)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", library,
               "--batch-size", str(batch_size), "--learning-rate", repr(learning_rate),
               "--seed", str(seed), "--seconds", str(args.seconds), "--check-every",
               str(args.check_every), "--k", str(args.k), "--n-train", str(args.n_train)]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "VAELEARN_TRAINING_DISPLAY": "0"}
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{candidate} (seed {seed}) failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["other_library_loaded"]:
        raise RuntimeError(f"{candidate}'s process imported the other library too: its memory "
                           "would not be its own")
    return {**result, "batch_size": batch_size, "learning_rate": learning_rate}


def time_to(run, target):
    """Training seconds at the first check at or below ``target`` (None if never)."""
    return next((t for t, value in run["checks"] if value <= target), None)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="training seconds per candidate (default 60)")
    parser.add_argument("--target", type=float, default=125.0,
                        help="test -ELBO (nats) to reach (default 125)")
    parser.add_argument("--check-every", type=float, default=1.0,
                        help="training seconds between test-ELBO checks (default 1)")
    parser.add_argument("--k", type=int, default=100, help="IWAE samples (default 100)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--n-train", type=int, default=8000, help="training images (default 8000)")
    parser.add_argument("--candidates", default=",".join(CANDIDATES), help="default: %(default)s")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: vaelearn and pythae, 3 s each, 512 images, k=5, 1 round")
    parser.add_argument("--save", help="write every round's results to this JSON file")
    parser.add_argument("--load", help="summarise a --save file instead of training")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--batch-size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--learning-rate", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.batch_size, args.learning_rate, args.seed, args.seconds,
                      args.check_every, args.k, args.n_train)
    if args.quick:
        args.seconds, args.check_every, args.k, args.repeats, args.n_train = 3.0, 1.0, 5, 1, 512
        args.candidates = "vaelearn,pythae"
    saved = json.loads(Path(args.load).read_text()) if args.load else None
    candidates = list(saved[0]) if saved else [name for name in args.candidates.split(",") if name]
    if not {"vaelearn", "pythae"} <= set(candidates) or not set(candidates) <= set(CANDIDATES):
        parser.error(f"--candidates: 'vaelearn' and 'pythae' and others from {CANDIDATES}")
    import torch

    print(f"Machine: {c.machine_info()}, PyTorch {torch.__version__}, "
          f"pythae {importlib.metadata.version('pythae')}, load average {os.getloadavg()[0]:.1f}")
    print(f"Each candidate: {args.seconds:g} s of training, test -ELBO checked every "
          f"{args.check_every:g} s, target {args.target:g} nats; final ELBO and IWAE (k={args.k}) "
          f"on the 2,000 binarised test images; {args.n_train} training images.\n", flush=True)
    rounds = saved or []
    if not saved:
        for r in range(args.repeats):
            order = candidates[r % len(candidates):] + candidates[:r % len(candidates)]
            rounds.append({})
            for name in order:
                rounds[-1][name] = result = run_worker(name, r, args)
                print(f"round {r + 1}/{args.repeats}: {name} done, {result['steps']} steps, "
                      f"-ELBO {-result['elbo']:.2f}", flush=True)
        if args.save:
            Path(args.save).write_text(json.dumps(rounds))
    print(f"\nload average after: {os.getloadavg()[0]:.1f}\n")
    rows, ratios = [], []
    for name in candidates:
        runs = [rnd[name] for rnd in rounds]
        times = [time_to(run, args.target) for run in runs]
        reached = [t for t in times if t is not None]
        shown = (f"{statistics.median(reached):.1f}" if len(reached) == len(times)
                 else f"{len(reached)}/{len(times)} reached")
        med = lambda key: statistics.median(run[key] for run in runs)
        rows.append([name, runs[0]["batch_size"], f"{runs[0]['learning_rate']:g}", shown,
                     f"{-med('elbo'):.2f}", f"{-med('iwae'):.2f}", f"{med('epochs'):.1f}",
                     f"{med('peak_rss_mib'):.0f}", f"{med('peak_rss_mib') - med('start_rss_mib'):.0f}"])
    c.print_table(rows, ["candidate", "batch", "lr", f"s to -ELBO <= {args.target:g}",
                         f"-ELBO after {args.seconds:g} s", f"-L_{args.k}", "epochs",
                         "peak RSS MiB", "rise MiB"])
    lower_bound = False
    for rnd in rounds:
        ours, theirs = (time_to(rnd[name], args.target) for name in ("vaelearn", "pythae"))
        lower_bound |= theirs is None
        ratios.append((theirs or args.seconds) / (ours or args.seconds))
    print(f"\nper round: {', '.join(f'{r:.2f}' for r in ratios)}"
          + (" (pythae never reached the target in a round: lower bound)" if lower_bound else ""))
    print(f"speedup_vs_pythae: {statistics.median(ratios):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
