"""The latent-space explorer: moving a slider over z redraws the decoded image."""

import time

import pytest

pytestmark = pytest.mark.browser

NOTEBOOK = "notebooks/01_latent_space.ipynb"

# Until the real notebook exists: the same DOM hooks around a toy decoder.
STAND_IN = '''\
import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np


def decode_png(z):
    x = np.linspace(-3, 3, 28)
    image = np.exp(-((x[None, :] - z[0]) ** 2 + (x[:, None] - z[1]) ** 2))
    buffer = io.BytesIO()
    plt.imsave(buffer, image, cmap="gray", format="png")
    return buffer.getvalue()


sliders = [widgets.FloatSlider(0.0, min=-3, max=3, step=0.5, description=f"z[{i}]") for i in range(2)]
image = widgets.Image(value=decode_png([0.0, 0.0]), format="png", width=112, height=112)
for slider in sliders:
    slider.observe(lambda change: setattr(image, "value", decode_png([s.value for s in sliders])), "value")
explorer = widgets.VBox([*sliders, image])
explorer.add_class("vaelearn-latent-explorer")
explorer
'''


@pytest.fixture
def notebook(lab):
    if (lab.root / NOTEBOOK).exists():
        return NOTEBOOK
    return lab.write_notebook("notebooks/latent_explorer_stand_in.ipynb", STAND_IN)


def slider(explorer, description):
    """The handle of the slider whose description is ``description``."""
    row = explorer.locator(".widget-slider").filter(has=explorer.page.get_by_text(description, exact=True))
    return row.get_by_role("slider")


def screenshot_changes(element, before, timeout_s=20):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if element.screenshot() != before:
            return True
        time.sleep(0.2)
    return False


def test_moving_a_slider_redraws_the_decoded_image(lab, page, expect, notebook):
    lab.open(page, notebook)
    explorer = page.locator(".vaelearn-latent-explorer")
    expect(explorer).to_be_visible()
    image = explorer.locator("img")
    expect(image).to_have_count(1)
    src, pixels = image.get_attribute("src"), image.screenshot()

    handle = slider(explorer, "z[0]")
    start = handle.get_attribute("aria-valuenow")
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")
    expect(handle).not_to_have_attribute("aria-valuenow", start)

    expect(image).not_to_have_attribute("src", src)
    assert screenshot_changes(image, pixels), "the decoded image looks the same after moving z[0]"
