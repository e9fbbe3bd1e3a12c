"""bench/compare_pyod.py: its synthetic defects, and a smoke run of the whole comparison."""

import json

import numpy as np
import pytest

import compare_pyod

pytestmark = pytest.mark.slow
LOW, HIGH = compare_pyod.CENTRE


def test_blot_sets_one_6x6_square_inside_the_centre_to_full_ink():
    rng = np.random.default_rng(0)
    for _ in range(50):
        changed = np.argwhere(compare_pyod.blot(np.zeros((28, 28), "float32"), rng) == 1.0)
        assert len(changed) == 36
        (top, left), (bottom, right) = changed.min(axis=0), changed.max(axis=0)
        assert (bottom - top, right - left) == (5, 5)
        assert LOW <= top and LOW <= left and bottom < HIGH and right < HIGH


def test_erasure_zeroes_a_6x6_square_centred_on_ink():
    image = np.full((28, 28), 0.3, "float32")
    image[10, 12] = 0.9  # the only pixel with ink > 0.5: the centre
    expected = image.copy()
    expected[7:13, 9:15] = 0.0
    np.testing.assert_array_equal(compare_pyod.erasure(image, np.random.default_rng(0)), expected)
    rng = np.random.default_rng(1)
    for _ in range(50):
        image = 0.1 + 0.4 * rng.random((28, 28))  # every pixel inked, above 0.5 in the centre only
        image[LOW:HIGH, LOW:HIGH] += 0.5
        zeroed = np.argwhere(compare_pyod.erasure(image, rng) == 0.0)
        (top, left), (bottom, right) = zeroed.min(axis=0), zeroed.max(axis=0)
        assert len(zeroed) == 36 and (bottom - top, right - left) == (5, 5)
        assert image[top + 3, left + 3] > 0.5


def test_scratch_is_a_line_across_the_centre():
    rng = np.random.default_rng(0)
    for _ in range(50):
        line = np.argwhere(compare_pyod.scratch(np.zeros((28, 28), "float32"), rng) == 1.0)
        assert len(line) == HIGH - LOW  # one pixel per step along the longer axis
        assert (line.max(axis=0) - line.min(axis=0)).max() == HIGH - LOW - 1
        assert line.min() >= LOW and line.max() < HIGH


def test_add_defects_changes_exactly_the_labelled_half():
    images = np.random.default_rng(1).random((90, 28, 28, 1)).astype("float32")
    defective, kinds = compare_pyod.add_defects(images, seed=0)
    changed = np.any(defective != images, axis=(1, 2, 3))
    np.testing.assert_array_equal(changed, kinds != "clean")
    assert {k: int(np.sum(kinds == k)) for k in ("clean", *compare_pyod.DEFECTS)} == {
        "clean": 45, "blot": 15, "erasure": 15, "scratch": 15}


def test_auroc_ranks_infinite_scores_as_the_most_anomalous():
    is_anomaly = np.array([0, 0, 1, 1, 0])
    assert compare_pyod.auroc(is_anomaly, np.array([0.1, 0.2, np.inf, 0.3, 0.25])) == 1.0
    tied = np.array([0.1, np.inf, np.inf, 0.3, 0.25])  # the tied pair counts one half
    assert compare_pyod.auroc(is_anomaly, tied) == pytest.approx(0.75)
    with pytest.raises(ValueError, match="NaN"):
        compare_pyod.auroc(is_anomaly, np.array([0.1, np.nan, 0.5, 0.3, 0.25]))


def test_quick_run_and_its_saved_results(capsys, tmp_path):
    saved = tmp_path / "pyod.json"
    assert compare_pyod.main(["--quick", "--save", str(saved)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    prefix, _, payload = last.partition(" ")
    assert prefix == "auroc_vs_pyod:"
    line = json.loads(payload)
    assert set(line) == {"held-out", "defects"}
    for result in line.values():
        assert result["vs_pyod_vae"] > 0 and result["vs_best_pyod"] > 0
        assert result["best_pyod"]["name"] in compare_pyod.PYOD_DETECTORS
    assert compare_pyod.main(["--load", str(saved)]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == last
