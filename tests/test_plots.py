import base64
import html
import re

import numpy as np
import pytest
from IPython.core.formatters import format_display_data
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from nbformat.v4 import new_code_cell, new_notebook, new_output

from vaelearn import plots
from vaelearn.classroom.pages import export_html
from vaelearn.models import make_vae


@pytest.fixture(scope="module")
def vae():
    return make_vae((8, 8, 1), latent_dim=2, seed=0)


def test_image_plots_return_figures_with_one_axis_per_image():
    images = np.random.default_rng(0).uniform(size=(10, 8, 8, 1))
    grid = plots.image_grid(images, ncols=4, titles=range(10))
    assert isinstance(grid, plots.CourseFigure) and isinstance(grid, Figure) and len(grid.axes) == 12  # 3 rows of 4
    assert [ax.get_title() for ax in grid.axes[:3]] == ["0", "1", "2"]
    pairs = plots.reconstructions(images, images[::-1], ncols=5)
    assert len(pairs.axes) == 10


def test_latent_manifold_decodes_the_whole_grid_at_once(vae):
    fig = plots.latent_manifold(vae, n_per_side=5)
    canvas = fig.axes[0].images[0].get_array()
    assert canvas.shape == (5 * 9, 5 * 9)  # 8x8 images plus a one-pixel border


def test_latent_manifold_needs_a_2d_latent_space():
    with pytest.raises(ValueError, match="2-D latent space"):
        plots.latent_manifold(make_vae((8, 8, 1), latent_dim=3))


def test_scatter_interpolation_and_curves(vae):
    z = np.random.default_rng(0).normal(size=(50, 2))
    assert plots.latent_scatter(z, y=np.arange(50) % 10).axes[0].get_xlabel() == "z[0]"
    x = np.random.default_rng(1).uniform(size=(2, 8, 8, 1)).astype("float32")
    strip = plots.interpolation(vae, x[0], x[1], steps=6)
    assert [ax.get_title() for ax in strip.axes] == ["0.00", "0.20", "0.40", "0.60", "0.80", "1.00"]
    curves = plots.training_curves({"loss": [3, 2], "val_loss": [3.5, 2.5], "kl_loss": [1, 1]})
    assert [ax.get_title() for ax in curves.axes] == ["loss", "kl_loss"]
    assert len(curves.axes[0].lines) == 2  # train and validation


def test_a_lessons_own_figure_shows_itself_as_png():
    fig = plots.figure(figsize=(2, 1))
    assert isinstance(fig, plots.CourseFigure)
    assert tuple(fig.get_size_inches()) == (2, 1)
    fig.add_subplot().plot([0, 1], [1, 0])
    assert fig._repr_png_().startswith(b"\x89PNG\r\n\x1a\n")


IMAGES = np.random.default_rng(0).uniform(size=(10, 8, 8, 1))
# One call of each public plotting function, and the alt text it must give.
ALT = {
    "image_grid": (lambda vae: plots.image_grid(IMAGES[:8], ncols=4, titles="abcdefgh", title="Digits"),
                   'A grid of 8 grey-level images in 2 rows of 4, titled "Digits", captioned a, b, c, d, '
                   "e, f, g, h."),
    "reconstructions": (lambda vae: plots.reconstructions(IMAGES, IMAGES[::-1], ncols=5),
                        "5 grey-level images in a row (top, labelled original) above their "
                        "reconstructions (bottom row, labelled reconstruction)."),
    "latent_scatter": (lambda vae: plots.latent_scatter(np.zeros((30, 2)), np.arange(30) % 3, title="Codes"),
                       'Scatter plot titled "Codes" of 30 codes, z[1] against z[0], coloured by label '
                       "(3 labels: 0, 1, 2, legend on the right)."),
    "latent_manifold": (lambda vae: plots.latent_manifold(vae, n_per_side=4),
                        "A 4 by 4 grid of grey-level images decoded from 2-D codes at standard-normal "
                        "quantiles: z[0] from -1.64 to 1.64 left to right, z[1] from -1.64 to 1.64 "
                        "bottom to top."),
    "interpolation": (lambda vae: plots.interpolation(vae, IMAGES[0], IMAGES[1], steps=3),
                      "A row of 3 grey-level images decoded at evenly spaced points on the line between "
                      "the codes of two inputs, captioned with the fraction of the way, from 0.00 "
                      "(first input) to 1.00 (second)."),
    "training_curves": (lambda vae: plots.training_curves({"loss": [3, 2, 1], "val_loss": [4, 3, 2],
                                                           "kl_loss": [1, 1, 1]}),
                        "Training curves over 3 epochs, value against epoch, 2 panels in a row: loss "
                        "(train and validation), kl_loss."),
}


