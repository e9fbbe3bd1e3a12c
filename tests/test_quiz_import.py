"""`import vaelearn.quiz` stays light: no TensorFlow, no Keras, no widgets."""

import os
import subprocess
import sys

CHECK = """
import sys, time
start = time.perf_counter()
import vaelearn.quiz
elapsed = time.perf_counter() - start
heavy = sorted(m for m in ("tensorflow", "keras", "ipywidgets", "jsonschema") if m in sys.modules)
assert not heavy, f"import vaelearn.quiz imported {heavy}"
print(elapsed)
"""


def test_import_vaelearn_quiz_is_light():
    timings = []
    for _ in range(3):  # the best of three, so that a busy machine does not fail the benchmark
        result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        timings.append(float(result.stdout))
    assert min(timings) < 0.5, timings


def test_loading_and_checking_a_quiz_needs_no_tensorflow(tmp_path):
    code = (
        "import sys, vaelearn.quiz\n"
        "assert vaelearn.quiz.load('eli5').check('goal', 'B').correct\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
    )
    env = {**os.environ, "VAELEARN_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
