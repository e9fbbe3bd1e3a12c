"""The training display that ``fit`` shows without ``verbose``, and the live curves, outside
a notebook (tests/test_progress_notebook.py runs them in a real kernel)."""

import io
import re
import time

import keras
import pytest

from vaelearn import training_display
from vaelearn.errors import TrainingDivergedError
from vaelearn.models import make_vae
from vaelearn.training_display import LiveCurves, TrainingProgress


@pytest.fixture
def vae(digits):
    return make_vae(digits.example_shape, latent_dim=2, seed=0)


def test_fit_without_verbose_prints_one_summary_line_with_the_last_epoch(vae, digits, capsys):
    history = vae.fit(digits.x_train, epochs=2, batch_size=64, validation_data=digits.x_test)

    out, err = capsys.readouterr()
    assert err == ""  # no bar: pytest's stderr is not a terminal
    (line,) = out.splitlines()
    logs = {key: values[-1] for key, values in history.history.items()}
    assert re.match(rf"{vae.name}: 2 epochs, 46 steps in \d+\.\d s · ", line), line
    names = ["loss", "reconstruction_loss", "kl_loss", "val_loss", "val_reconstruction_loss",
             "val_kl_loss"]
    assert line.split(" · ")[1:] == [f"{name} {logs[name]:.4g}" for name in names]


@pytest.mark.parametrize("how", ["verbose=0", "VAELEARN_TRAINING_DISPLAY=0"])
def test_verbose_0_or_the_environment_variable_train_silently(vae, digits, capsys, monkeypatch, how):
    kwargs = {"verbose": 0} if how == "verbose=0" else {}
    if how == "VAELEARN_TRAINING_DISPLAY=0":
        monkeypatch.setenv("VAELEARN_TRAINING_DISPLAY", "0")
    vae.fit(digits.x_train, epochs=1, batch_size=64, **kwargs)
    assert capsys.readouterr() == ("", "")


def test_the_old_environment_variable_still_silences_fit_with_a_warning(vae, digits, capsys,
                                                                        monkeypatch):
    monkeypatch.delenv("VAELEARN_TRAINING_DISPLAY", raising=False)
    monkeypatch.setenv("VAELEARN_PROGRESS", "0")
    with pytest.warns(DeprecationWarning, match=r"\$VAELEARN_PROGRESS is now \$VAELEARN_TRAINING_DISPLAY"):
        vae.fit(digits.x_train, epochs=1, batch_size=64)
    assert capsys.readouterr() == ("", "")


def test_an_explicit_verbose_keeps_keras_own_printing(vae, digits, capsys):
    vae.fit(digits.x_train, epochs=1, batch_size=64, verbose=2)
    out = capsys.readouterr().out
    assert out.startswith("23/23 - ") and f"{vae.name}:" not in out  # Keras' epoch line


def test_a_diverged_fit_still_ends_with_its_summary_line(digits, capsys):
    vae = make_vae(digits.example_shape, latent_dim=2, likelihood="gaussian", learning_rate=1e30)
    with pytest.raises(TrainingDivergedError):
        vae.fit(digits.x_train, epochs=3, batch_size=64)
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{vae.name}: 0 of 3 epochs, ")
    assert "(stopped by TrainingDivergedError)" in line


class RecordingBar:
    """Stands in for a tqdm bar; records each redraw's step count."""

    def __init__(self):
        self.n, self.draws, self.closed = 0, [], False
        self.description = self.postfix = ""

    def set_description_str(self, text, refresh=True):
        self.description = text

    def set_postfix_str(self, text, refresh=True):
        self.postfix = text

    def update(self, n):
        self.n += n
        self.refresh()

    def refresh(self):
        self.draws.append((time.monotonic(), self.n))

    def close(self):
        self.closed = True


def test_the_display_is_redrawn_at_most_once_per_refresh_interval(vae, digits, monkeypatch,
                                                                  capsys):
    bar = RecordingBar()
    monkeypatch.setattr(training_display, "_open_bar", lambda total: (bar, None))
    vae.compile(optimizer="adam", steps_per_execution=1)  # a batch callback per batch
    shown = TrainingProgress(refresh_interval=0.25)
    vae.fit(digits.x_train, epochs=2, batch_size=8, callbacks=[shown])

    times, steps = zip(*bar.draws)
    assert len(times) >= 2 and list(steps) == sorted(steps)
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.25
    assert bar.closed and bar.postfix.startswith("loss ")
    assert bar.description in (f"{vae.name} epoch 1/2", f"{vae.name} epoch 2/2")
    # 1,437 digits in batches of 8: 180 steps an epoch; the last redraw may be skipped, the
    # summary line that replaces the bar counts them all.
    assert bar.n <= 360 and ", 360 steps in " in capsys.readouterr().out


