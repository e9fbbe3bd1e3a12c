"""What a learner sees while a model trains: a progress bar ending as a summary, and live
loss curves.

``fit`` of every vaelearn model (:class:`~vaelearn.models.VAE`, the autoencoder, the
conditional VAE, the sequence VAE, and :class:`~vaelearn.anomaly.VAEAnomalyDetector`, which
trains one) shows a :class:`TrainingProgress` when it is called without ``verbose``:

- in a notebook, one progress bar per ``fit`` (tqdm's notebook widget) that says the epoch,
  the steps done, the speed, the time left and the latest ``loss``, ``reconstruction_loss``
  and ``kl_loss``, with the last epoch's validation numbers when there are some. When the fit
  ends the bar is replaced by one summary line, which is what the saved notebook, nbval and
  ``vaelearn run``'s HTML pages keep;
- in a terminal, the same bar on one line of standard error while it trains, then the
  summary line on standard output;
- elsewhere (a log file, a pipe, pytest), the summary line only.

Turn it off with ``fit(..., verbose=0)`` (Keras' ``verbose=1`` and ``2`` keep their meaning:
Keras prints instead), or for every fit with the environment variable
``VAELEARN_TRAINING_DISPLAY=0`` (its old name ``VAELEARN_PROGRESS`` works for one more
release).

:class:`LiveCurves` is a callback to add where a lesson is about how the loss terms move:
it redraws them after each epoch, as often as a small share of the training time allows.
"""

import html
import io
import numbers
import os
import sys
import time

import keras

from .deprecation import warn_renamed
from .display import LiveOutput, image_bundle, in_kernel

__all__ = ["ENVIRONMENT_VARIABLE", "LiveCurves", "TrainingProgress", "end_displays",
           "shown_by_default"]

ENVIRONMENT_VARIABLE = "VAELEARN_TRAINING_DISPLAY"
_OLD_ENVIRONMENT_VARIABLE = "VAELEARN_PROGRESS"


def shown_by_default():
    """Whether ``fit`` without ``verbose`` shows a :class:`TrainingProgress`: yes, unless
    ``$VAELEARN_TRAINING_DISPLAY`` (or its old name ``$VAELEARN_PROGRESS``) is ``0``,
    ``false``, ``no`` or ``off``."""
    value = os.environ.get(ENVIRONMENT_VARIABLE)
    if value is None and _OLD_ENVIRONMENT_VARIABLE in os.environ:
        warn_renamed(f"${_OLD_ENVIRONMENT_VARIABLE}", f"${ENVIRONMENT_VARIABLE}")
        value = os.environ[_OLD_ENVIRONMENT_VARIABLE]
    return (value or "").strip().lower() not in ("0", "false", "no", "off")


def end_displays(callbacks, error):
    """Close the displays among a fit's callbacks after it stopped on an error (Keras calls
    ``on_train_end`` only when training ends normally).

    Parameters
    ----------
    callbacks : list of keras.callbacks.Callback
    error : BaseException
        What stopped the fit.
    """
    for callback in callbacks:
        if isinstance(callback, (TrainingProgress, LiveCurves)):
            callback.close(error)


_LOSS_TERMS = ("loss", "reconstruction_loss", "kl_loss")


def _ordered(keys):
    """The loss and its terms first, then other logs in Keras' order, validation logs last."""
    def rank(key):
        name = key.removeprefix("val_")
        return key != name, _LOSS_TERMS.index(name) if name in _LOSS_TERMS else len(_LOSS_TERMS)

    return sorted(keys, key=rank)


def _format_logs(logs):
    """``loss 152.3 · reconstruction_loss 140.2 · kl_loss 12.09 · val_loss 155``."""
    keys = _ordered(key for key, value in logs.items() if isinstance(value, numbers.Real))
    return " · ".join(f"{key} {float(logs[key]):.4g}" for key in keys)


