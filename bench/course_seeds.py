"""Run the course over seeds and datasets and print a pass table.

Every notebook's claims must hold for any ``VAELEARN_SEED`` and on every dataset the course
supports. This script runs each notebook in a fresh kernel for each (dataset, seed) pair,
with ``VAELEARN_DATASET`` and ``VAELEARN_SEED`` set, and prints one row per notebook::

    python bench/course_seeds.py                          # seeds 0-4, mnist_sample and digits
    python bench/course_seeds.py notebooks/05*.ipynb --seeds 0-9 --datasets digits
    python bench/course_seeds.py --keep-going --out build/seeds   # run every cell, keep copies

A cell shows ``ok``, or ``F`` followed by the indices of the cells that failed. With
``--keep-going`` a notebook runs to its end after a failing cell, so one run lists every
failing claim; ``--out`` keeps each executed notebook for reading the numbers it printed.
Ends with ``course_seeds_passed: P/N``.
"""

import argparse
import itertools
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import _common as c
from course_runtime import notebooks_in

DATASETS = ("mnist_sample", "digits")


def seed_range(text):
    """``"0-4"`` -> [0, 1, 2, 3, 4]; ``"1,5,7"`` -> [1, 5, 7]."""
    seeds = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        seeds += range(int(low), int(high or low) + 1)
    return seeds


def run(path, dataset, seed, *, keep_going, out, cell_timeout):
    """Execute one notebook; return (seconds, indices of failing cells)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    environ = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}  # as learners run
    env = {**environ, "VAELEARN_DATASET": dataset, "VAELEARN_SEED": str(seed),
           "VAELEARN_HOME": tempfile.mkdtemp(prefix="vaelearn-seeds-home-")}
    client = NotebookClient(nb, kernel_name="python3", timeout=cell_timeout,
                            allow_errors=keep_going,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    failed = []
    try:
        client.execute(env=env)
    except CellExecutionError:
        pass
    for index, cell in enumerate(nb.cells):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", ())):
            failed.append(index)
    seconds = time.perf_counter() - start
    if out:
        out.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out / f"{path.stem}.{dataset}.{seed}.ipynb")
    return seconds, failed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=[str(c.ROOT / "notebooks")],
                        help="notebooks or folders (default: notebooks/)")
    parser.add_argument("--seeds", type=seed_range, default=seed_range("0-4"),
                        help="e.g. 0-4 or 0,3,7 (default: 0-4)")
    parser.add_argument("--datasets", default=",".join(DATASETS),
                        help=f"comma-separated (default: {','.join(DATASETS)})")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks run at once (default: 1)")
    parser.add_argument("--keep-going", action="store_true",
                        help="run every cell even after a failure, to list every failing cell")
    parser.add_argument("--out", type=Path, help="folder for the executed notebooks")
    parser.add_argument("--cell-timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    notebooks = notebooks_in(args.paths)
    datasets = args.datasets.split(",")
    columns = list(itertools.product(datasets, args.seeds))
    jobs = [(path, dataset, seed) for path in notebooks for dataset, seed in columns]
    print(f"Machine: {c.machine_info()}; {len(jobs)} runs\n", flush=True)

    def one(job):
        path, dataset, seed = job
        seconds, failed = run(path, dataset, seed, keep_going=args.keep_going, out=args.out,
                              cell_timeout=args.cell_timeout)
        cell = "ok" if not failed else "F " + ",".join(map(str, failed))
        print(f"  {path.name} {dataset} seed {seed}: {cell} ({seconds:.0f} s)", flush=True)
        return job, cell, seconds

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = {job: (cell, seconds) for job, cell, seconds in pool.map(one, jobs)}
    headers = ["notebook"] + [f"{d[:5]} {s}" for d, s in columns] + ["mean s"]
    rows = []
    for path in notebooks:
        cells = [results[(path, d, s)] for d, s in columns]
        rows.append([path.name] + [cell for cell, _ in cells]
                    + [f"{sum(t for _, t in cells) / len(cells):.0f}"])
    print()
    c.print_table(rows, headers)
    passed = sum(cell == "ok" for cell, _ in results.values())
    print(f"\ncourse_seeds_passed: {passed}/{len(results)}")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
