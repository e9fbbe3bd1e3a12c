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
    assert last_line(capsys).startswith("time_to_quality_30ep_speedup: ")


def test_nan_guard_overhead_quick(capsys):
    import nan_guard_overhead

    assert nan_guard_overhead.main(["--quick"]) == 0
    assert last_line(capsys).startswith("nan_guard_overhead: ")


def test_import_time_quick(capsys):
    import import_time

    assert import_time.main(["--quick"]) == 0  # 0: TensorFlow and Keras were not imported
    assert last_line(capsys).startswith("import_time_s: ")


def test_folder_load_quick(capsys):
    import folder_load

    assert folder_load.main(["--quick"]) == 0
    line = last_line(capsys)
    assert line.startswith("folder_load_images_per_s: ")
    assert float(line.split(": ", 1)[1]) > 0


def test_diagnose_time_quick(capsys):
    import diagnose_time

    assert diagnose_time.main(["--quick"]) == 0
    line = last_line(capsys)
    assert line.startswith("diagnose_time_s: ")
    assert float(line.split(": ", 1)[1]) > 0


def test_capstone_grids_quick(tmp_path, capsys):
    import capstone_grids
    from PIL import Image

    assert capstone_grids.main(["--quick", "--out", str(tmp_path)]) == 0
    line = last_line(capsys)
    assert line.startswith("capstone_bits_per_dim: ") and float(line.split(": ", 1)[1]) > 0
    for name, rows in [("capstone_unconditional.png", 8), ("capstone_by_category.png", 9),
                       ("capstone_by_category_prior.png", 9)]:
        with Image.open(tmp_path / name) as grid:
            assert grid.size == (2 * (8 * 33 + 1), 2 * (rows * 33 + 1)) and grid.mode == "RGB"
            assert "emoji generated" in grid.info["Description"]


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


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(),
                    reason="bench/class_load.py reads /proc/<pid>/smaps_rollup (Linux)")
def test_class_load_quick():
    # In a subprocess: a session's browser tests keep an event loop running in this one, and
    # the script runs its own (asyncio.run).
    import json
    import subprocess

    result = subprocess.run([sys.executable, str(BENCH / "class_load.py"), "--quick"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    line = result.stdout.strip().splitlines()[-1]
    assert line.startswith("class_load: ")
    summary = json.loads(line.split(": ", 1)[1])
    assert summary["via"] == "kernels" and list(summary["slowdown"]) == ["2"]
    assert summary["failed"] == 0 and summary["max_final_kernel_uss_mib"] > 0


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


def test_fraction_of_peak_quick(capsys):
    import json

    import fraction_of_peak

    assert fraction_of_peak.main(["--quick"]) == 0
    line = last_line(capsys)
    assert line.startswith("fraction_of_peak: ")
    measured = json.loads(line.split(": ", 1)[1])
    assert measured.pop("peak_gflops") > 0
    assert list(measured) == [keras.backend.backend()]  # --quick: this process's backend only
    fractions = [f for archs in measured.values() for batches in archs.values()
                 for f in batches.values()]
    assert set(measured[keras.backend.backend()]) == {"mlp", "conv"} and len(fractions) >= 2
    assert all(0 < f < 1.5 for f in fractions)


def test_flop_counter_known_answers():
    from fraction_of_peak import forward_flops, layer_flops, training_flops
    from vaelearn.models import make_vae

    # The course's MLP: 784 -> 256 -> 128 -> (2, 2) and 2 -> 128 -> 256 -> 784.
    mlp = make_vae((28, 28, 1), arch="mlp")
    encoder = 784 * 256 + 256 * 128 + 128 * 2 + 128 * 2  # multiply-adds; z_mean, z_log_var
    decoder = 2 * 128 + 128 * 256 + 256 * 784
    multiply_adds = encoder + decoder
    assert forward_flops(mlp) == 2 * multiply_adds
    assert training_flops(mlp) == 3 * 2 * multiply_adds

    # A tiny conv VAE on 8x8x1: each conv layer by the formula written out.
    conv = make_vae((8, 8, 1), latent_dim=2, arch="conv", hidden=(16,))
    per_layer = {layer.name: layer_flops(layer) for part in (conv.encoder, conv.decoder)
                 for layer in part.layers if layer.weights}
    conv2d = [layer_flops(layer) for layer in conv.encoder.layers
              if isinstance(layer, keras.layers.Conv2D)]
    transposed = [layer_flops(layer) for layer in conv.decoder.layers
                  if isinstance(layer, keras.layers.Conv2DTranspose)]
    assert conv2d == [2 * 3 * 3 * 1 * 32 * 4 * 4,       # 8x8x1 -> 4x4x32 (stride 2): Hout*Wout
                      2 * 3 * 3 * 32 * 64 * 2 * 2]      # 4x4x32 -> 2x2x64
    assert transposed == [2 * 3 * 3 * 64 * 64 * 2 * 2,  # 2x2x64 -> 4x4x64: Hin*Win
                          2 * 3 * 3 * 64 * 32 * 4 * 4,  # 4x4x64 -> 8x8x32
                          2 * 3 * 3 * 32 * 1 * 8 * 8]   # 8x8x32 -> 8x8x1 (stride 1)
    dense = 2 * (2 * 2 * 64 * 16 + 16 * 2 + 16 * 2) + 2 * (2 * 2 * 2 * 64)
    assert forward_flops(conv) == sum(conv2d) + sum(transposed) + dense
    assert len(per_layer) == len(conv2d) + len(transposed) + 4  # and the 4 Dense: none missed

    # A weighted layer without a formula is an error, not a silent zero.
    embedding = keras.layers.Embedding(10, 3)
    embedding.build((None, 4))
    with pytest.raises(ValueError, match="no FLOP formula"):
        layer_flops(embedding)


def test_hierarchy_warmup_quick(capsys):
    import json

    import hierarchy_warmup

    assert hierarchy_warmup.main(["--quick", "--seeds", "0", "--datasets", "digits"]) == 0
    line = last_line(capsys)
    assert line.startswith("hierarchy_warmup: ")
    ranges = json.loads(line.split(": ", 1)[1])["digits"]
    assert set(ranges) == {"kl_2 plain", "kl_2 warm-up", "kl_2 free bits", "gain two vs one layer",
                           "gain warm-up vs plain", "gain free bits vs plain"}
    assert all(low == high for low, high in ranges.values())  # one seed
    assert all(low >= 0 for key, (low, _) in ranges.items() if key.startswith("kl_2"))
