"""`vaelearn doctor`: one line per check, a PASS/FAIL summary and a matching exit code.

The device check is replaced by a stub (importing a Keras backend takes seconds), and the
memory check by one that reads a faked machine (never the real one's limit), except where
each is tested itself.
"""

import functools
import sys

import pytest

import keras

from vaelearn import course, sources
from vaelearn.backend import accelerators
from vaelearn.classroom import doctor
from vaelearn.classroom.cli import main

real_check_device = doctor.check_device
real_check_memory = doctor.check_memory
MIB = 2**20


def fake_machine(root, files):
    """Write ``files`` ({path under root: text}) and return ``root``."""
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


def limited_to(root, mib, *, cgroup="v2"):
    """A machine of 16 GiB whose process's cgroup (v1 or v2) may use ``mib`` MiB."""
    limit = {"v2": {"proc/self/cgroup": "0::/hub/learner\n",
                    "sys/fs/cgroup/hub/learner/memory.max": f"{mib * MIB}\n",
                    "sys/fs/cgroup/hub/learner/memory.current": f"{300 * MIB}\n"},
             "v1": {"proc/self/cgroup": "4:memory:/hub/learner\n",
                    "sys/fs/cgroup/memory/hub/learner/memory.limit_in_bytes": f"{mib * MIB}\n"}}
    return fake_machine(root, {"proc/meminfo": "MemTotal: 16777216 kB\n", **limit[cgroup]})


@pytest.fixture(autouse=True)
def machine(tmp_path, monkeypatch):
    """A device check that does not import TF, a memory check that reads a faked 8 GiB cgroup
    limit (home and cache come from conftest)."""
    monkeypatch.setattr(doctor, "check_device", lambda: doctor.Check("device", doctor.OK, "CPU"))
    fake = limited_to(tmp_path / "machine", 8192)
    monkeypatch.setattr(doctor, "check_memory", functools.partial(real_check_memory, root=fake))


@pytest.fixture
def needs(monkeypatch):
    """Two notebooks' memory needs in place of the course's, so that counts do not move."""
    monkeypatch.setattr(doctor, "MEMORY_MIB_BY_NOTEBOOK", {"small": 900, "large": 1600})
    monkeypatch.setattr(doctor, "FINISHED_KERNEL_MIB", 700)


def line(out, name):
    """The report line of the check called ``name``."""
    return next(row for row in out.splitlines() if row[6:].split("  ")[0] == name)


def test_ready_machine_passes_with_notes_for_missing_datasets(tmp_path, capsys):
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    for name in ("python", "tensorflow", "keras", "numpy", "ipywidgets", "jupyterlab",
                 "jupyterlab_widgets", "device", "memory", "widgets", "quizzes", "notebooks",
                 "dataset mnist_sample", "dataset emoji", "dataset digits"):
        assert line(out, name).startswith("ok ")
    assert line(out, "dataset mnist").startswith("note")
    assert "vaelearn prefetch mnist" in line(out, "dataset mnist")
    assert str(tmp_path / "home") in line(out, "VAELEARN_HOME")
    assert out.splitlines()[-1].startswith("PASS: all 19 checks passed (3 notes)")


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
    assert out.splitlines()[-1] == "FAIL: 1 of 19 checks failed (dataset mnist)."


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
    assert out.splitlines()[-1] == "FAIL: 2 of 19 checks failed (quizzes, notebooks)."


def test_a_graded_installation_needs_no_quizzes(tmp_path, monkeypatch, capsys):
    from vaelearn.exercises import engine

    monkeypatch.setattr(course, "_PACKAGE", tmp_path / "site-packages" / "vaelearn")
    monkeypatch.setattr(engine, "solutions_installed", lambda: False)
    main(["doctor"])
    assert line(capsys.readouterr().out, "quizzes").startswith("ok")


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


def test_memory_check_says_the_limit_where_it_was_read_and_notebooks_open(tmp_path, needs):
    check = real_check_memory(root=limited_to(tmp_path, 4096))
    assert check.status == doctor.OK
    limit_file = tmp_path / "sys/fs/cgroup/hub/learner/memory.max"
    assert check.detail.startswith(f"4,096 MiB, its cgroup v2 limit ({limit_file}; 300 MiB in use)")
    assert "the course fits (large needs the most, 1,600 MiB)" in check.detail
    assert "4 notebooks may stay open at once" in check.detail  # 1,600 + 3 x 700 <= 4,096


def test_memory_check_reads_cgroup_v1(tmp_path, needs):
    check = real_check_memory(root=limited_to(tmp_path, 1600, cgroup="v1"))
    assert check.status == doctor.OK
    assert "1,600 MiB, its cgroup v1 limit" in check.detail
    assert "1 notebook may stay open at once" in check.detail


def test_memory_check_fails_below_the_largest_notebooks_need(tmp_path, needs, monkeypatch, capsys):
    fake = limited_to(tmp_path / "small", 1024)
    monkeypatch.setattr(doctor, "check_memory", functools.partial(real_check_memory, root=fake))
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    memory = line(out, "memory")
    assert memory.startswith("fail")
    assert "1,024 MiB, its cgroup v2 limit" in memory
    assert "too little for 1 of 2 notebooks (large needs 1,600 MiB)" in memory
    assert "ask for a memory limit of at least 1,600 MiB" in memory
    assert out.splitlines()[-1] == "FAIL: 1 of 19 checks failed (memory)."


def test_memory_check_falls_back_to_the_machines_memory(tmp_path, needs):
    root = fake_machine(tmp_path, {"proc/self/cgroup": "0::/\n",
                                   "sys/fs/cgroup/memory.max": "max\n",
                                   "proc/meminfo": "MemTotal: 1048576 kB\n"})
    check = real_check_memory(root=root)
    assert check.status == doctor.FAIL
    meminfo = root / "proc/meminfo"
    assert f"1,024 MiB, the machine's memory ({meminfo}; no cgroup limit)" in check.detail
    assert "run the course on a machine with at least 1,600 MiB" in check.detail


def test_memory_check_notes_a_limit_it_cannot_read(tmp_path, needs):
    check = real_check_memory(root=tmp_path)
    assert check.status == doctor.NOTE
    assert "no machine total could be read" in check.detail
    assert "large, needs 1,600 MiB" in check.detail
