"""Figures for the course. Every function returns a ``matplotlib.figure.Figure``.

Figures are built without pyplot, so a notebook shows each exactly once (as the value of
the cell) and nothing accumulates in memory.
"""

import numpy as np
from matplotlib.figure import Figure
from scipy.stats import norm

__all__ = ["image_grid", "interpolation", "latent_manifold", "latent_scatter",
           "reconstructions", "training_curves"]


def _show_figures_in_ipython():
    """Let IPython display a pyplot-free Figure as a PNG when it is a cell's value."""
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        select_figure_formats(shell, {"png"}, bbox_inches="tight")


_show_figures_in_ipython()


def _images(images):
    images = np.asarray(images)
    return images[..., 0] if images.ndim == 4 and images.shape[-1] == 1 else images


def image_grid(images, ncols=8, titles=None, size=1.2, title=None):
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
    matplotlib.figure.Figure
    """
    images = _images(images)
    nrows = int(np.ceil(len(images) / ncols))
    fig = Figure(figsize=(ncols * size, nrows * size + (0.4 if title else 0)))
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


def reconstructions(originals, reconstructed, n=10, size=1.2):
    """Originals (top row) above their reconstructions (bottom row).

    Parameters
    ----------
    originals, reconstructed : array_like, shape (n, H, W[, 1])
    n : int
        Columns shown (at most ``len(originals)``).
    size : float
        Inches per image.

    Returns
    -------
    matplotlib.figure.Figure
    """
    n = min(n, len(originals))
    fig = Figure(figsize=(n * size, 2 * size + 0.3))
    axes = fig.subplots(2, n, squeeze=False)
    for row, (images, label) in enumerate(((originals, "original"), (reconstructed, "reconstruction"))):
        for i, ax in enumerate(axes[row]):
            ax.imshow(_images(images)[i], cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[row, 0].set_ylabel(label, fontsize=8)
    return fig


def latent_scatter(z, labels=None, dims=(0, 1), title=None):
    """Codes on two of their dimensions, coloured by label.

    Parameters
    ----------
    z : array_like, shape (n, d)
    labels : array_like, shape (n,), optional
    dims : tuple of int
        The two dimensions plotted.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    z = np.asarray(z)
    fig = Figure(figsize=(5.5, 4.5))
    ax = fig.subplots()
    points = ax.scatter(z[:, dims[0]], z[:, dims[1]], c=labels, cmap="tab10", s=6)
    if labels is not None:
        fig.colorbar(points, ax=ax, label="label")
    ax.set_xlabel(f"z[{dims[0]}]")
    ax.set_ylabel(f"z[{dims[1]}]")
    if title:
        ax.set_title(title)
    return fig


def latent_manifold(model, n=15, size=4.0):
    """Decode an n x n grid of 2-D codes at standard-normal quantiles (one batched decode).

    Quantiles rather than an even grid put the points where the prior puts its mass.

    Parameters
    ----------
    model : vaelearn.models.LatentModel
        A model with a 2-D latent space.
    n : int
        Codes per side.
    size : float
        The figure's width and height in inches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if model.latent_dim != 2:
        raise ValueError(f"latent_manifold needs a 2-D latent space, the model has {model.latent_dim}.")
    q = norm.ppf(np.linspace(0.05, 0.95, n))
    grid = np.array([[x, y] for y in q[::-1] for x in q], dtype="float32")
    # A one-pixel blank border keeps small images (8x8 digits) apart.
    images = np.pad(_images(model.decode(grid)), ((0, 0), (0, 1), (0, 1)))
    h, w = images.shape[1:3]
    canvas = images.reshape(n, n, h, w).transpose(0, 2, 1, 3).reshape(n * h, n * w)
    fig = Figure(figsize=(size, size))
    ax = fig.subplots()
    ax.imshow(canvas, cmap="gray_r", vmin=0, vmax=1, extent=(q[0], q[-1], q[0], q[-1]))
    ax.set_xlabel("z[0]")
    ax.set_ylabel("z[1]")
    return fig


def interpolation(model, x_start, x_end, steps=10, size=1.2):
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
    matplotlib.figure.Figure
    """
    z = model.transform(np.stack([x_start, x_end]))
    t = np.linspace(0.0, 1.0, steps, dtype="float32")[:, None]
    images = model.decode((1 - t) * z[0] + t * z[1])
    return image_grid(images, ncols=steps, titles=[f"{v:.2f}" for v in t[:, 0]], size=size)


def training_curves(history, keys=None):
    """Plot the per-epoch values of a training run, with validation where logged.

    Parameters
    ----------
    history : keras.callbacks.History or dict
        ``fit``'s return value, or its ``.history``.
    keys : sequence of str, optional
        The logs to plot (default: every training log).

    Returns
    -------
    matplotlib.figure.Figure
    """
    logs = getattr(history, "history", history)
    keys = keys or [k for k in logs if not k.startswith("val_")]
    fig = Figure(figsize=(4 * len(keys), 3))
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
