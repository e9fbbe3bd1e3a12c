"""Keras finds vaelearn's saved models whichever vaelearn module a process imports first.

Before the redesign, a process that imported ``vaelearn.batching`` (which imports Keras)
before ``vaelearn.models`` warned "vaelearn could not register its models with Keras", and
``keras.saving.load_model`` could then not find the classes. Each case runs in a fresh
process, so that the import order is the real one.
"""

import json
import subprocess
import sys

import numpy as np
import pytest

from vaelearn.corpus import Vocabulary, make_corpus
from vaelearn.models import make_vae
from vaelearn.sequence import make_sequence_vae

LOAD = """
import json, sys, warnings
import numpy as np

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
{imports}
    import keras
    vae = keras.saving.load_model(sys.argv[1])
    sequence = keras.saving.load_model(sys.argv[2])
    x = np.load(sys.argv[3])
    print(json.dumps({{
        "types": [type(vae).__name__, type(sequence).__name__],
        "transform": vae.transform(x).tolist(),
        "sentences": sequence.reconstruct(["the cat sees the dog", "a big bird follows a fox"]),
        "warnings": [str(w.message) for w in caught],
    }}))
"""

FIRST_IMPORTS = [
    ["vaelearn.batching"],
    ["vaelearn.objectives"],
    ["vaelearn.training"],
    ["vaelearn.batching", "vaelearn.objectives", "vaelearn.training", "vaelearn.models"],
]


@pytest.fixture(scope="module")
def saved(tmp_path_factory, digits):
    folder = tmp_path_factory.mktemp("saved")
    vae = make_vae(digits.example_shape, latent_dim=2, hidden=(16,), seed=0)
    vae.fit(digits.x_train[:32], epochs=1, verbose=0)
    vae.save(folder / "vae.keras")
    corpus = make_corpus(32, 1, seed=0)
    sequence = make_sequence_vae(Vocabulary.from_sentences(corpus.train), corpus.max_length,
                                 latent_dim=2, embedding_dim=4, units=8, seed=0)
    sequence.fit(corpus.train, epochs=1, verbose=0)
    sequence.save(folder / "sequence.keras")
    x = digits.x_test[:5]
    np.save(folder / "x.npy", x)
    expected = {"transform": vae.transform(x),
                "sentences": sequence.reconstruct(["the cat sees the dog", "a big bird follows a fox"])}
    return folder, expected


@pytest.mark.parametrize("modules", FIRST_IMPORTS, ids=["+".join(m) for m in FIRST_IMPORTS])
def test_models_load_with_plain_keras_whatever_is_imported_first(saved, modules):
    folder, expected = saved
    imports = "\n".join(f"    import {module}" for module in modules)
    result = subprocess.run(
        [sys.executable, "-c", LOAD.format(imports=imports), str(folder / "vae.keras"),
         str(folder / "sequence.keras"), str(folder / "x.npy")],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "could not register" not in result.stderr, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert not [w for w in found["warnings"] if "register" in w], found["warnings"]
    assert found["types"] == ["VAE", "SequenceVAE"]
    np.testing.assert_allclose(found["transform"], expected["transform"], rtol=1e-5, atol=1e-6)
    assert found["sentences"] == expected["sentences"]


def test_without_vaelearn_plain_keras_cannot_load_them(saved):
    """What the test above guards against: Keras imports no package but its own while
    loading, so a process that imported no vaelearn module cannot find the classes."""
    folder, _ = saved
    result = subprocess.run([sys.executable, "-c", LOAD.format(imports="    pass"),
                             str(folder / "vae.keras"), str(folder / "sequence.keras"),
                             str(folder / "x.npy")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "VAE" in result.stderr and "vaelearn" in result.stderr, result.stderr[-3000:]
