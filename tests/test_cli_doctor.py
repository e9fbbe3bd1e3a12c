"""`vaelearn doctor`: one line per check, a PASS/FAIL summary and a matching exit code.

The device check is replaced by a stub (importing a Keras backend takes seconds), except
where it is tested itself.
"""

import sys

import pytest

import keras

from vaelearn import course, sources
from vaelearn.backend import accelerators
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
                 "jupyterlab_widgets", "device", "widgets", "quizzes", "notebooks",
                 "dataset mnist_sample", "dataset emoji", "dataset digits"):
        assert line(out, name).startswith("ok ")
    assert line(out, "dataset mnist").startswith("note")
    assert "vaelearn prefetch mnist" in line(out, "dataset mnist")
    assert str(tmp_path / "home") in line(out, "VAELEARN_HOME")
    assert out.splitlines()[-1].startswith("PASS: all 18 checks passed (3 notes)")


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
    assert out.splitlines()[-1] == "FAIL: 1 of 18 checks failed (dataset mnist)."


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


def test_missing_quizzes_and_notebooks_fail_with_the_fix(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(course, "_PACKAGE", tmp_path / "site-packages" / "vaelearn")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    for name in ("quizzes", "notebooks"):
        assert line(out, name).startswith("fail")
        assert str(tmp_path / "site-packages" / "vaelearn" / "bundled" / name) in line(out, name)
        assert "pip install --force-reinstall vaelearn" in line(out, name)
    assert out.splitlines()[-1] == "FAIL: 2 of 18 checks failed (quizzes, notebooks)."


def test_device_check_names_the_backend_and_its_devices():
    check = real_check_device()
    backend = keras.backend.backend()
    assert check.status == doctor.OK
    assert f"Keras {keras.__version__} on {backend} " in check.detail
    devices = accelerators()
    assert check.detail.startswith(", ".join(devices) if devices else "CPU (no GPU found")


def test_device_check_reports_a_broken_backend(monkeypatch):
    backend = keras.backend.backend()
    monkeypatch.setitem(sys.modules, backend, None)  # makes `import <backend>` fail
    monkeypatch.setenv("KERAS_BACKEND", backend)
    check = real_check_device()
    assert check.status == doctor.FAIL
    assert f"the Keras backend ({backend}) does not import: ModuleNotFoundError" in check.detail


def test_a_damaged_bundled_mnist_sample_fails_with_the_fix(tmp_path, monkeypatch, capsys):
    import vaelearn.data

    damaged = tmp_path / "mnist_sample.npz"
    damaged.write_bytes(b"not the sample")
    monkeypatch.setattr(vaelearn.data, "MNIST_SAMPLE", damaged)
    assert main(["doctor"]) == 1
    assert "reinstall vaelearn" in line(capsys.readouterr().out, "dataset mnist_sample")


def test_a_damaged_bundled_emoji_file_fails_with_the_fix(tmp_path, monkeypatch, capsys):
    import vaelearn.data

    damaged = tmp_path / "emoji.npz"
    damaged.write_bytes(b"not the emoji")
    monkeypatch.setattr(vaelearn.data, "EMOJI", damaged)
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "reinstall vaelearn" in line(out, "dataset emoji")
    assert line(out, "dataset mnist_sample").startswith("ok ")
