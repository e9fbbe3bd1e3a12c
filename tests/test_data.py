import gzip

import numpy as np
import pytest

from vaelearn import data, download, sources
from vaelearn.errors import CorruptCacheError, DatasetUnavailableError, UnknownDatasetError


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("VAELEARN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("VAELEARN_DATASET", raising=False)
    return tmp_path


def _register_fixture(monkeypatch, name, paths):
    """Point the registry's checksums at fixture files the test wrote itself."""
    remotes = tuple(
        sources.RemoteFile(r.relpath, "sha256", sources.file_digest(p, "sha256"))
        for r, p in zip(sources.REMOTE_DATASETS[name], paths)
    )
    monkeypatch.setitem(sources.REMOTE_DATASETS, name, remotes)


def write_fake_mnist(cache, monkeypatch, n_train=12, n_test=5):
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    path = cache / "mnist.npz"
    np.savez(path, **arrays)  # the layout of Keras' mnist.npz
    _register_fixture(monkeypatch, "mnist", [path])
    return arrays


def test_digits_are_bundled_scaled_and_split():
    d = data.load("digits")
    assert d.example_shape == (8, 8, 1)
    assert d.x_train.dtype == np.float32 and 0 <= d.x_train.min() and d.x_train.max() <= 1
    assert len(d.x_train) + len(d.x_test) == 1797
    assert set(np.unique(d.y_test)) == set(range(10))
    again = data.load("digits")
    np.testing.assert_array_equal(d.x_test, again.x_test)  # the split is fixed


def test_mnist_reads_a_keras_format_cache_file(cache, monkeypatch):
    arrays = write_fake_mnist(cache, monkeypatch)
    d = data.load("mnist")
    assert d.x_train.shape == (12, 28, 28, 1) and d.x_test.shape == (5, 28, 28, 1)
    np.testing.assert_allclose(d.x_train[..., 0], arrays["x_train"] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(d.y_test, arrays["y_test"])


def test_fashion_mnist_reads_idx_files(cache, monkeypatch):
    rng = np.random.default_rng(1)
    folder = cache / "fashion-mnist"
    folder.mkdir()
    paths, images = [], {}
    for remote in sources.REMOTE_DATASETS["fashion_mnist"]:
        n = 7 if "train" in remote.relpath else 3
        path = cache / remote.relpath
        if "images" in remote.relpath:
            images[remote.relpath] = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
            payload = b"\0" * 16 + images[remote.relpath].tobytes()
        else:
            payload = b"\0" * 8 + rng.integers(0, 10, n, dtype=np.uint8).tobytes()
        path.write_bytes(gzip.compress(payload))
        paths.append(path)
    _register_fixture(monkeypatch, "fashion_mnist", paths)
    d = data.load("fashion_mnist")
    assert d.x_train.shape == (7, 28, 28, 1) and d.y_test.shape == (3,)
    np.testing.assert_allclose(d.x_test[..., 0] * 255,
                               images["fashion-mnist/t10k-images-idx3-ubyte.gz"], atol=1e-3)


def test_truncated_cache_is_reported_not_used(cache, monkeypatch):
    write_fake_mnist(cache, monkeypatch)
    path = cache / "mnist.npz"
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(CorruptCacheError, match="corrupt or truncated"):
        data.load("mnist")


def test_unreadable_file_with_matching_checksum_is_reported(cache, monkeypatch):
    path = cache / "mnist.npz"
    path.write_bytes(b"not a zip file")
    _register_fixture(monkeypatch, "mnist", [path])
    with pytest.raises(CorruptCacheError, match="Cannot read"):
        data.load("mnist")


def test_missing_dataset_offline_says_how_to_fix(cache):
    with pytest.raises(DatasetUnavailableError, match="vaelearn prefetch mnist"):
        data.load("mnist")


def test_download_without_network_is_a_clear_error(cache, monkeypatch):
    import urllib.error
    import urllib.request

    def offline(*args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(DatasetUnavailableError, match="Could not download"):
        data.load("mnist", download=True)
    assert list(cache.iterdir()) == []  # no half file left behind


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(UnknownDatasetError, match="digits.*mnist.*fashion_mnist"):
        data.load("imagenet")


def test_auto_prefers_cached_mnist_and_says_so(cache, monkeypatch, capsys):
    assert data.load("auto").name == "mnist_sample"
    assert "bundled MNIST sample" in capsys.readouterr().out
    write_fake_mnist(cache, monkeypatch)
    assert data.load().name == "mnist"
    assert "Using full MNIST" in capsys.readouterr().out


def test_auto_falls_back_to_the_bundled_sample_when_mnist_is_corrupt(cache, monkeypatch, capsys):
    write_fake_mnist(cache, monkeypatch)
    (cache / "mnist.npz").write_bytes(b"garbage")
    assert data.load("auto").name == "mnist_sample"
    assert "unusable" in capsys.readouterr().out


def test_the_bundled_mnist_sample_is_real_mnist_with_a_fixed_split():
    d = data.load("mnist_sample")
    assert d.example_shape == (28, 28, 1) and d.x_train.dtype == np.float32
    assert (len(d.x_train), len(d.x_test)) == (8000, 2000)
    assert d.x_train.min() == 0.0 and d.x_train.max() == 1.0
    # MNIST's pixel mean is 0.1307; each digit is 8-12% of both splits (stratified).
    assert abs(np.concatenate([d.x_train, d.x_test]).mean() - 0.1307) < 0.002
    for labels in (d.y_train, d.y_test):
        share = np.bincount(labels, minlength=10) / len(labels)
        assert share.min() > 0.08 and share.max() < 0.12
    # Pixels are whole multiples of 1/255, as in MNIST's uint8 files.
    np.testing.assert_allclose(d.x_test * 255, np.rint(d.x_test * 255), atol=1e-4)
    np.testing.assert_array_equal(d.y_test, data.load("mnist_sample").y_test)


def test_a_damaged_bundled_sample_says_how_to_fix_it(tmp_path, monkeypatch):
    damaged = tmp_path / "mnist_sample.npz"
    damaged.write_bytes(data.MNIST_SAMPLE.read_bytes()[:-100])
    monkeypatch.setattr(data, "MNIST_SAMPLE", damaged)
    with pytest.raises(CorruptCacheError, match="Reinstall vaelearn"):
        data.load("mnist_sample")


def test_subset_draws_without_replacement_and_depends_on_the_seed(digits):
    small = digits.subset(100, 30, seed=1)
    assert (len(small.x_train), len(small.x_test)) == (100, 30)
    assert len(np.unique(small.x_train.reshape(100, -1), axis=0)) == 100
    assert not np.array_equal(small.x_train, digits.subset(100, 30, seed=2).x_train)
    np.testing.assert_array_equal(small.x_train, digits.subset(100, 30, seed=1).x_train)
    assert len(digits.subset(seed=0).x_train) == len(digits.x_train)  # None keeps every example


def test_binarize_draws_bernoulli_pixels_with_the_grey_level_as_probability():
    grey = np.full((200, 8, 8, 1), 0.3, dtype="float32")
    binary = data.binarize(grey, seed=0)
    assert binary.dtype == np.float32 and set(np.unique(binary)) == {0.0, 1.0}
    assert abs(binary.mean() - 0.3) < 4 * np.sqrt(0.3 * 0.7 / binary.size)
    np.testing.assert_array_equal(binary, data.binarize(grey, seed=0))
    edges = data.binarize(np.array([0.0, 1.0]), seed=3)
    np.testing.assert_array_equal(edges, [0.0, 1.0])


def test_environment_variable_picks_the_dataset(monkeypatch):
    monkeypatch.setenv("VAELEARN_DATASET", "ring")
    assert data.load().name == "ring"


def test_import_from_folder_verifies_before_installing(cache, monkeypatch, tmp_path_factory):
    usb = tmp_path_factory.mktemp("usb")
    write_fake_mnist(usb, monkeypatch)  # registers the fixture's checksum
    (download.import_from("mnist", usb))
    assert (cache / "mnist.npz").read_bytes() == (usb / "mnist.npz").read_bytes()
    (cache / "mnist.npz").unlink()
    (usb / "mnist.npz").write_bytes(b"tampered")
    with pytest.raises(CorruptCacheError):
        download.import_from("mnist", usb)
    assert not (cache / "mnist.npz").exists()


def test_ring_has_eight_modes_at_the_stated_spread():
    ring = data.make_ring(n_train=8000, sigma=0.05, seed=0)
    centers = ring.info["centers"]
    assert centers.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(centers, axis=1), 1.0, rtol=1e-6)
    offsets = ring.x_train - centers[ring.y_train]
    assert offsets.std() == pytest.approx(0.05, rel=0.05)


def test_sprites_draw_every_factor_uniformly_and_independently():
    sprites = data.make_sprites(3000, 500, seed=1)
    assert sprites.x_train.shape == (3000, 16, 16, 1) and sprites.x_train.dtype == np.float32
    assert sprites.y_train.shape == (3000, 4) and sprites.y_test.shape == (500, 4)
    assert sprites.info["factor_names"] == ("shape", "scale", "x", "y")
    assert sprites.info["factor_sizes"] == (3, 4, 8, 8)
    assert 0.0 <= sprites.x_train.min() and sprites.x_train.max() == 1.0
    for k, levels in enumerate(sprites.info["factor_sizes"]):
        counts = np.bincount(sprites.y_train[:, k], minlength=levels)
        assert len(counts) == levels and counts.min() > 0.7 * 3000 / levels
    # independent: the factors' correlations are near zero
    correlations = np.corrcoef(sprites.y_train.T)[np.triu_indices(4, 1)]
    assert np.abs(correlations).max() < 0.06


def test_each_sprite_shows_its_factors():
    sprites = data.make_sprites(400, 1, seed=2)
    images, factors = sprites.x_train[..., 0], sprites.y_train
    radii, centres = sprites.info["factor_values"][1], sprites.info["factor_values"][2]
    rows, cols = np.mgrid[:16, :16] + 0.5
    ink = images.sum(axis=(1, 2))
    x = (images * cols).sum(axis=(1, 2)) / ink
    y = (images * rows).sum(axis=(1, 2)) / ink
    circles, squares = factors[:, 0] == 1, factors[:, 0] == 0
    # a circle's ink is its area; circles and squares are symmetric, so their centre of mass is
    # their centre (up to the 4x4 sampling of each pixel)
    np.testing.assert_allclose(ink[circles], np.pi * radii[factors[circles, 1]] ** 2, rtol=0.05)
    for shapes in (circles, squares):
        np.testing.assert_allclose(x[shapes], centres[factors[shapes, 2]], atol=0.15)
        np.testing.assert_allclose(y[shapes], centres[factors[shapes, 3]], atol=0.15)
    # the largest shape stays inside the image: no ink on the border rows and columns
    assert images[:, [0, -1], :].max() == 0 and images[:, :, [0, -1]].max() == 0
    # the three shapes of one scale differ in ink, so shape is visible in every image
    for scale in range(4):
        means = [ink[(factors[:, 0] == s) & (factors[:, 1] == scale)].mean() for s in range(3)]
        assert min(abs(a - b) for a, b in [(means[0], means[1]), (means[1], means[2]), (means[0], means[2])]) > 0.5


def test_sprites_are_reproducible_and_subset_keeps_factors_with_images():
    a, b = data.make_sprites(50, 10, seed=3), data.make_sprites(50, 10, seed=3)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, data.make_sprites(50, 10, seed=4).x_train)
    small = a.subset(20, 5, seed=0)
    for image, factors in zip(small.x_train, small.y_train):
        match = np.flatnonzero((a.x_train == image).all(axis=(1, 2, 3)))
        assert any((a.y_train[i] == factors).all() for i in match)
