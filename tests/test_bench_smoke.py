"""Smoke tests: each benchmark script's main pieces run on a tiny setting (no timings checked)."""

import sys
from pathlib import Path

import keras
import pytest

from vaelearn import backend

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

pytestmark = pytest.mark.slow
# The reference VAE is the keras.io one, with a tf.GradientTape train_step.
reference_needs_tensorflow = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="bench/reference_vae.py trains with tf.GradientTape: TensorFlow backend only")


def last_line(capsys):
    return capsys.readouterr().out.strip().splitlines()[-1]


@reference_needs_tensorflow
def test_reference_matches_vaelearn_parameter_counts():
    import _common as c
    from reference_vae import make_reference_vae

    ref = make_reference_vae()
    assert (ref.encoder.count_params(), ref.decoder.count_params()) == (69_076, 65_089)
    assert c.check_param_counts(c.make_vaelearn_vae()) == c.REFERENCE_PARAMS


@reference_needs_tensorflow
def test_negative_elbo_is_the_same_quantity_for_both_models():
    import _common as c
    import keras
    from reference_vae import make_reference_vae

    x = c.images28()[0][:64]
    assert x.shape[1:] == (28, 28, 1) and 0.0 <= x.min() and x.max() <= 1.0
    keras.utils.set_random_seed(0)
    ref = make_reference_vae()
    keras.utils.set_random_seed(0)
    ours = c.make_vaelearn_vae()  # same seed and layer order: same initial weights
    assert c.negative_elbo(ref, x) == pytest.approx(c.negative_elbo(ours, x), rel=1e-4)


@reference_needs_tensorflow
def test_train_throughput_quick(capsys):
    import train_throughput

    train_throughput.main(["--quick", "--n", "128"])
    assert last_line(capsys).startswith("speedup_vs_reference: ")


@reference_needs_tensorflow
def test_time_to_quality_quick(capsys):
    import time_to_quality

    time_to_quality.main(["--quick"])
    assert last_line(capsys).startswith("time_to_quality_speedup: ")


def test_nan_guard_overhead_quick(capsys):
    import nan_guard_overhead

    assert nan_guard_overhead.main(["--quick"]) == 0
    assert last_line(capsys).startswith("nan_guard_overhead: ")


def test_import_time_quick(capsys):
    import import_time

    assert import_time.main(["--quick"]) == 0  # 0: TensorFlow and Keras were not imported
    assert last_line(capsys).startswith("import_time_s: ")


def test_course_runtime_on_a_tiny_notebook(tmp_path, capsys, monkeypatch):
    import course_runtime
    import nbformat

    nb = nbformat.v4.new_notebook()
    source = "import os\nassert os.environ['VAELEARN_DATASET'] == 'digits'"
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, tmp_path / "tiny.ipynb")
    for name in ("VAELEARN_DATASET", "TF_CPP_MIN_LOG_LEVEL", "VAELEARN_HOME"):
        monkeypatch.setenv(name, "")  # main() sets them; monkeypatch restores them afterwards
    assert course_runtime.main([str(tmp_path), "--dataset", "digits"]) == 0
    assert last_line(capsys).startswith("course_runtime_s: ")


def test_course_seeds_lists_each_failing_cell(tmp_path, capsys, monkeypatch):
    import course_seeds
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in (
        "import os\nseed = int(os.environ['VAELEARN_SEED'])",
        "assert seed != 1",
        "assert os.environ['VAELEARN_DATASET'] == 'digits' or seed != 2",
    )]
    nbformat.write(nb, tmp_path / "tiny.ipynb")
    monkeypatch.setenv("VAELEARN_HOME", str(tmp_path / "home"))
    assert course_seeds.main([str(tmp_path), "--seeds", "0-2", "--datasets", "digits,mnist_sample",
                              "--keep-going", "--out", str(tmp_path / "runs")]) == 1
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("| tiny.ipynb"))
    assert [cell.strip() for cell in row.split("|")[2:8]] == ["ok", "F 1", "ok", "ok", "F 1", "F 2"]
    assert out.strip().splitlines()[-1] == "course_seeds_passed: 3/6"
    assert len(list((tmp_path / "runs").glob("tiny.*.ipynb"))) == 6

def test_backend_throughput_quick(capsys):
    import json

    import backend_throughput

    assert backend_throughput.main(["--quick"]) == 0
    line = last_line(capsys)
    assert line.startswith("backend_speed_vs_tensorflow: ")
    ratios = json.loads(line.split(": ", 1)[1])
    assert set(ratios) == {"mlp", "conv"}
    for arch in ratios.values():
        assert arch["tensorflow"] == 1.0 and all(r > 0 for r in arch.values())


def test_progress_overhead_quick(capsys):
    import json

    import progress_overhead

    assert progress_overhead.main(["--quick"]) == 0
    line = last_line(capsys)
    assert line.startswith("progress_overhead: ")
    ratios = json.loads(line.split(": ", 1)[1])
    if backend.steps_per_execution(16) == 16:
        expected = {"progress display (steps_per_execution=16)",
                    "live curves (steps_per_execution=16)",
                    "progress display (steps_per_execution=1)"}
    else:
        expected = {"progress display (steps_per_execution=1)", "live curves (steps_per_execution=1)"}
    assert set(ratios) == expected
    for measured in ratios.values():
        assert measured["wall"] > 0 and measured["cpu"] > 0 and 0 < measured["in_hooks"] < 1
