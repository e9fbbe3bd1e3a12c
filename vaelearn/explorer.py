"""An interactive latent explorer: sliders over z, the decoded image redrawn live.

Typical use, as the last expression of a notebook cell::

    vaelearn.explorer.latent_explorer(vae)

Moving a slider decodes the new code and replaces the PNG shown in an
``ipywidgets.Image``. The widget tree is fixed so that tests can find it: a ``VBox`` with
the CSS class ``vaelearn-latent-explorer`` holding one ``FloatSlider`` per explored
dimension (descriptions ``z[0]``, ``z[1]``, ...) and then exactly one ``Image``.

Saved without its kernel (a page of the course's website, ``vaelearn run``'s pages), the
explorer shows the image it drew first, with alt text that says what the sliders would do.
"""

import io

import numpy as np

from .display import image_bundle

__all__ = ["CSS_CLASS", "image_png", "latent_explorer"]

CSS_CLASS = "vaelearn-latent-explorer"


def image_png(image, *, width=160, cmap="gray_r"):
    """One image as PNG bytes, enlarged by pixel repetition (no smoothing).

    Parameters
    ----------
    image : array_like, shape (H, W) or (H, W, 1)
        Grey levels in [0, 1].
    width : int
        About how many pixels wide the PNG is.
    cmap : str
        A matplotlib colour map.

    Returns
    -------
    bytes
    """
    from matplotlib.image import imsave

    image = np.asarray(image, dtype="float64")
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim != 2:
        raise ValueError(f"Expected one grey-level image (H, W) or (H, W, 1), got {image.shape}.")
    factor = max(1, int(round(width / image.shape[1])))
    big = np.repeat(np.repeat(np.clip(image, 0.0, 1.0), factor, axis=0), factor, axis=1)
    buffer = io.BytesIO()
    imsave(buffer, big, cmap=cmap, vmin=0.0, vmax=1.0, format="png")
    return buffer.getvalue()


def latent_explorer(model, *, dims=(0, 1), limit=3.0, step=0.05, width=160, base=None,
                    cmap="gray_r"):
    """Sliders over the latent dimensions ``dims`` of ``model``, and its decoded image.

    Parameters
    ----------
    model : an object with ``latent_dim`` and ``decode(z)`` (a VAE or an autoencoder).
    dims : the latent dimensions that get a slider (``z[i]`` for each i).
    limit : each slider runs from ``-limit`` to ``limit`` (prior standard deviations for a
        VAE: about 99.7% of the prior's mass lies within 3).
    step : slider resolution.
    width : displayed image width in pixels.
    base : the code used for the dimensions without a slider (zeros by default: the prior's
        mean).

    Returns an ``ipywidgets.VBox`` (CSS class ``vaelearn-latent-explorer``) whose children
    are the sliders and then the ``Image``; ``box.sliders``, ``box.image`` and
    ``box.code()`` (the current z) are there for scripts and tests.
    """
    import ipywidgets as widgets

    latent_dim = int(model.latent_dim)
    dims = tuple(int(d) for d in dims)
    if not dims or any(d < 0 or d >= latent_dim for d in dims):
        raise ValueError(f"dims must name latent dimensions 0..{latent_dim - 1}, got {dims}.")
    z = np.zeros(latent_dim, dtype="float32") if base is None else np.array(base, "float32")
    if z.shape != (latent_dim,):
        raise ValueError(f"base must have shape ({latent_dim},), got {z.shape}.")

    sliders = [
        widgets.FloatSlider(value=float(np.clip(z[d], -limit, limit)), min=-limit, max=limit,
                            step=step, description=f"z[{d}]", continuous_update=True,
                            readout_format=".2f")
        for d in dims
    ]

    def code():
        current = z.copy()
        for d, slider in zip(dims, sliders):
            current[d] = slider.value
        return current

    def render():
        decoded = np.asarray(model.decode(code()[None, :]))[0]
        return image_png(decoded, width=width, cmap=cmap)

    image = widgets.Image(value=render(), format="png", width=width, height=width)

    def redraw(change):
        image.value = render()

    for slider in sliders:
        slider.observe(redraw, names="value")

    box = widgets.VBox([*sliders, image])
    box.add_class(CSS_CLASS)
    box.sliders, box.image, box.code = sliders, image, code

    def bundle(**kwargs):  # the widget's view, and the image as it is now for static pages
        at = ", ".join(f"{value:.2f}" for value in code())
        names = ", ".join(slider.description for slider in sliders)
        data, metadata = image_bundle(image.value, f"The image decoded from the code z = ({at}). "
                                      f"In a running notebook, sliders for {names} change it.")
        return {**data, **widgets.VBox._repr_mimebundle_(box, **kwargs)}, metadata

    box._repr_mimebundle_ = bundle
    return box
