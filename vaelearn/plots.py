"""Figures for the course. Every function returns a :class:`CourseFigure`.

Figures are built without pyplot, so a notebook shows each exactly once (as the value of
the cell) and nothing accumulates in memory. A lesson's own figure starts from
:func:`figure`. Categories are coloured with a colour-blind-safe cycle (``CATEGORICAL``,
matplotlib's Petroff 10 colours).
"""

import io

import numpy as np
from matplotlib.figure import Figure
from scipy.stats import norm

from .deprecation import renamed_parameters

__all__ = ["CATEGORICAL", "CourseFigure", "figure", "image_grid", "interpolation",
           "latent_manifold", "latent_scatter", "reconstructions", "training_curves"]

# Petroff (2021): ten colours chosen to stay apart under the common colour-vision
# deficiencies (matplotlib's "petroff10" style).
CATEGORICAL = ("#3f90da", "#ffa90e", "#bd1f01", "#94a4a2", "#832db6", "#a96b59", "#e76300",
               "#b9ac70", "#717581", "#92dadd")


class CourseFigure(Figure):
    """A matplotlib figure that shows itself as a PNG when it is a cell's value."""

    def _repr_png_(self):
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()


def figure(**kwargs):
    """A new, empty :class:`CourseFigure`; keyword arguments as ``matplotlib.figure.Figure``."""
    return CourseFigure(**kwargs)


def _images(images):
    images = np.asarray(images)
    return images[..., 0] if images.ndim == 4 and images.shape[-1] == 1 else images


def image_grid(images, *, ncols=8, titles=None, size=1.2, title=None):
    """Show images in a grid.

    Parameters
    ----------
    images : array_like, shape (n, H, W) or (n, H, W, 1)
        Grey levels in [0, 1].
    ncols : int
        Columns of the grid.
    titles : sequence, optional
        One title per image.
    size : float
        Inches per image.
    title : str, optional
        The figure's title.

    Returns
    -------
    CourseFigure
    """
    images = _images(images)
    nrows = int(np.ceil(len(images) / ncols))
    fig = CourseFigure(figsize=(ncols * size, nrows * size + (0.4 if title else 0)))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(images):
            ax.imshow(images[i], cmap="gray_r", vmin=0, vmax=1)
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


@renamed_parameters(n="ncols")
def reconstructions(originals, reconstructed, *, ncols=10, size=1.2):
    """Originals (top row) above their reconstructions (bottom row).

    Parameters
    ----------
    originals, reconstructed : array_like, shape (n, H, W[, 1])
    ncols : int
        Columns shown (at most ``len(originals)``).
    size : float
        Inches per image.

    Returns
    -------
    CourseFigure
    """
    n = min(ncols, len(originals))
    fig = CourseFigure(figsize=(n * size, 2 * size + 0.3))
    axes = fig.subplots(2, n, squeeze=False)
    for row, (images, label) in enumerate(((originals, "original"), (reconstructed, "reconstruction"))):
        for i, ax in enumerate(axes[row]):
            ax.imshow(_images(images)[i], cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[row, 0].set_ylabel(label, fontsize=8)
    return fig


@renamed_parameters(labels="y")
def latent_scatter(z, y=None, *, dims=(0, 1), title=None):
    """Codes on two of their dimensions, coloured by label.

    Parameters
    ----------
    z : array_like, shape (n, d)
    y : array_like, shape (n,), optional
        The labels that colour the points.
    dims : tuple of int
        The two dimensions plotted.
    title : str, optional

    Returns
    -------
    CourseFigure
    """
    z = np.asarray(z)
    fig = CourseFigure(figsize=(5.5, 4.5))
    ax = fig.subplots()
    if y is None:
        ax.scatter(z[:, dims[0]], z[:, dims[1]], s=6, color=CATEGORICAL[0])
    else:
        y = np.asarray(y)
        for i, label in enumerate(np.unique(y)):
            chosen = y == label
            ax.scatter(z[chosen, dims[0]], z[chosen, dims[1]], s=6,
                       color=CATEGORICAL[i % len(CATEGORICAL)], label=str(label))
        ax.legend(title="label", markerscale=2, fontsize=7, loc="center left",
                  bbox_to_anchor=(1.0, 0.5), frameon=False)
    ax.set_xlabel(f"z[{dims[0]}]")
    ax.set_ylabel(f"z[{dims[1]}]")
    if title:
        ax.set_title(title)
    return fig


@renamed_parameters(n="n_per_side")
def latent_manifold(model, *, n_per_side=15, size=4.0):
    """Decode a square grid of 2-D codes at standard-normal quantiles (one batched decode).

    Quantiles rather than an even grid put the points where the prior puts its mass.

    Parameters
    ----------
    model : vaelearn.models.LatentModel
        A model with a 2-D latent space.
    n_per_side : int
        Codes per side of the grid.
    size : float
        The figure's width and height in inches.

    Returns
    -------
    CourseFigure
    """
    if model.latent_dim != 2:
        raise ValueError(f"latent_manifold needs a 2-D latent space, the model has {model.latent_dim}.")
    n = n_per_side
    q = norm.ppf(np.linspace(0.05, 0.95, n))
    grid = np.array([[x, y] for y in q[::-1] for x in q], dtype="float32")
    # A one-pixel blank border keeps small images (8x8 digits) apart.
    images = np.pad(_images(model.decode(grid)), ((0, 0), (0, 1), (0, 1)))
    h, w = images.shape[1:3]
    canvas = images.reshape(n, n, h, w).transpose(0, 2, 1, 3).reshape(n * h, n * w)
    fig = CourseFigure(figsize=(size, size))
    ax = fig.subplots()
    ax.imshow(canvas, cmap="gray_r", vmin=0, vmax=1, extent=(q[0], q[-1], q[0], q[-1]))
    ax.set_xlabel("z[0]")
    ax.set_ylabel("z[1]")
    return fig


def interpolation(model, x_start, x_end, *, steps=10, size=1.2):
    """Decode evenly spaced points on the line between the codes of two inputs.

    Parameters
    ----------
    model : vaelearn.models.LatentModel
    x_start, x_end : array_like, shape model.example_shape
    steps : int
        Images, both ends included.
    size : float
        Inches per image.

    Returns
    -------
    CourseFigure
    """
    z = model.transform(np.stack([x_start, x_end]))
    t = np.linspace(0.0, 1.0, steps, dtype="float32")[:, None]
    images = model.decode((1 - t) * z[0] + t * z[1])
    return image_grid(images, ncols=steps, titles=[f"{v:.2f}" for v in t[:, 0]], size=size)


def training_curves(history, *, keys=None):
    """Plot the per-epoch values of a training run, with validation where logged.

    Parameters
    ----------
    history : keras.callbacks.History or dict
        ``fit``'s return value, or its ``.history``.
    keys : sequence of str, optional
        The logs to plot (default: every training log).

    Returns
    -------
    CourseFigure
    """
    logs = getattr(history, "history", history)
    keys = keys or [k for k in logs if not k.startswith("val_")]
    fig = CourseFigure(figsize=(4 * len(keys), 3))
    axes = fig.subplots(1, len(keys), squeeze=False)[0]
    for ax, key in zip(axes, keys):
        ax.plot(logs[key], label="train")
        if f"val_{key}" in logs:
            ax.plot(logs[f"val_{key}"], label="validation")
            ax.legend()
        ax.set_title(key)
        ax.set_xlabel("epoch")
    fig.tight_layout()
    return fig
