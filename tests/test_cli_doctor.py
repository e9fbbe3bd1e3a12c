"""`vaelearn doctor`: one line per check, a PASS/FAIL summary and a matching exit code.

The TensorFlow device check is replaced by a stub (importing TensorFlow takes ~6 s),
except where its failure path is tested.
"""

import sys

import pytest

from vaelearn import sources
from vaelearn.classroom import doctor
from vaelearn.classroom.cli import main

real_check_device = doctor.check_device


@pytest.fixture(autouse=True)
def machine(tmp_path, monkeypatch):
    """A device check that does not import TF (home and cache come from conftest)."""
    monkeypatch.setattr(doctor, "check_device", lambda: doctor.Check("device", doctor.OK, "CPU"))


def line(out, name):
    """The report line of the check called ``name``."""
    return next(row for row in out.splitlines() if row[6:].split("  ")[0] == name)


def test_ready_machine_passes_with_notes_for_missing_datasets(tmp_path, capsys):
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    for name in ("python", "tensorflow", "keras", "numpy", "ipywidgets", "jupyterlab",
                 "jupyterlab_widgets", "device", "widgets", "dataset mnist_sample", "dataset digits"):
        assert line(out, name).startswith("ok ")
    assert line(out, "dataset mnist").startswith("note")
    assert "vaelearn prefetch mnist" in line(out, "dataset mnist")
    assert str(tmp_path / "home") in line(out, "VAELEARN_HOME")
    assert out.splitlines()[-1].startswith("PASS: all 14 checks passed (2 notes)")


def test_verified_dataset_passes(tmp_path, monkeypatch, capsys):
    cache = tmp_path / "datasets"
    cache.mkdir()
    (cache / "mnist.npz").write_bytes(b"stand-in for mnist")
    digest = sources.file_digest(cache / "mnist.npz", "sha256")
    monkeypatch.setitem(sources.REMOTE_DATASETS, "mnist",
                        (sources.RemoteFile("mnist.npz", "sha256", digest),))
    assert main(["doctor"]) == 0
    assert line(capsys.readouterr().out, "dataset mnist").startswith("ok ")


def test_corrupt_dataset_fails(tmp_path, capsys):
    cache = tmp_path / "datasets"
    cache.mkdir()
    (cache / "mnist.npz").write_bytes(b"truncated")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert line(out, "dataset mnist").startswith("fail")
    assert "corrupt or truncated" in line(out, "dataset mnist")
    assert out.splitlines()[-1] == "FAIL: 1 of 14 checks failed (dataset mnist)."


def test_unwritable_home_fails(tmp_path, monkeypatch, capsys):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    monkeypatch.setenv("VAELEARN_HOME", str(not_a_folder / "home"))
    assert main(["doctor"]) == 1
    assert line(capsys.readouterr().out, "VAELEARN_HOME").startswith("fail")


def test_widget_extension_mismatch_fails(monkeypatch, capsys):
    versions = {"ipywidgets": "8.1.5", "jupyterlab_widgets": "1.1.11"}
    real = doctor.installed_version
    monkeypatch.setattr(doctor, "installed_version",
                        lambda dists: versions.get(dists[0]) or real(dists))
    assert main(["doctor"]) == 1
    widgets = line(capsys.readouterr().out, "widgets")
    assert widgets.startswith("fail")
    assert "ipywidgets 8 needs jupyterlab_widgets 3.x" in widgets


def test_missing_package_fails(monkeypatch, capsys):
    real = doctor.installed_version
    monkeypatch.setattr(doctor, "installed_version",
                        lambda dists: None if dists[0] == "keras" else real(dists))
    assert main(["doctor"]) == 1
    assert line(capsys.readouterr().out, "keras").startswith("fail")


def test_device_check_reports_a_broken_tensorflow(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", None)  # makes `import tensorflow` fail
    check = real_check_device()
    assert check.status == doctor.FAIL
    assert "TensorFlow does not import" in check.detail


def test_a_damaged_bundled_mnist_sample_fails_with_the_fix(tmp_path, monkeypatch, capsys):
    import vaelearn.data

    damaged = tmp_path / "mnist_sample.npz"
    damaged.write_bytes(b"not the sample")
    monkeypatch.setattr(vaelearn.data, "MNIST_SAMPLE", damaged)
    assert main(["doctor"]) == 1
    assert "reinstall vaelearn" in line(capsys.readouterr().out, "dataset mnist_sample")
