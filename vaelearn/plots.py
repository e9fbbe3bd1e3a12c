"""Figures for the course. Every function returns a :class:`CourseFigure`.

Figures are built without pyplot, so a notebook shows each exactly once (as the value of
the cell) and nothing accumulates in memory. A lesson's own figure starts from
:func:`figure`. Categories are coloured with a colour-blind-safe cycle (``CATEGORICAL``,
matplotlib's Petroff 10 colours), the default of every axes of a :class:`CourseFigure`;
images use grey levels, values a perceptually uniform map such as ``viridis``.

Every figure carries a short description of what it shows, :attr:`CourseFigure.alt`, which
a notebook keeps in its output's metadata and an HTML export writes as the image's ``alt``
text, for readers who cannot see it.
"""

import io

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from scipy.stats import norm

from .deprecation import renamed_parameters
from .display import image_bundle

__all__ = ["CATEGORICAL", "CourseFigure", "figure", "image_grid", "interpolation",
           "latent_manifold", "latent_scatter", "reconstructions", "training_curves",
           "training_curves_alt"]

# Petroff (2021): ten colours chosen to stay apart under the common colour-vision
# deficiencies (matplotlib's "petroff10" style).
CATEGORICAL = ("#3f90da", "#ffa90e", "#bd1f01", "#94a4a2", "#832db6", "#a96b59", "#e76300",
               "#b9ac70", "#717581", "#92dadd")


class CourseFigure(Figure):
    """A matplotlib figure that shows itself as a PNG, with its alt text, when it is a cell's
    value.

    Parameters
    ----------
    *args, **kwargs
        As ``matplotlib.figure.Figure``.
    alt : str, optional
        What the figure shows, for readers who cannot see it (see :attr:`alt`).

    Notes
    -----
    Its axes colour lines, points and bars with ``CATEGORICAL`` unless told otherwise.
    """

    def __init__(self, *args, alt=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.alt = alt

    @property
    def alt(self):
        """str: A short description of what the figure shows (what is plotted, against what,
        how many panels). Set it to describe a figure of your own; unset, it is a generic
        description read from the axes: their number, titles, axis labels, what they draw
        and their legends."""
        return self._alt or _describe_axes(self)

    @alt.setter
    def alt(self, text):
        self._alt = text

    def add_subplot(self, *args, **kwargs):
        """As ``matplotlib.figure.Figure.add_subplot`` (which ``subplots`` calls), with
        ``CATEGORICAL`` as the colour cycle."""
        ax = super().add_subplot(*args, **kwargs)
        ax.set_prop_cycle(color=CATEGORICAL)
        return ax

    def add_axes(self, *args, **kwargs):
        """As ``matplotlib.figure.Figure.add_axes``, with ``CATEGORICAL`` as the colour cycle."""
        ax = super().add_axes(*args, **kwargs)
        ax.set_prop_cycle(color=CATEGORICAL)
        return ax

    def _repr_png_(self):
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None):
        # A bundle rather than _repr_png_ alone: its metadata reaches the output even where
        # matplotlib's inline backend draws the PNG (its printer takes precedence).
        return image_bundle(self._repr_png_(), self.alt)


def figure(*, alt=None, **kwargs):
    """A new, empty :class:`CourseFigure`.

    Parameters
    ----------
    alt : str, optional
        What the figure will show, for readers who cannot see it: what is plotted against
        what, in how many panels (settable later as ``fig.alt``; left out, a generic
        description is read from the axes).
    **kwargs
        As ``matplotlib.figure.Figure``, e.g. ``figsize``.

    Returns
    -------
    CourseFigure
    """
    return CourseFigure(alt=alt, **kwargs)


def _count(n, noun, plural=None):
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def _listed(items, *, at_most=10):
    items = [str(item) for item in items]
    more = f" and {len(items) - at_most} more" if len(items) > at_most else ""
    return ", ".join(items[:at_most]) + more


def _describe_panel(ax):
    drawn = [_count(n, noun, plural) for n, noun, plural in (
        (len(ax.lines), "line", None),
        (sum(isinstance(c, PathCollection) for c in ax.collections), "set of points", "sets of points"),
        (sum(len(c) for c in ax.containers if isinstance(c, BarContainer)), "bar", None),
        (len(ax.images), "image", None),
    ) if n]
    parts = [", ".join(drawn) or "nothing drawn"]
    x, y = ax.get_xlabel(), ax.get_ylabel()
    if x and y:
        parts.append(f"{y} against {x}")
    elif x or y:
        parts.append(f"{'x' if x else 'y'} axis: {x or y}")
    legend = ax.get_legend()
    if legend is not None:
        parts.append(f"legend: {_listed(t.get_text() for t in legend.get_texts())}")
    title = ax.get_title()
    return (f'"{title}": ' if title else "") + "; ".join(parts)


