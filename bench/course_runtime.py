"""Run every notebook of the course headless and time it, as a learner's machine would.

Each notebook runs in its own fresh ``python3`` kernel (nbclient) with ``VAELEARN_DATASET``
set (``--dataset``, default the bundled MNIST sample) and a temporary ``VAELEARN_HOME``, as a
learner's kernel would (TensorFlow's own log settings are left alone). Wall time includes the
kernel start. Peak memory is the kernel process's peak resident set (``VmHWM`` in
``/proc/<pid>/status``, read just before the kernel shuts down).
Targets on 2 idle cores: with the bundled MNIST sample, no notebook over 60 s and at most 30 s
per notebook on average; with the 8x8 digits, half that.
"""

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import _common as c

# (longest notebook, mean per notebook) in seconds, per dataset
TARGETS_S = {"mnist_sample": (60, 30), "digits": (30, 15)}


def peak_rss_mib(pid):
    """The peak resident set of process ``pid`` in MiB (Linux; None elsewhere)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def run_notebook(path, cell_timeout):
    """Execute one notebook; return (seconds, peak kernel RSS in MiB, error or None)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=cell_timeout,
                            resources={"metadata": {"path": str(path.parent)}})
    error, peak = None, None
    t0 = time.perf_counter()
    with client.setup_kernel():
        pid = client.km.provisioner.pid
        try:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
        except CellExecutionError as e:
            last_line = str(e).strip().splitlines()[-1]
            error = re.sub(r"\x1b\[[0-9;]*m", "", last_line)[:120]  # drop ANSI colours
        peak = peak_rss_mib(pid)
    return time.perf_counter() - t0, peak, error


def notebooks_in(paths):
    """The .ipynb files named, or found (sorted, checkpoints skipped) in the folders named."""
    found = []
    for p in map(Path, paths):
        found += sorted(q for q in p.glob("*.ipynb")) if p.is_dir() else [p]
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=[str(c.ROOT / "notebooks")],
                        help="notebooks or folders (default: notebooks/)")
    parser.add_argument("--cell-timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("--dataset", default="mnist_sample", choices=sorted(TARGETS_S),
                        help="VAELEARN_DATASET for every notebook (default: %(default)s)")
    args = parser.parse_args(argv)
    notebooks = notebooks_in(args.paths)
    if not notebooks:
        print(f"No notebooks found in {', '.join(args.paths)}.")
        return 1
    os.environ.pop("TF_CPP_MIN_LOG_LEVEL", None)  # set by _common for this process; not a learner's
    os.environ.update(VAELEARN_DATASET=args.dataset,
                      VAELEARN_HOME=tempfile.mkdtemp(prefix="vaelearn-bench-home-"))
    longest_target, mean_target = TARGETS_S[args.dataset]
    print(f"Machine: {c.machine_info()}; dataset {args.dataset}\n")
    rows, total, failed = [], 0.0, 0
    for path in notebooks:
        seconds, peak, error = run_notebook(path, args.cell_timeout)
        total += seconds
        failed += error is not None
        flag = "" if seconds <= longest_target else f" (over {longest_target} s)"
        rows.append([path.name, f"{seconds:.1f}{flag}", "n/a" if peak is None else f"{peak:.0f}",
                     f"error: {error}" if error else "ok"])
    rows.append(["total", f"{total:.1f}", "", f"{failed} failed" if failed else "all ok"])
    c.print_table(rows, ["notebook", "wall s", "peak kernel RSS MiB", "status"])
    slow = sum(float(r[1].split()[0]) > longest_target for r in rows[:-1])
    mean = total / len(notebooks)
    print(f"\nTargets: mean per notebook <= {mean_target} s: "
          f"{'met' if mean <= mean_target else 'MISSED'} ({mean:.1f} s); "
          f"every notebook <= {longest_target} s: {'met' if not slow else f'{slow} over'}")
    print(f"course_runtime_s: {total:.1f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