class TrainingProgress(keras.callbacks.Callback):
    """One compact progress display per ``fit``, ending as a one-line summary.

    Keras calls batch callbacks once per ``steps_per_execution`` batches (16 with
    ``compile_with_defaults`` on TensorFlow and JAX, 1 on PyTorch); the display is redrawn at
    most once per ``refresh_interval`` seconds, so it costs little whatever the batch rate
    (``bench/progress_overhead.py``, BENCHMARKS.md). See the module docstring for where it
    shows what.

    Parameters
    ----------
    refresh_interval : float, default 0.1
        Seconds between two redraws of the bar.
    """

    def __init__(self, *, refresh_interval=0.1):
        super().__init__()
        self.refresh_interval = refresh_interval
        self._bar = self._live = None
        self._open = False

    def on_train_begin(self, logs=None):
        self._start = time.monotonic()
        self._epochs, self._steps = self.params.get("epochs") or 0, self.params.get("steps")
        self._first_epoch = self._epoch = None
        self._epochs_done, self._step, self._next_refresh = 0, 0, 0.0
        self._epoch_start_step, self._batch = 0, -1
        self._batch_logs, self._epoch_logs = {}, {}
        total = self._epochs * self._steps if self._steps else None
        self._bar, self._live = _open_bar(total)
        self._open = True

    def on_epoch_begin(self, epoch, logs=None):
        if self._first_epoch is None:  # fit(initial_epoch=...) starts later
            self._first_epoch = epoch
            if self._bar is not None and epoch and self._steps:
                self._bar.reset(total=(self._epochs - epoch) * self._steps)
        self._epoch, self._epoch_start_step = epoch, self._step

    def on_train_batch_end(self, batch, logs=None):
        self._batch = batch
        now = time.monotonic()
        if now < self._next_refresh:
            return
        self._step = self._epoch_start_step + self._steps_done()
        self._batch_logs = dict(logs or {})
        self._refresh(now)

    def _steps_done(self):
        """Steps done in this epoch. With steps_per_execution > 1 Keras may pass a batch
        index past a short epoch's end."""
        return min(self._batch + 1, self._steps) if self._steps else self._batch + 1

    def on_epoch_end(self, epoch, logs=None):
        self._epochs_done += 1
        self._epoch_logs, self._batch_logs = dict(logs or {}), {}
        self._step = self._epoch_start_step + (self._steps or self._steps_done())
        now = time.monotonic()
        if now >= self._next_refresh:
            self._refresh(now)

    def on_train_end(self, logs=None):
        self.close()

    def _refresh(self, now):
        self._next_refresh = now + self.refresh_interval
        if self._bar is None:
            return
        epoch = 0 if self._epoch is None else self._epoch + 1
        self._bar.set_description_str(f"{self.model.name} epoch {epoch}/{self._epochs}",
                                      refresh=False)
        self._bar.set_postfix_str(_format_logs({**self._epoch_logs, **self._batch_logs}),
                                  refresh=False)
        if self._step > self._bar.n:
            self._bar.update(self._step - self._bar.n)  # refreshes: mininterval is 0
        else:
            self._bar.refresh()

    def summary(self, error=None):
        """The one-line summary of the fit so far, e.g. ``vae: 30 epochs, 3,000 steps in
        41.8 s · loss 152.3 · reconstruction_loss 140.2 · kl_loss 12.09``.

        Parameters
        ----------
        error : BaseException, optional
            What stopped the fit, if anything.

        Returns
        -------
        str
        """
        planned = self._epochs - (self._first_epoch or 0)
        done = (f"{self._epochs_done} epoch{'s' * (self._epochs_done != 1)}"
                if self._epochs_done == planned else f"{self._epochs_done} of {planned} epochs")
        line = (f"{self.model.name}: {done}, {self._step:,} steps in "
                f"{time.monotonic() - self._start:.1f} s")
        if error is not None:
            line += f" (stopped by {type(error).__name__})"
        values = _format_logs(self._epoch_logs or self._batch_logs)
        return f"{line} · {values}" if values else line

    def close(self, error=None):
        """End the display with the summary line. Does nothing the second time.

        Parameters
        ----------
        error : BaseException, optional
            What stopped the fit, if anything.
        """
        if not self._open:
            return
        self._open = False
        line = self.summary(error)
        if self._bar is not None:
            self._bar.close()
        if self._live is not None:
            self._live.finish({"text/plain": line, "text/html": _summary_html(line)})
        else:
            print(line, flush=True)


def _open_bar(total):
    """(bar, live output): tqdm's notebook bar in a kernel, its text bar on a terminal's
    standard error, else (None, None)."""
    # The full width (in a notebook: the bar keeps its room, the long text wraps below it).
    options = dict(total=total, unit="step", leave=False, mininterval=0, miniters=1,
                   dynamic_ncols=True)
    if in_kernel():
        try:
            from tqdm.notebook import tqdm
            bar = tqdm(display=False, **options)
        except ImportError:  # no ipywidgets: the summary line only
            return None, None
        bar.container.add_class("vaelearn-training-progress")
        return bar, LiveOutput(bar.container)
    if getattr(sys.stderr, "isatty", lambda: False)():
        from tqdm import tqdm

        return tqdm(file=sys.stderr, **options), None
    return None, None


def _summary_html(line):
    return (f'<div class="vaelearn-fit-summary" style="font-family: var(--jp-code-font-family, '
            f'monospace); font-size: var(--jp-code-font-size, 13px)">{html.escape(line)}</div>')


