"""The latent explorer's widget tree and live redraw, without a browser or TensorFlow."""

import ipywidgets as widgets
import numpy as np
import pytest

from vaelearn.explorer import CSS_CLASS, image_png, latent_explorer


class ToyDecoder:
    """A stand-in model: a blob whose position follows z[0], z[1]."""

    def __init__(self, latent_dim=2):
        self.latent_dim = latent_dim
        self.calls = []

    def decode(self, z):
        z = np.asarray(z)
        self.calls.append(z.copy())
        grid = np.linspace(-3, 3, 8)
        image = np.exp(-((grid[None, :] - z[0, 0]) ** 2 + (grid[:, None] - z[0, 1]) ** 2))
        return image[None, :, :, None].astype("float32")


def test_widget_tree_has_the_hooks_the_browser_test_uses():
    box = latent_explorer(ToyDecoder())
    assert isinstance(box, widgets.VBox)
    assert CSS_CLASS in box._dom_classes
    sliders = [c for c in box.children if isinstance(c, widgets.FloatSlider)]
    images = [c for c in box.children if isinstance(c, widgets.Image)]
    assert [s.description for s in sliders] == ["z[0]", "z[1]"]
    assert all(s.min == -3 and s.max == 3 and s.continuous_update for s in sliders)
    assert len(images) == 1 and images[0].format == "png"
    assert bytes(images[0].value).startswith(b"\x89PNG")


def test_moving_a_slider_changes_the_image_bytes():
    model = ToyDecoder()
    box = latent_explorer(model)
    before = box.image.value
    box.sliders[0].value = 1.5
    assert box.image.value != before
    np.testing.assert_allclose(model.calls[-1], [[1.5, 0.0]])
    after_first = box.image.value
    box.sliders[1].value = -2.0
    assert box.image.value != after_first
    np.testing.assert_allclose(box.code(), [1.5, -2.0])


def test_other_dimensions_stay_at_base():
    model = ToyDecoder(latent_dim=4)
    box = latent_explorer(model, dims=(1, 3), base=[0.5, 0, 0.25, 0])
    assert [s.description for s in box.sliders] == ["z[1]", "z[3]"]
    box.sliders[1].value = 2.0
    np.testing.assert_allclose(model.calls[-1], [[0.5, 0.0, 0.25, 2.0]])


def test_bad_dims_are_refused():
    with pytest.raises(ValueError, match="dims"):
        latent_explorer(ToyDecoder(), dims=(0, 2))


def test_image_png_enlarges_without_smoothing():
    import matplotlib.image as mpimg
    import io

    png = image_png(np.eye(8)[..., None], width=160)
    decoded = mpimg.imread(io.BytesIO(png))
    assert decoded.shape[:2] == (160, 160)
    # Pixel repetition: each 20x20 block is uniform.
    block = decoded[:20, :20, 0]
    assert np.ptp(block) == 0


def test_saved_without_its_kernel_it_shows_the_image_it_draws_now_with_alt_text():
    import base64

    from IPython.core.formatters import format_display_data

    box = latent_explorer(ToyDecoder())
    box.sliders[0].value = 1.5
    data, metadata = format_display_data(box)
    assert "application/vnd.jupyter.widget-view+json" in data  # JupyterLab shows the widget
    assert base64.b64decode(data["image/png"]) == bytes(box.image.value)
    assert metadata["image/png"]["alt"] == (
        "The image decoded from the code z = (1.50, 0.00). In a running notebook, sliders for "
        "z[0], z[1] change it.")
    assert f'alt="{metadata["image/png"]["alt"]}"' in data["text/html"]