def test_every_plotting_function_is_checked_for_its_alt_text():
    not_drawing = {"CourseFigure", "figure", "training_curves_alt"}
    drawing = {name for name in plots.__all__ if callable(getattr(plots, name))} - not_drawing
    assert drawing == set(ALT)


@pytest.mark.parametrize("name", sorted(ALT))
def test_each_plotting_function_describes_its_figure(vae, name):
    draw, alt = ALT[name]
    assert draw(vae).alt == alt


def test_colour_images_are_named_as_such():
    rgb = np.random.default_rng(0).uniform(size=(3, 4, 4, 3))
    assert plots.image_grid(rgb).alt == "A row of 3 colour images."


def test_the_alt_text_reaches_the_pngs_output_metadata_and_its_html_image():
    fig = plots.image_grid(IMAGES[:2])
    data, metadata = format_display_data(fig)
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG\r\n\x1a\n")
    assert metadata == {"image/png": {"alt": "A row of 2 grey-level images."}}
    # JupyterLab's image renderer drops alt text: it shows this <img> instead.
    assert data["text/html"] == (f'<img src="data:image/png;base64,{data["image/png"]}" '
                                 'alt="A row of 2 grey-level images.">')


def test_a_lessons_own_figure_takes_its_alt_text_then_or_later():
    fig = plots.figure(figsize=(2, 1), alt="Loss against epoch, one line.")
    fig.subplots().plot([3, 2, 1])
    assert format_display_data(fig)[1] == {"image/png": {"alt": "Loss against epoch, one line."}}
    fig.alt = "Loss falls from 3 to 1 over 3 epochs."
    assert format_display_data(fig)[1]["image/png"]["alt"] == "Loss falls from 3 to 1 over 3 epochs."


def test_a_figure_without_alt_text_is_described_from_its_axes():
    assert plots.figure().alt == "A figure, empty."
    fig = plots.figure()
    ax = fig.subplots()
    ax.plot([0, 1], label="ELBO")
    ax.axhline(0.5, color="k", ls="--", label="log p(x)")
    ax.set(xlabel="m", ylabel="nats", title="The bound")
    ax.legend()
    assert fig.alt == 'A figure with one panel, "The bound": 2 lines; nats against m; legend: ELBO, log p(x).'

    fig = plots.figure()
    first, second = fig.subplots(1, 2)
    first.bar(range(3), [1, 2, 3])
    first.set(title="bars", ylabel="KL")
    second.scatter([0, 1], [1, 0])
    second.imshow(np.eye(2))
    fig.suptitle("Two panels")
    assert fig.alt == ('A figure titled "Two panels" with 2 panels in a row. Panel 1, "bars": 3 bars; '
                       "y axis: KL. Panel 2, 1 set of points, 1 image.")


def test_the_alt_text_reaches_an_exported_pages_img():
    fig = plots.latent_scatter(np.zeros((5, 2)))
    data, metadata = format_display_data(fig)
    output = new_output("display_data", metadata=metadata, data=data)
    page = export_html(new_notebook(cells=[new_code_cell("fig", outputs=[output])]))
    (img,) = re.findall(r"<img[^>]*>", page)
    assert html.unescape(re.search(r'alt="([^"]*)"', img).group(1)) == fig.alt


def test_categories_are_coloured_with_the_colour_blind_safe_cycle():
    curves = plots.training_curves({"loss": [3, 2], "val_loss": [3.5, 2.5]})
    assert [line.get_color() for line in curves.axes[0].lines] == list(plots.CATEGORICAL[:2])
    fig = plots.figure()
    ax = fig.subplots()
    for _ in range(3):
        ax.plot([0, 1])
    ax.bar([0], [1])
    ax.scatter([0], [1])
    assert [line.get_color() for line in ax.lines] == list(plots.CATEGORICAL[:3])
    # Bars and points draw from a cycle of their own.
    assert to_hex(ax.patches[0].get_facecolor()) == plots.CATEGORICAL[0]
    assert to_hex(ax.collections[0].get_facecolor()[0]) == plots.CATEGORICAL[1]
