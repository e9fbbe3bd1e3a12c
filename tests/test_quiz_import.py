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


def run_python(code, home):
    env = {**os.environ, "VAELEARN_HOME": str(home)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stderr


def test_loading_and_checking_a_quiz_needs_no_tensorflow(tmp_path):
    run_python("import sys, vaelearn.quiz\n"
               "assert vaelearn.quiz.load('eli5').check('goal', 'B').correct\n"
               "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n", tmp_path)


def test_loading_a_quiz_skips_jsonschemas_iri_grammar_and_leaves_it_importable(tmp_path):
    # Where Jupyter installed rfc3987_syntax, importing it builds a grammar (0.9 s a kernel).
    run_python("import importlib.metadata, sys, vaelearn.quiz\n"
               "vaelearn.quiz.load('eli5')\n"
               "assert 'rfc3987_syntax' not in sys.modules, 'jsonschema imported rfc3987_syntax'\n"
               "try:\n"
               "    importlib.metadata.version('rfc3987-syntax')\n"
               "except importlib.metadata.PackageNotFoundError:\n"
               "    pass\n"
               "else:\n"
               "    import rfc3987_syntax  # installed: importable again after the quiz loaded\n"
               "try:\n"
               "    vaelearn.quiz.loading._validate('bad.yaml', {'title': 'x'})\n"
               "except vaelearn.errors.QuizFormatError:\n"
               "    pass\n"
               "else:\n"
               "    raise AssertionError('the schema no longer checks')\n", tmp_path)