class LiveCurves(keras.callbacks.Callback):
    """Redraw the loss terms per epoch in place while a model trains, in a notebook.

    Add it to a ``fit`` whose loss terms are the lesson: ``vae.fit(x, epochs=30,
    callbacks=[vl.training_display.LiveCurves()])``. After the first epoch a figure of the logged
    values per epoch (:func:`vaelearn.plots.training_curves`: one panel per term, with the
    validation curve where one is logged, the x axis spanning the planned epochs) appears in
    the cell's output as an ``ipywidgets.Image``, and is redrawn at the end of later epochs
    as often as ``max_overhead`` allows. When the fit ends it is drawn a last time and stays
    as a static PNG, which the saved notebook and ``vaelearn run``'s HTML pages keep.
    Outside a notebook it draws nothing and costs nothing.

    Parameters
    ----------
    keys : sequence of str, optional
        The logs to plot (default: every training log of the first epoch: ``loss``,
        ``reconstruction_loss``, ``kl_loss``, and ``beta`` when this callback comes after a
        :class:`~vaelearn.training.KLAnnealing` in ``callbacks``, which logs it).
    max_overhead : float, default 0.02
        Largest share of the training time spent drawing: a redraw waits until the time
        since the last one is at least the last drawing time divided by this share.
        Besides these, the first and the last epoch are always drawn.
    dpi : int, default 72
        Resolution of the figure (pixels per inch; the figure is 4 x 3 inches per panel).

    Notes
    -----
    A redraw updates the curves of one figure; only the last drawing lays the figure out
    again (``tight_layout``). Drawing costs about 0.05-0.1 s on a laptop CPU, so a lesson's
    fit of a minute or more spends under 2% of its time drawing
    (``bench/progress_overhead.py``, BENCHMARKS.md).
    """

    def __init__(self, keys=None, *, max_overhead=0.02, dpi=72):
        super().__init__()
        self.keys = keys
        self.max_overhead = max_overhead
        self.dpi = dpi
        self._live = None

    def on_train_begin(self, logs=None):
        self._history, self._live, self._figure = {}, None, None
        self._next_draw = 0.0
        self._enabled = in_kernel()

    def on_epoch_end(self, epoch, logs=None):
        if not self._enabled:
            return
        for key, value in (logs or {}).items():
            self._history.setdefault(key, []).append(float(value))
        if time.perf_counter() >= self._next_draw:
            self._draw()

    def on_train_end(self, logs=None):
        self.close()

    def _draw(self):
        import ipywidgets

        start = time.perf_counter()
        png = self.figure_png()
        if self._live is None:
            image = ipywidgets.Image(value=png, format="png")
            image.add_class("vaelearn-live-curves")
            self._live = LiveOutput(image)
        else:
            self._live.widget.value = png
        end = time.perf_counter()
        self._next_draw = end + (end - start) / self.max_overhead

    def figure_png(self):
        """The current figure as PNG bytes."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        if self._figure is None or list(self._history) != self._figure_logs:
            self._figure = self._new_figure()
        else:  # new points on the same curves: cheaper than a new figure
            for ax in self._figure.axes:
                key = ax.get_title()
                for line, name in zip(ax.lines, (key, f"val_{key}")):
                    line.set_data(range(len(self._history[name])), self._history[name])
                ax.relim()
                ax.autoscale_view(scalex=False)
        buffer = io.BytesIO()
        FigureCanvasAgg(self._figure).print_png(buffer)  # one draw (savefig may take two)
        return buffer.getvalue()

    def _new_figure(self):
        from matplotlib.ticker import MaxNLocator

        from .plots import training_curves

        keys = self.keys or _ordered(key for key in self._history if not key.startswith("val_"))
        fig = training_curves(self._history, keys=keys)
        self._figure_keys = keys
        for ax in fig.axes:
            ax.set_xlim(-0.5, max(1, self.params.get("epochs", 1) - 1) + 0.5)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            for line in ax.lines:  # a point per epoch, visible from the first epoch on
                line.set(marker="o", markersize=3)
        fig.set_dpi(self.dpi)
        self._figure_logs = list(self._history)
        return fig

    def close(self, error=None):
        """Leave the last drawing as a static PNG in the cell's output. Does nothing the
        second time.

        Parameters
        ----------
        error : BaseException, optional
            Accepted for :func:`end_displays`, and ignored.
        """
        if not self._enabled or not self._history:
            return
        self._enabled = False
        from .plots import training_curves_alt

        self._figure.tight_layout()  # tick labels may have grown since the layout was made
        png = self.figure_png()
        alt = training_curves_alt(self._history, self._figure_keys)
        data, metadata = image_bundle(png, alt)
        self._live.finish({**data, "text/plain": repr(self._figure)}, metadata=metadata)
