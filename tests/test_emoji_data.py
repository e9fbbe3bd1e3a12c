"""The bundled emoji: real colour drawings, loaded offline by name, checksummed, split by
category, and small enough for the course's models."""

import hashlib
import urllib.request

import numpy as np
import pytest

import vaelearn as vl
from vaelearn import data
from vaelearn.errors import CorruptCacheError

CATEGORIES = ("Smileys & Emotion", "People & Body", "Animals & Nature", "Food & Drink",
              "Travel & Places", "Activities", "Objects", "Symbols", "Flags")


@pytest.fixture(scope="module")
def emoji():
    """The bundled emoji, loaded once, with no network to reach."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(urllib.request, "urlopen", lambda *a, **k: pytest.fail("went online"))
        return data.load("emoji")


def test_emoji_are_colour_images_in_the_unit_range(emoji):
    assert emoji.name == "emoji" and emoji.example_shape == (32, 32, 3)
    assert len(emoji.x_train) + len(emoji.x_test) >= 3000
    for x in (emoji.x_train, emoji.x_test):
        assert x.dtype == np.float32 and x.min() == 0.0 and x.max() == 1.0
    # Pixels are whole multiples of 1/255, as in the uint8 file.
    np.testing.assert_allclose(emoji.x_test * 255, np.rint(emoji.x_test * 255), atol=1e-4)
    # Colour, not grey copied three times.
    assert np.abs(emoji.x_test[..., 0] - emoji.x_test[..., 2]).mean() > 0.05


def test_every_label_names_a_category_and_every_category_is_in_both_splits(emoji):
    assert emoji.info["class_names"] == CATEGORIES
    for y in (emoji.y_train, emoji.y_test):
        assert y.dtype == np.int64 and y.shape == (len(y),)
        assert set(np.unique(y)) == set(range(len(CATEGORIES)))


def test_the_split_is_fixed_stratified_and_shares_no_image(emoji):
    counts_train = np.bincount(emoji.y_train, minlength=len(CATEGORIES))
    counts_test = np.bincount(emoji.y_test, minlength=len(CATEGORIES))
    share = counts_test / (counts_train + counts_test)
    assert share.min() > 0.17 and share.max() < 0.23, share
    assert counts_train.min() >= 50
    hashes = [{hashlib.sha256(image.tobytes()).digest() for image in x}
              for x in (emoji.x_train, emoji.x_test)]
    assert len(hashes[0]) == len(emoji.x_train) and len(hashes[1]) == len(emoji.x_test)
    assert not hashes[0] & hashes[1]
    again = data.load("emoji")
    np.testing.assert_array_equal(again.x_test, emoji.x_test)
    np.testing.assert_array_equal(again.y_train, emoji.y_train)


def test_transparent_regions_came_out_white(emoji):
    x = np.concatenate([emoji.x_train, emoji.x_test])
    corners = x[:, [0, 0, -1, -1], [0, -1, 0, -1]]  # (n, 4 corners, 3 channels)
    assert (corners == 1.0).all(axis=(1, 2)).mean() > 0.6
    assert corners.mean() > 0.9


def test_a_damaged_file_is_one_line_naming_it(tmp_path, monkeypatch):
    damaged = tmp_path / "emoji.npz"
    content = bytearray(data.EMOJI.read_bytes())
    content[len(content) // 2] ^= 0xFF
    damaged.write_bytes(bytes(content))
    monkeypatch.setattr(data, "EMOJI", damaged)
    with pytest.raises(CorruptCacheError) as error:
        data.load("emoji")
    message = str(error.value)
    assert "\n" not in message and str(damaged) in message
    assert "sha256" in message and "Reinstall vaelearn" in message


def test_emoji_is_a_named_image_dataset():
    assert "emoji" in data.IMAGE_DATASETS and "emoji" in data.DATASET_NAMES


@pytest.mark.parametrize("arch", ["mlp", "conv"])
def test_a_tiny_vae_trains_on_a_batch(emoji, arch):
    vae = vl.models.make_vae(emoji.example_shape, latent_dim=2, arch=arch, hidden=(16,), seed=0)
    history = vae.fit(emoji.x_train[:64], epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert vae.decode(np.zeros((2, 2), "float32")).shape == (2, 32, 32, 3)


def test_the_notebooks_setting_cannot_name_a_colour_dataset(monkeypatch):
    monkeypatch.setenv("VAELEARN_DATASET", "emoji")
    with pytest.raises(vl.errors.UnknownDatasetError,
                       match=r"^VAELEARN_DATASET=emoji: the notebooks are written for grey images "
                             r"\(mnist_sample, digits, mnist, fashion_mnist or auto\); .*"
                             r"vl\.data\.load\('emoji'\) in your own code\.$"):
        vl.data.load()
    assert vl.data.load("emoji").example_shape == (32, 32, 3)  # by name, in your own code
