import numpy as np
import pytest
from matplotlib.figure import Figure

from vaelearn import plots
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