def _describe_axes(fig):
    suptitle = fig.get_suptitle()
    head = "A figure" + (f' titled "{suptitle}"' if suptitle else "")
    if not fig.axes:
        return f"{head}, empty."
    if len(fig.axes) == 1:
        return f"{head} with one panel, {_describe_panel(fig.axes[0])}."
    panels = " ".join(f"Panel {i}, {_describe_panel(ax)}." for i, ax in enumerate(fig.axes, 1))
    return f"{head} with {len(fig.axes)} panels{_layout(fig.axes)}. {panels}"


def _layout(axes):
    specs = [ax.get_subplotspec() for ax in axes]
    grids = {spec.get_gridspec() for spec in specs if spec is not None}
    if None in specs or len(grids) != 1:  # axes placed by hand, or several grids
        return ""
    nrows, ncols = grids.pop().get_geometry()
    if nrows == 1 or ncols == 1:
        return " in a row" if nrows == 1 else " in a column"
    return f" in {nrows} rows of {ncols}"


def _images(images):
    images = np.asarray(images)
    return images[..., 0] if images.ndim == 4 and images.shape[-1] == 1 else images


def _image_kind(images):
    """How alt text names the images that ``_images`` returned."""
    return "colour image" if images.ndim == 4 else "grey-level image"


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
    fig.alt = _grid_alt(len(images), nrows, ncols, kind=_image_kind(images), title=title,
                        titles=titles)
    return fig


def _grid_alt(n, nrows, ncols, *, kind, title=None, titles=None):
    if nrows == 1:
        shape = f"A row of {_count(n, kind)}"
    else:
        up_to = "" if n == nrows * ncols else "up to "
        shape = f"A grid of {_count(n, kind)} in {nrows} rows of {up_to}{ncols}"
    titled = f', titled "{title}"' if title else ""
    captions = "" if titles is None else f", captioned {_listed(list(titles)[:n])}"
    return f"{shape}{titled}{captions}."


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
    fig.alt = (f"{_count(n, _image_kind(_images(originals)))} in a row (top, labelled original) above "
               f"{'its reconstruction' if n == 1 else 'their reconstructions'} "
               "(bottom row, labelled reconstruction).")
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
    colours = "" if y is None else (f", coloured by label ({_count(len(np.unique(y)), 'label')}: "
                                    f"{_listed(np.unique(y))}, legend on the right)")
    titled = f' titled "{title}"' if title else ""
    fig.alt = (f"Scatter plot{titled} of {_count(len(z), 'code')}, z[{dims[1]}] against "
               f"z[{dims[0]}]{colours}.")
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
    fig.alt = (f"A {n} by {n} grid of grey-level images decoded from 2-D codes at standard-normal "
               f"quantiles: z[0] from {q[0]:.2f} to {q[-1]:.2f} left to right, z[1] from "
               f"{q[0]:.2f} to {q[-1]:.2f} bottom to top.")
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
    fig = image_grid(images, ncols=steps, titles=[f"{v:.2f}" for v in t[:, 0]], size=size)
    fig.alt = (f"A row of {_count(steps, _image_kind(_images(images)))} decoded at evenly spaced "
               "points on the line between the codes of two inputs, captioned with the fraction "
               "of the way, from 0.00 (first input) to 1.00 (second).")
    return fig


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
    fig.alt = training_curves_alt(logs, keys)
    return fig


def training_curves_alt(logs, keys):
    """The alt text of :func:`training_curves`' figure, for one redrawn as training goes on.

    Parameters
    ----------
    logs : dict of str to list of float
        The values logged per epoch.
    keys : sequence of str
        The logs plotted, one panel each.

    Returns
    -------
    str
    """
    panels = [key + (" (train and validation)" if f"val_{key}" in logs else "") for key in keys]
    epochs = max((len(logs[key]) for key in keys), default=0)
    in_a_row = " in a row" if len(keys) > 1 else ""
    return (f"Training curves over {_count(epochs, 'epoch')}, value against epoch, "
            f"{_count(len(keys), 'panel')}{in_a_row}: {', '.join(panels)}.")
