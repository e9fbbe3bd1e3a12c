"""How long ``import vaelearn.quiz`` takes in a fresh interpreter, and whether it pulls in
TensorFlow or Keras (it must not: the quiz engine has to answer instantly).

Each repeat starts a new Python process and times only the import statement; the median
is reported. Exits with status 1 if TensorFlow or Keras got imported.
"""

import argparse
import json
import subprocess
import sys

import _common as c

TARGET_S = 0.5
PROBE = """
import json, sys, time
t0 = time.perf_counter()
import {module}
seconds = time.perf_counter() - t0
print(json.dumps({{"seconds": seconds,
                   "heavy": sorted(m for m in ("tensorflow", "keras") if m in sys.modules)}}))
"""


def measure(module="vaelearn.quiz"):
    """Import ``module`` in a fresh interpreter; return (seconds, heavy modules imported)."""
    out = subprocess.run([sys.executable, "-c", PROBE.format(module=module)], cwd=c.ROOT,
                         check=True, capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return result["seconds"], result["heavy"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="fresh processes (default 7)")
    parser.add_argument("--module", default="vaelearn.quiz", help="module to import")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 repeats")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats = 2
    runs = [measure(args.module) for _ in range(args.repeats)]
    seconds = c.median([s for s, _ in runs])
    heavy = sorted({m for _, ms in runs for m in ms})
    print(f"Machine: {c.machine_info()}")
    print(f"import {args.module}: median {seconds:.3f} s over {args.repeats} fresh processes "
          f"(min {min(s for s, _ in runs):.3f}, max {max(s for s, _ in runs):.3f}); "
          f"target < {TARGET_S} s: {'met' if seconds < TARGET_S else 'MISSED'}")
    print(f"tensorflow/keras imported: {', '.join(heavy) if heavy else 'no'}")
    print(f"import_time_s: {seconds:.3f}")
    return 1 if heavy else 0


if __name__ == "__main__":
    sys.exit(main())
