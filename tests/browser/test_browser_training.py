"""A training cell in JupyterLab: a progress bar and live curves while it trains, one summary
line and a static figure after, and only those in the saved notebook.

DOM hooks (see ``vaelearn.training_display``): while training, tqdm's notebook bar carries the CSS
class ``vaelearn-training-progress`` and the live curves ``vaelearn-live-curves``; after it,
the summary line is a ``div.vaelearn-fit-summary`` and the curves an ordinary PNG output.
"""

import re
import time

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

pytestmark = pytest.mark.browser

NOTEBOOK = "checks/training_display.ipynb"
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
EPOCHS = 60  # 23 steps an epoch on the 1,437 training digits: several seconds in all
SPACE = r"[\s\u2007]"  # tqdm's notebook bar pads with figure spaces
SUMMARY = re.compile(rf"^vae: {EPOCHS} epochs, {23 * EPOCHS:,} steps in \d+\.\d s · loss [\d.]+ · "
                     r"reconstruction_loss [\d.]+ · kl_loss [\d.]+ · val_loss [\d.]+ · "
                     r"val_reconstruction_loss [\d.]+ · val_kl_loss [\d.]+$")


@pytest.fixture
def training_notebook(lab):
    path = lab.root / NOTEBOOK
    path.parent.mkdir(exist_ok=True)
    nbformat.write(new_notebook(cells=[
        new_code_cell("import vaelearn as vl\n\nSEED = vl.seed()\ndata = vl.data.load('digits')"),
        new_code_cell("vae = vl.models.make_vae(data.example_shape, latent_dim=2, seed=SEED)\n"
                      f"history = vae.fit(data.x_train, epochs={EPOCHS}, batch_size=64, "
                      "validation_data=data.x_test,\n"
                      "                  callbacks=[vl.training_display.LiveCurves()])"),
    ], metadata={"kernelspec": KERNEL}), path)
    return path


def test_a_training_cell_shows_progress_while_it_runs_and_a_summary_after(
        lab, page, expect, artifacts, training_notebook):
    lab.start(page, NOTEBOOK)
    bar = page.locator(".vaelearn-training-progress")
    expect(bar).to_be_visible(timeout=90_000)  # once TensorFlow is imported and fit starts
    expect(bar.locator(".widget-hprogress")).to_be_visible()  # ipywidgets' progress bar
    expect(bar).to_contain_text(re.compile(rf"vae{SPACE}epoch{SPACE}\d+/{EPOCHS}"))
    expect(bar).to_contain_text(re.compile(
        rf"loss{SPACE}[\d.]+{SPACE}·{SPACE}reconstruction_loss{SPACE}[\d.]+{SPACE}·{SPACE}kl_loss"))
    expect(bar).to_contain_text(re.compile(rf"val_loss{SPACE}[\d.]+"))  # once an epoch has ended
    before = bar.inner_text()
    expect(bar).not_to_have_text(before)  # redrawn in place as it trains
    curves = page.locator(".vaelearn-live-curves")
    expect(curves).to_be_visible()
    assert page.locator(".vaelearn-fit-summary").count() == 0, "the fit ended too soon to watch"
    page.screenshot(path=artifacts / "training_cell_running.png")

    lab.wait_until_run(page)
    summary = page.locator(".vaelearn-fit-summary")
    expect(summary).to_have_count(1)
    expect(summary).to_have_text(SUMMARY)
    expect(bar).to_have_count(0)
    expect(curves).to_have_count(0)
    output = page.locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")
    expect(output).to_have_count(2)  # the summary line and the figure, nothing else
    figure = output.nth(1).locator('img[src^="data:image/png"]')
    expect(figure).to_be_visible()
    expect(figure).to_have_attribute("alt", re.compile(r"^Training curves over \d+ epochs"))

    saved = saved_outputs(lab, page, training_notebook)
    assert [sorted(out["data"]) for out in saved] == [["text/html", "text/plain"],
                                                      ["image/png", "text/html", "text/plain"]]
    assert SUMMARY.match(saved[0]["data"]["text/plain"])


def saved_outputs(lab, page, path, timeout_s=20):
    """Save the notebook from JupyterLab; return the training cell's outputs in the file."""
    written = path.stat().st_mtime
    page.locator(".jp-Notebook").click()
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + timeout_s
    while path.stat().st_mtime == written:
        assert time.monotonic() < deadline, "JupyterLab did not save the notebook"
        time.sleep(0.2)
    outputs = nbformat.read(path, as_version=4).cells[1].outputs  # multi-line text joined
    assert all(out["output_type"] == "display_data" for out in outputs), outputs
    return outputs