def test_on_a_terminal_the_bar_stays_on_one_line_of_stderr(vae, digits, capsys, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    vae.fit(digits.x_train, epochs=2, batch_size=64)

    assert f"{vae.name} epoch " in terminal.getvalue() and "\r" in terminal.getvalue()
    assert "\n" not in terminal.getvalue()  # redrawn in place with carriage returns
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{vae.name}: 2 epochs, ")


def test_live_curves_draw_nothing_outside_a_notebook(vae, digits, monkeypatch):
    def fail(self):
        raise AssertionError("drew a figure outside a notebook")

    monkeypatch.setattr(LiveCurves, "figure_png", fail)
    vae.fit(digits.x_train, epochs=2, batch_size=64, verbose=0, callbacks=[LiveCurves()])


class RecordingOutput:
    """Stands in for vaelearn.display.LiveOutput."""

    def __init__(self, widget):
        self.widget, self.bundle, self.metadata = widget, None, None

    def finish(self, bundle, *, metadata=None):
        self.bundle, self.metadata = bundle, metadata


def test_live_curves_draw_the_first_and_last_epoch_and_keep_to_their_share(vae, digits,
                                                                            monkeypatch):
    monkeypatch.setattr(training_display, "in_kernel", lambda: True)
    monkeypatch.setattr(training_display, "LiveOutput", RecordingOutput)
    draws = []
    figure_png = LiveCurves.figure_png

    def timed_figure_png(self):
        start = time.perf_counter()
        png = figure_png(self)
        draws.append((start, time.perf_counter(), len(self._history["loss"])))
        return png

    monkeypatch.setattr(LiveCurves, "figure_png", timed_figure_png)
    curves = LiveCurves(max_overhead=0.2)
    start = time.perf_counter()
    vae.fit(digits.x_train, epochs=8, batch_size=64, verbose=0,
            validation_data=digits.x_test, callbacks=[curves])
    elapsed = time.perf_counter() - start

    assert draws[0][2] == 1 and draws[-1][2] == 8  # the first epoch, and all at the end
    for (start, end, _), (next_start, _, _) in zip(draws[:-2], draws[1:-1]):
        assert next_start - end >= (end - start) / 0.2  # a redraw waits out its share
    assert len(draws) < 8
    assert sum(end - start for start, end, _ in draws[1:-1]) <= 0.2 * elapsed
    bundle = curves._live.bundle
    assert bundle["text/plain"] == "<CourseFigure size 864x216 with 3 Axes>"
    assert bundle["image/png"].startswith("iVBORw0KGgo")  # base64 of the PNG signature
    assert curves._live.widget.format == "png"


def test_live_curves_plot_the_chosen_keys_over_the_planned_epochs(vae, digits, monkeypatch):
    monkeypatch.setattr(training_display, "in_kernel", lambda: True)
    monkeypatch.setattr(training_display, "LiveOutput", RecordingOutput)
    curves = LiveCurves(keys=["kl_loss"])
    vae.fit(digits.x_train, epochs=3, batch_size=64, verbose=0, callbacks=[curves])
    assert curves._live.bundle["text/plain"] == "<CourseFigure size 288x216 with 1 Axes>"
    # The last drawing's alt text counts every epoch, not those of the first drawing.
    assert curves._live.metadata == {"image/png": {
        "alt": "Training curves over 3 epochs, value against epoch, 1 panel: kl_loss."}}


def test_shown_by_default_reads_the_environment(monkeypatch):
    monkeypatch.delenv("VAELEARN_PROGRESS", raising=False)
    monkeypatch.delenv("VAELEARN_TRAINING_DISPLAY", raising=False)
    assert training_display.ENVIRONMENT_VARIABLE == "VAELEARN_TRAINING_DISPLAY"
    assert training_display.shown_by_default() is True  # unset
    for value, shown in [("", True), ("1", True), ("0", False), ("off", False), ("False", False)]:
        monkeypatch.setenv("VAELEARN_TRAINING_DISPLAY", value)
        assert training_display.shown_by_default() is shown


def test_the_old_environment_variable_is_read_with_a_warning_unless_the_new_one_is_set(monkeypatch):
    monkeypatch.delenv("VAELEARN_TRAINING_DISPLAY", raising=False)
    for value, shown in [("", True), ("1", True), ("0", False), ("off", False), ("False", False)]:
        monkeypatch.setenv("VAELEARN_PROGRESS", value)
        with pytest.warns(DeprecationWarning, match="VAELEARN_TRAINING_DISPLAY"):
            assert training_display.shown_by_default() is shown
    monkeypatch.setenv("VAELEARN_PROGRESS", "0")
    monkeypatch.setenv("VAELEARN_TRAINING_DISPLAY", "1")  # the new name wins, without a warning
    assert training_display.shown_by_default() is True


def test_a_callback_of_the_caller_replaces_the_default_display(vae, digits, capsys):
    mine = TrainingProgress()
    vae.fit(digits.x_train, epochs=1, batch_size=64, callbacks=[mine])
    assert len(capsys.readouterr().out.splitlines()) == 1
    assert isinstance(mine, keras.callbacks.Callback)


def test_the_anomaly_detector_shows_its_training_unless_told_otherwise(digits, capsys):
    from sklearn.base import clone

    from vaelearn.anomaly import VAEAnomalyDetector

    detector = VAEAnomalyDetector(epochs=1, batch_size=64, latent_dim=2, hidden=(32,))
    detector.fit(digits.x_train[:256])
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{detector.model_.name}: 1 epoch, 4 steps in ")

    clone(detector).set_params(verbose=0).fit(digits.x_train[:256])
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("steps, first_epoch", [(None, 0), (5, 1)])
def test_steps_add_up_over_epochs_of_unknown_length_or_after_an_initial_epoch(
        vae, capsys, steps, first_epoch):
    shown = TrainingProgress(refresh_interval=0)
    shown.set_model(vae)
    shown.set_params({"epochs": first_epoch + 2, "steps": steps})
    shown.on_train_begin()
    for epoch in range(first_epoch, first_epoch + 2):
        shown.on_epoch_begin(epoch)
        for batch in range(5):
            shown.on_train_batch_end(batch, {"loss": 2.0})
        shown.on_epoch_end(epoch, {"loss": 1.0})
    shown.on_train_end()
    assert capsys.readouterr().out.startswith(f"{vae.name}: 2 epochs, 10 steps in ")
