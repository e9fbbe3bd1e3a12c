"""The latent-space explorer: moving a slider over z redraws the decoded image.

DOM hooks (see ``vaelearn.explorer.latent_explorer``): a VBox with the CSS class
``vaelearn-latent-explorer`` holding ``FloatSlider``s described ``z[0]``, ``z[1]``, ...
and exactly one ``ipywidgets.Image``.
"""

import time

import pytest

pytestmark = pytest.mark.browser

NOTEBOOK = "notebooks/01_latent_space.ipynb"
KEY_PRESSES = 3


def slider(explorer, description):
    """The handle of the slider whose description is ``description``."""
    row = explorer.locator(".widget-slider").filter(has=explorer.page.get_by_text(description, exact=True))
    return row.get_by_role("slider")


def screenshot_changes(element, before, timeout_s=20):
    """Whether the element's pixels differ from the PNG ``before`` within ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if element.screenshot() != before:
            return True
        time.sleep(0.2)
    return False


def test_moving_a_slider_redraws_the_decoded_image(lab, page, expect):
    lab.open(page, NOTEBOOK)
    explorer = page.locator(".vaelearn-latent-explorer")
    expect(explorer).to_be_visible()
    image = explorer.locator("img")
    expect(image).to_have_count(1)
    src, pixels = image.get_attribute("src"), image.screenshot()

    handle = slider(explorer, "z[0]")
    start = handle.get_attribute("aria-valuenow")
    key = "ArrowLeft" if start == handle.get_attribute("aria-valuemax") else "ArrowRight"
    handle.focus()
    for _ in range(KEY_PRESSES):
        handle.press(key)
    expect(handle).not_to_have_attribute("aria-valuenow", start)

    expect(image).not_to_have_attribute("src", src)
    assert screenshot_changes(image, pixels), "the decoded image looks the same after moving z[0]"
