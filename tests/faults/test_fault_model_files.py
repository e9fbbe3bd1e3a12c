"""Saved models survive kill -9, a full disk and a read-only folder, and load back with clear
errors.

Before: kill -9 during ``model.save()`` over a good ``.keras`` file left a 10 KB stub that
Keras called "File not found"; a fresh process could not load a model after ``import
vaelearn`` ("Could not locate class 'VAE'"); saving as ``.h5`` succeeded and never loaded.
"""

import os
import random
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest
from faultkit import full_disk_open
from keras.src.saving import saving_lib

from vaelearn.errors import ModelFileError, UnwritablePathError
from vaelearn.models import make_vae
from vaelearn.saving import load_model


@pytest.fixture
def vae(digits):
    model = make_vae(digits.example_shape, latent_dim=2, seed=0)
    model.fit(digits.x_train[:64], epochs=1, batch_size=32, verbose=0)
    return model


def temporaries(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def age(paths, seconds=60):
    """Make ``paths`` look untouched for ``seconds``, as after a writer died that long ago."""
    past = time.time() - seconds
    for path in paths:
        os.utime(path, (past, past))


SAVER = """
import sys
import numpy as np
import vaelearn
from vaelearn.models import make_vae

vae = make_vae((8, 8, 1), latent_dim=2, hidden=(1024, 1024), seed=0)
np.savez(sys.argv[2], *vae.get_weights())
print("saving", flush=True)
while True:
    vae.save(sys.argv[1])
"""


@pytest.mark.slow
def test_saves_killed_at_random_moments_always_leave_a_model_that_loads(vae, tmp_path):
    """Two processes save over good files in a loop until kill -9 lands at a random moment
    (each saver imports TensorFlow: a few seconds, so two run side by side)."""
    rng = random.Random()
    targets = [tmp_path / f"model-{i}.keras" for i in range(2)]
    for target in targets:
        vae.save(target)
    savers = [subprocess.Popen([sys.executable, "-c", SAVER, str(t), str(t.with_suffix(".npz"))],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
              for t in targets]
    try:
        for saver in savers:
            assert saver.stdout.readline().strip() == "saving"
        for saver in savers:
            time.sleep(rng.uniform(0.05, 0.6))
            saver.kill()
            saver.wait(timeout=30)
    finally:
        for saver in savers:
            saver.kill()
    for target in targets:
        loaded = load_model(target)
        theirs = list(np.load(target.with_suffix(".npz")).values())
        mine = vae.get_weights()
        weights = loaded.get_weights()
        assert any(len(weights) == len(w) and all(np.array_equal(a, b) for a, b in zip(weights, w))
                   for w in (theirs, mine))
    # What the killed savers left is removed by the next save of the same file.
    left = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp.keras")]
    age(left)
    for target in targets:
        vae.save(target)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp.keras")]


def test_a_save_that_fills_the_disk_keeps_the_previous_file(vae, tmp_path, monkeypatch):
    path = tmp_path / "vae.keras"
    vae.save(path)
    before = path.read_bytes()

    monkeypatch.setattr(saving_lib, "open", full_disk_open(4096), raising=False)
    with pytest.raises(UnwritablePathError) as info:
        vae.save(path)
    monkeypatch.undo()

    assert path.read_bytes() == before
    assert temporaries(tmp_path) == []
    assert str(info.value) == (f"Cannot write {path}: the disk is full. Free some space, or save "
                               "the model in another folder. Any earlier vae.keras is unchanged.")
    assert isinstance(load_model(path), type(vae))


def test_a_save_into_a_read_only_folder_says_so(vae, tmp_path, read_only):
    path = tmp_path / "vae.keras"
    vae.save(path)
    before = path.read_bytes()
    read_only(tmp_path)
    with pytest.raises(UnwritablePathError, match="the file system is read-only") as info:
        vae.save(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    assert path.read_bytes() == before


LOAD = """
import sys
{imports}
for path in sys.argv[1:]:
    print(type(keras.saving.load_model(path)).__name__)
"""


@pytest.mark.parametrize("imports", ["import vaelearn\nimport keras", "import keras\nimport vaelearn"])
def test_a_saved_model_loads_in_a_fresh_process_after_import_vaelearn(vae, digits, tmp_path,
                                                                        imports):
    vae.save(tmp_path / "vae.keras")
    cvae = make_vae(digits.example_shape, n_classes=10, latent_dim=2)
    cvae.build()
    cvae.save(tmp_path / "cvae.keras")
    result = subprocess.run([sys.executable, "-c", LOAD.format(imports=imports),
                             str(tmp_path / "vae.keras"), str(tmp_path / "cvae.keras")],
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["VAE", "ConditionalVAE"]


@pytest.mark.parametrize("name", ["vae.h5", "vae.hdf5", "vae", "vae.weights.h5"])
def test_saving_in_a_format_that_cannot_load_is_refused_with_the_fix(vae, tmp_path, name):
    with pytest.raises(ModelFileError, match=r"Use a name ending in \.keras"):
        vae.save(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_a_cut_short_model_file_is_named_with_the_fix(vae, tmp_path):
    path = tmp_path / "vae.keras"
    vae.save(path)
    path.write_bytes(path.read_bytes()[:10_000])  # what kill -9 left before
    with pytest.raises(ModelFileError) as info:
        load_model(path)
    assert str(info.value).startswith(f"{path} is not a complete .keras file")
    assert "Load an earlier copy, or train the model and save it again." in str(info.value)


@pytest.mark.parametrize("make, error, message", [
    (lambda p: None, FileNotFoundError, "No model file {p}: check the name and folder"),
    (lambda p: p.mkdir(), ModelFileError, "{p} is a folder"),
    (lambda p: p.write_text("not a zip"), ModelFileError, "{p} is not a complete .keras file"),
    (lambda p: zipfile.ZipFile(p, "w").close(), ModelFileError, "{p} cannot be loaded as a model"),
], ids=["missing", "folder", "not-a-zip", "empty-zip"])
def test_load_model_names_the_file_and_the_fix(tmp_path, make, error, message):
    path = tmp_path / "vae.keras"
    make(path)
    with pytest.raises(error) as info:
        load_model(path)
    assert str(info.value).startswith(message.format(p=path))
    assert "\n" not in str(info.value)


def test_load_model_refuses_other_formats_with_the_fix(tmp_path):
    path = tmp_path / "vae.h5"
    path.write_bytes(b"\x89HDF\r\n")
    with pytest.raises(ModelFileError, match=r"is not a \.keras file.*model.save\('name.keras'\)"):
        load_model(path)
