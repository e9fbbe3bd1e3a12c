"""vl.data.from_folder and vl.folders.read_folder, on folders of images the tests draw."""

import warnings

import numpy as np
import PIL.Image
import pytest
from PIL import Image

from vaelearn import data, folders
from vaelearn.errors import (FolderNotFoundError, FolderTooLargeError, NoImagesError,
                             NotAFolderError, SkippedFilesWarning)

RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


def save(image, path, **options):
    """Save a Pillow ``image`` at ``path`` (its format from the name unless ``format=``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, **options)
    return path


def solid(colour, size=(8, 8), mode="RGB"):
    return Image.new(mode, size, colour)


def from_array(pixels):
    return Image.fromarray(np.asarray(pixels, dtype="uint8"))


def only_image(folder, **options):
    """The one image of ``folder``, read as a training set of one."""
    options.setdefault("image_size", 8)
    ds = data.from_folder(folder, test_fraction=0, seed=0, **options)
    assert len(ds.x_train) == 1
    return ds.x_train[0]


def write_classes(folder, sizes, *, seed=0):
    """One sub-folder per class ``name: count``, each image a distinct random 8x8 colour."""
    rng = np.random.default_rng(seed)
    for name, count in sizes.items():
        for i in range(count):
            save(from_array(rng.integers(0, 256, (8, 8, 3))), folder / name / f"{i}.png")
    return folder


@pytest.mark.parametrize("name,options", [
    ("a.png", {}), ("a.jpg", {"quality": 95}), ("a.gif", {}), ("a.bmp", {}),
    ("a.webp", {"lossless": True}),
])
def test_every_format_is_read(tmp_path, name, options):
    save(solid(RED), tmp_path / name, **options)
    pixel = only_image(tmp_path)[4, 4]
    np.testing.assert_allclose(pixel, np.array(RED) / 255, atol=0.03)


def test_the_format_comes_from_the_contents_not_the_name(tmp_path):
    save(solid(RED), tmp_path / "really_a_png.jpg", format="PNG")
    save(solid(BLUE), tmp_path / "no_extension", format="BMP")
    ds = data.from_folder(tmp_path, image_size=8, test_fraction=0)
    assert len(ds.x_train) == 2 and ds.info["skipped"] == []


def test_a_gif_gives_its_first_frame(tmp_path):
    frames = [solid(RED), solid(BLUE)]
    save(frames[0], tmp_path / "moving.gif", save_all=True, append_images=frames[1:])
    np.testing.assert_array_equal(only_image(tmp_path)[0, 0], [1, 0, 0])


def test_transparency_becomes_white(tmp_path):
    pixels = np.zeros((8, 8, 4), dtype="uint8")  # transparent black on the left
    pixels[:, 4:] = (*RED, 255)  # opaque red on the right
    save(from_array(pixels), tmp_path / "rgba.png")
    image = only_image(tmp_path)
    np.testing.assert_array_equal(image[:, :3], 1.0)
    np.testing.assert_array_equal(image[:, 5:], np.broadcast_to([1, 0, 0], (8, 3, 3)))


@pytest.mark.parametrize("mode,colour", [("LA", (0, 0)), ("P", 0)])
def test_grey_alpha_and_palette_transparency_become_white(tmp_path, mode, colour):
    image = solid(colour, mode=mode)
    options = {"transparency": 0} if mode == "P" else {}
    save(image, tmp_path / "clear.png", **options)
    np.testing.assert_array_equal(only_image(tmp_path), 1.0)


def test_grey_read_in_colour_and_colour_read_in_grey(tmp_path):
    save(solid(128, mode="L"), tmp_path / "grey" / "a.png")
    save(solid(RED), tmp_path / "colour" / "a.png")
    colour = only_image(tmp_path / "grey", channels=3)
    assert colour.shape == (8, 8, 3)
    np.testing.assert_allclose(colour, 128 / 255)
    grey = only_image(tmp_path / "colour", channels=1)
    assert grey.shape == (8, 8, 1)
    np.testing.assert_allclose(grey, 76 / 255)  # ITU-R 601 luma of pure red: 0.299 * 255


def test_sixteen_bit_grey_is_scaled_not_clipped(tmp_path):
    save(Image.fromarray(np.full((8, 8), 32768, dtype="uint16")), tmp_path / "deep.png")
    np.testing.assert_allclose(only_image(tmp_path, channels=1), 128 / 255)


def test_a_wider_image_is_centre_cropped_not_padded(tmp_path):
    pixels = np.zeros((10, 20, 3), dtype="uint8")
    pixels[:] = BLUE
    pixels[:, 5:15] = RED  # the centre 10x10 square
    save(from_array(pixels), tmp_path / "wide.png")
    image = only_image(tmp_path, image_size=5)
    assert image.shape == (5, 5, 3)
    # Red: the blue edges were cut off (the filter reaches a little past the crop at its sides).
    np.testing.assert_allclose(image, np.broadcast_to([1, 0, 0], (5, 5, 3)), atol=0.06)


def test_image_size_is_height_then_width(tmp_path):
    save(solid(RED, size=(12, 12)), tmp_path / "square.png")
    assert only_image(tmp_path, image_size=(4, 8)).shape == (4, 8, 3)


def test_the_exif_orientation_turns_an_image_upright(tmp_path):
    pixels = np.zeros((4, 8, 3), dtype="uint8")  # red left, blue right; then turned 90 degrees
    pixels[:, :4], pixels[:, 4:] = RED, BLUE
    image = from_array(pixels)
    exif = image.getexif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    save(image, tmp_path / "turned.png", exif=exif)
    upright = only_image(tmp_path, image_size=(8, 4))
    np.testing.assert_array_equal(upright[0, 0], [1, 0, 0])
    np.testing.assert_array_equal(upright[-1, 0], [0, 0, 1])


def test_class_sub_folders_give_sorted_names_and_labels(tmp_path):
    save(solid(BLUE), tmp_path / "tulip" / "t.png")
    save(solid(RED), tmp_path / "daisy" / "d1.png")
    save(solid(RED), tmp_path / "daisy" / "d2.jpg", quality=95)
    images, y, class_names, skipped = folders.read_folder(tmp_path, image_size=4)
    assert class_names == ("daisy", "tulip") and skipped == []
    assert images.dtype == np.uint8 and images.shape == (3, 4, 4, 3)
    np.testing.assert_array_equal(y, [0, 0, 1])
    assert images[y == 1, ..., 2].min() == 255  # the tulip is blue


def test_images_alone_form_one_class_named_after_the_folder(tmp_path):
    folder = tmp_path / "flowers"
    for i in range(3):
        save(solid(RED), folder / f"{i}.png")
    ds = data.from_folder(folder, image_size=4, test_fraction=0)
    assert ds.name == "flowers" and ds.info["class_names"] == ("flowers",)
    np.testing.assert_array_equal(ds.y_train, 0)
    assert ds.info["path"] == str(folder.resolve())


def test_loose_images_beside_sub_folders_are_the_first_class(tmp_path):
    folder = tmp_path / "flowers"
    save(solid(RED), folder / "loose.png")
    save(solid(BLUE), folder / "tulip" / "t.png")
    _, y, class_names, _ = folders.read_folder(folder, image_size=4)
    assert class_names == ("flowers", "tulip")
    np.testing.assert_array_equal(y, [0, 1])


def test_a_class_without_images_is_left_out(tmp_path):
    (tmp_path / "README.txt").write_text("one sub-folder per class")
    (tmp_path / "empty").mkdir()
    save(solid(RED), tmp_path / "tulip" / "t.png")
    with pytest.warns(SkippedFilesWarning, match="README.txt"):
        ds = data.from_folder(tmp_path, image_size=4, test_fraction=0)
    assert ds.info["class_names"] == ("tulip",)
    np.testing.assert_array_equal(ds.y_train, [0])


def test_hidden_files_and_folders_are_ignored_silently(tmp_path):
    save(solid(RED), tmp_path / "a.png")
    (tmp_path / ".DS_Store").write_bytes(b"\0\1\2 not an image")
    save(solid(BLUE), tmp_path / ".ipynb_checkpoints" / "b.png")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = data.from_folder(tmp_path, image_size=4, test_fraction=0)
    assert len(ds.x_train) == 1 and ds.info["class_names"] == (tmp_path.name,)


def test_unreadable_files_are_skipped_and_named_in_one_warning(tmp_path):
    save(solid(RED), tmp_path / "good.png")
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "empty.jpg").write_bytes(b"")
    noise = from_array(np.random.default_rng(0).integers(0, 256, (32, 32, 3)))
    whole = save(noise, tmp_path / "whole.png").read_bytes()
    (tmp_path / "truncated.png").write_bytes(whole[:len(whole) // 2])
    (tmp_path / "whole.png").unlink()
    (tmp_path / "random.png").write_bytes(np.random.default_rng(1).bytes(500))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = data.from_folder(tmp_path, image_size=8, test_fraction=0)
    skipped_warnings = [w for w in caught if issubclass(w.category, SkippedFilesWarning)]
    assert len(skipped_warnings) == 1 and skipped_warnings[0].filename == __file__
    message = str(skipped_warnings[0].message)
    assert message.startswith(f"Skipped 4 files in {tmp_path.resolve()} that are not readable")
    assert "empty.jpg, notes.txt, random.png, ..." in message and "\n" not in message
    assert sorted(ds.info["skipped"]) == ["empty.jpg", "notes.txt", "random.png", "truncated.png"]
    assert len(ds.x_train) == 1


def one_line_error(error_class, call):
    with pytest.raises(error_class) as caught:
        call()
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_an_empty_folder_says_how_many_files_it_looked_at(tmp_path):
    message = one_line_error(ValueError, lambda: data.from_folder(tmp_path, image_size=8))
    assert str(tmp_path.resolve()) in message and "looked at 0 files" in message
    (tmp_path / "notes.txt").write_text("not an image")
    message = one_line_error(NoImagesError, lambda: data.from_folder(tmp_path, image_size=8))
    assert "looked at 1 file)" in message


def test_a_missing_path_is_a_file_not_found_error(tmp_path):
    missing = tmp_path / "no_such_folder"
    message = one_line_error(FileNotFoundError, lambda: data.from_folder(missing, image_size=8))
    assert str(missing.resolve()) in message
    one_line_error(FolderNotFoundError, lambda: data.from_folder(missing, image_size=8))


def test_a_file_path_is_not_a_folder(tmp_path):
    image = save(solid(RED), tmp_path / "a.png")
    message = one_line_error(NotADirectoryError, lambda: data.from_folder(image, image_size=8))
    assert str(image.resolve()) in message and "not a folder" in message
    assert issubclass(NotAFolderError, OSError)


def test_a_folder_too_large_is_refused_before_any_image_is_opened(tmp_path, monkeypatch):
    write_classes(tmp_path, {"a": 3, "b": 2})

    def must_not_open(*args, **kwargs):
        raise AssertionError("an image was opened before the size check")

    monkeypatch.setattr(PIL.Image, "open", must_not_open)
    message = one_line_error(MemoryError, lambda: data.from_folder(
        tmp_path, image_size=8, max_bytes=5 * 8 * 8 * 3 * 4 - 1))
    assert str(tmp_path.resolve()) in message and "MB" in message
    assert "image_size" in message and "channels=1" in message and "fewer files" in message
    with pytest.raises(FolderTooLargeError):
        data.from_folder(tmp_path, image_size=(16, 8), channels=1, max_bytes=5 * 16 * 8 * 4 - 1)


def test_the_default_limit_is_the_memory_available(tmp_path, monkeypatch):
    write_classes(tmp_path, {"a": 2})
    assert folders.available_memory() > 0
    monkeypatch.setattr(folders, "available_memory", lambda: 2 * 2 * 8 * 8 * 3 * 4 - 2)
    with pytest.raises(FolderTooLargeError):
        data.from_folder(tmp_path, image_size=8)
    monkeypatch.setattr(folders, "available_memory", lambda: None)
    assert len(data.from_folder(tmp_path, image_size=8, test_fraction=0).x_train) == 2


@pytest.mark.parametrize("options,problem", [
    ({"channels": 4}, "channels must be 1"), ({"channels": 2}, "channels must be 1"),
    ({"image_size": 0}, "image_size"), ({"image_size": (8,)}, "image_size"),
    ({"image_size": (8, 8.5)}, "image_size"), ({"test_fraction": 1}, "test_fraction"),
    ({"test_fraction": -0.1}, "test_fraction"),
])
def test_bad_options_are_one_sentence_value_errors(tmp_path, options, problem):
    save(solid(RED), tmp_path / "a.png")
    options = {"image_size": 8, **options}
    message = one_line_error(ValueError, lambda: data.from_folder(tmp_path, **options))
    assert message.startswith(problem) and message.count(". ") == 0


def test_values_are_float32_in_the_unit_interval_shaped_n_h_w_c(tmp_path):
    write_classes(tmp_path, {"a": 6, "b": 4})
    ds = data.from_folder(tmp_path, image_size=(6, 5), channels=3, seed=0)
    for x in (ds.x_train, ds.x_test):
        assert x.dtype == np.float32 and x.shape[1:] == (6, 5, 3)
        assert 0.0 <= x.min() and x.max() <= 1.0
    assert len(ds.x_train) + len(ds.x_test) == 10 and ds.example_shape == (6, 5, 3)
    assert ds.y_train.dtype.kind == "i" and len(ds.y_train) == len(ds.x_train)


def test_the_split_is_stratified_and_seeded(tmp_path):
    write_classes(tmp_path, {"a": 10, "b": 5})
    first = data.from_folder(tmp_path, image_size=4, test_fraction=0.2, seed=0)
    again = data.from_folder(tmp_path, image_size=4, test_fraction=0.2, seed=0)
    other = data.from_folder(tmp_path, image_size=4, test_fraction=0.2, seed=1)
    np.testing.assert_array_equal(np.bincount(first.y_test), [2, 1])
    np.testing.assert_array_equal(np.bincount(first.y_train), [8, 4])
    np.testing.assert_array_equal(first.x_train, again.x_train)
    np.testing.assert_array_equal(first.y_test, again.y_test)
    assert not np.array_equal(first.x_test, other.x_test)


def test_a_class_of_one_image_falls_back_to_a_split_of_the_whole_folder(tmp_path):
    write_classes(tmp_path, {"a": 9, "b": 1})
    ds = data.from_folder(tmp_path, image_size=4, test_fraction=0.5, seed=0)
    assert (len(ds.x_train), len(ds.x_test)) == (5, 5)


def test_test_fraction_zero_keeps_every_image_for_training(tmp_path):
    write_classes(tmp_path, {"a": 3, "b": 2})
    ds = data.from_folder(tmp_path, image_size=(4, 6), channels=1, test_fraction=0)
    assert ds.x_train.shape == (5, 4, 6, 1)
    assert ds.x_test.shape == (0, 4, 6, 1) and ds.x_test.dtype == np.float32
    assert ds.y_test.shape == (0,)


def test_a_progress_bar_only_for_large_folders(tmp_path, capsys, monkeypatch):
    write_classes(tmp_path, {"a": 3})
    data.from_folder(tmp_path, image_size=4)
    assert "Reading" not in capsys.readouterr().err
    monkeypatch.setattr(folders, "PROGRESS_BAR_ABOVE", 2)
    data.from_folder(tmp_path, image_size=4)
    assert f"Reading {tmp_path.name}" in capsys.readouterr().err


def test_a_model_trains_on_a_folder(tmp_path):
    from vaelearn import models

    write_classes(tmp_path, {"a": 4, "b": 4})
    ds = data.from_folder(tmp_path, image_size=8, seed=0)
    model = models.make_vae(ds.example_shape, latent_dim=2, hidden=(16,), seed=0)
    history = model.fit(ds.x_train, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][-1])
