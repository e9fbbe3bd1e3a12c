"""Showing things in a Jupyter notebook: whether a kernel is there to show widgets, and a
cell output that shows a live widget while work runs and a static result after.

A widget lives only as long as its kernel: saved without the kernel (JupyterLab, nbclient,
``vaelearn run``'s HTML pages, nbval) it is an empty box or a stale repr. :class:`LiveOutput`
therefore replaces the widget's view, when the work ends, by a plain bundle (text, HTML or
PNG) through a display update, so the saved notebook keeps only the result. IPython is
imported only when something is shown. :func:`image_bundle` is how a figure shows itself
with its alt text.
"""

import base64
import html

__all__ = ["LiveOutput", "image_bundle", "in_kernel"]


def in_kernel():
    """Whether we run in a Jupyter kernel, where widgets can be displayed."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


def image_bundle(png, alt):
    """A PNG image and its alt text, as a notebook output: ``(data, metadata)``.

    The alt text is in the PNG's metadata, where nbconvert, MyST-NB (the course's website) and
    ``vaelearn run``'s pages read it. JupyterLab's image renderer leaves it out, so the bundle
    carries the image as an HTML ``<img>`` with its ``alt`` too, which JupyterLab prefers.

    Parameters
    ----------
    png : bytes-like or str
        The PNG file's bytes, or them in base64.
    alt : str
        What the image shows, for readers who cannot see it.

    Returns
    -------
    data : dict
        ``image/png`` (base64) and ``text/html``.
    metadata : dict
        ``{"image/png": {"alt": alt}}``.
    """
    if not isinstance(png, str):
        png = base64.b64encode(png).decode("ascii")
    tag = f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt)}">'
    return {"image/png": png, "text/html": tag}, {"image/png": {"alt": alt}}


class LiveOutput:
    """One cell output: ``widget`` now, a static bundle after :meth:`finish`.

    Parameters
    ----------
    widget : ipywidgets.Widget
        Shown at once; update it by setting its traits (never by printing into an
        ``ipywidgets.Output``, which nbval sees as unexpected stdout).
    """

    def __init__(self, widget):
        from IPython.display import display

        self.widget = widget
        self._handle = display(widget, display_id=True)

    def finish(self, bundle, *, metadata=None):
        """Replace the widget's view by a static bundle and close the widget and its children.

        Parameters
        ----------
        bundle : dict of str to str
            MIME type -> data, e.g. ``text/plain``, ``text/html``, base64 ``image/png``.
        metadata : dict, optional
            MIME type -> its metadata, e.g. ``{"image/png": {"alt": "..."}}``.
        """
        self._handle.update(bundle, metadata=metadata, raw=True)
        _close(self.widget)


def _close(widget):
    for child in getattr(widget, "children", ()):
        _close(child)
    widget.close()
