"""Training helpers: a length in gradient updates, KL annealing, and a stop on NaN losses that
keeps the model."""

import math
import time

import keras
import numpy as np

from . import training_display
from .errors import TrainingDivergedError

__all__ = ["KLAnnealing", "NaNGuard", "epochs_for", "fit_with_course_callbacks"]


def epochs_for(n_examples, *, batch_size, updates):
    """The number of epochs that makes about ``updates`` gradient updates (one per batch).

    Counting training in updates gives a small dataset as much training as a large one:
    2,000 updates at batch 64 are 16 epochs of 8,000 images but 89 epochs of 1,437.

    Parameters
    ----------
    n_examples : int
        Training examples.
    batch_size : int
    updates : int
        Gradient updates wanted.

    Returns
    -------
    int
        At least 1.
    """
    updates_per_epoch = math.ceil(n_examples / batch_size)
    return max(1, round(updates / updates_per_epoch))


def fit_with_course_callbacks(fit, *args, callbacks=None, verbose="auto", **kwargs):
    """Call a ``keras.Model.fit`` (``fit``) with the course's callbacks added.

    With ``verbose="auto"``, a :class:`~vaelearn.training_display.TrainingProgress` display
    replaces Keras' printing (unless ``VAELEARN_TRAINING_DISPLAY=0``); a :class:`NaNGuard`
    stops a diverged run with the last finite weights. If training ends in an error
    (Ctrl-C, a diverged loss), the displays end too, saying why.

    Parameters
    ----------
    fit : callable
        ``keras.Model.fit`` of the model (``super().fit`` in a subclass).
    *args, **kwargs
        ``fit``'s arguments.
    callbacks : list of keras.callbacks.Callback, optional
    verbose : {"auto", 0, 1, 2}

    Returns
    -------
    keras.callbacks.History
    """
    callbacks = list(callbacks or [])
    if verbose == "auto":
        verbose = 0
        if training_display.shown_by_default() and not any(
                isinstance(callback, training_display.TrainingProgress) for callback in callbacks):
            callbacks.append(training_display.TrainingProgress())
    if not any(isinstance(callback, NaNGuard) for callback in callbacks):
        callbacks.append(NaNGuard())
    try:
        return fit(*args, callbacks=callbacks, verbose=verbose, **kwargs)
    except BaseException as error:
        training_display.end_displays(callbacks, error)
        raise


class KLAnnealing(keras.callbacks.Callback):
    """Raise the model's ``beta`` from ``start`` to ``stop`` over ``epochs`` epochs.

    beta is set at the start of each epoch and kept for the whole epoch, so the history's
    ``loss`` still equals ``reconstruction_loss + beta * kl_loss``; the value used is
    logged as ``beta``.

    Parameters
    ----------
    epochs : int
        Epochs over which beta rises (or, for "cyclical", the whole schedule).
    start, stop : float
        beta at the first epoch and at the end of the rise.
    schedule : {"linear", "logistic", "cyclical"}
        The shape of the rise; "cyclical" repeats ``cycles`` linear ramps, each rising over
        the first half of its cycle.
    cycles : int
        Ramps of the "cyclical" schedule.
    """

    def __init__(self, epochs, *, start=0.0, stop=1.0, schedule="linear", cycles=4):
        super().__init__()
        if schedule not in ("linear", "logistic", "cyclical"):
            raise ValueError(f"Unknown schedule {schedule!r}; choose linear, logistic or cyclical.")
        self.epochs, self.start, self.stop = epochs, start, stop
        self.schedule, self.cycles = schedule, cycles

    def value(self, epoch):
        """beta during an epoch.

        Parameters
        ----------
        epoch : int
            0-based.

        Returns
        -------
        float
        """
        progress = min(1.0, epoch / max(1, self.epochs - 1))
        if self.schedule == "logistic":
            progress = 1.0 / (1.0 + math.exp(-12.0 * (progress - 0.5)))
        elif self.schedule == "cyclical":
            period = self.epochs / self.cycles
            progress = min(1.0, (epoch % period) / (period / 2))
        return self.start + (self.stop - self.start) * progress

    def on_epoch_begin(self, epoch, logs=None):
        self.model.beta.assign(self.value(epoch))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["beta"] = float(self.model.beta.numpy())


class NaNGuard(keras.callbacks.Callback):
    """Stop training at the first NaN or infinite loss and put back the last finite weights.

    Keras reports the loss after each compiled call of the training step, that is every
    ``steps_per_execution`` batches; by the time a NaN shows, the weights are usually NaN
    too. So the guard keeps a copy (NumPy arrays) of the weights and the optimizer state:
    one at the start of ``fit``, then after checks whose loss and values are finite, as
    often as ``max_overhead`` allows. When the loss becomes NaN or infinite it restores the
    last copy and raises :class:`TrainingDivergedError`, whose message says which batch the
    restored weights come from; the epochs completed before are in ``model.history.history``
    and on the error's ``history``.

    Parameters
    ----------
    max_overhead : float or None, default 0.02
        Largest fraction of the training time spent copying (a copy takes milliseconds, a
        few batches of a small model): a check comes too soon after the last copy is not
        copied. None copies after every check.
    """

    def __init__(self, *, max_overhead=0.02):
        super().__init__()
        self.max_overhead = max_overhead

    def on_train_begin(self, logs=None):
        optimizer = self.model.optimizer
        if optimizer is not None and not optimizer.built:
            optimizer.build(self.model.trainable_variables)  # so that its state is copied too
        self._epoch, self._last_batch = 0, -1
        self._snapshot = None
        self._take_snapshot("at the start of this fit() call")

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch, self._last_batch = epoch, -1

    def on_train_batch_end(self, batch, logs=None):
        # With steps_per_execution > 1 Keras passes the last batch index the call could
        # have reached, past the end of a short epoch.
        steps = self.params.get("steps")
        first, self._last_batch = self._last_batch + 1, min(batch, steps - 1) if steps else batch
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        if not np.isfinite(loss):
            self._restore_and_stop(loss, first)
        elif self.max_overhead is None or (
                time.perf_counter() - self._snapshot_end >= self._snapshot_seconds / self.max_overhead):
            self._take_snapshot(f"after batch {self._last_batch + 1} of epoch {self._epoch + 1}")

    def _take_snapshot(self, when):
        start = time.perf_counter()
        model = self.model  # on JAX, reading it brings the variables up to date
        weights = model.get_weights()
        variables = list(model.optimizer.variables) if model.optimizer is not None else []
        state = [variable.numpy() for variable in variables]
        if all(np.isfinite(a).all() for a in weights + state if a.dtype.kind in "fc"):
            self._snapshot = (when, weights, variables, state)
        self._snapshot_end = time.perf_counter()
        self._snapshot_seconds = self._snapshot_end - start

    def _restore_and_stop(self, loss, first):
        if self._snapshot is None:  # the model came to fit() with NaN or infinite values
            restored = ("No finite weights were seen in this fit() call, so they were left as "
                        "they are: rebuild the model")
        else:
            when, weights, variables, state = self._snapshot
            self.model.set_weights(weights)
            for variable, value in zip(variables, state):
                variable.assign(value)
            restored = (f"The weights and optimizer state were put back as they were {when} "
                        "(the last finite copy kept)")
        last = self._last_batch
        if first == last:
            where = f"at batch {last + 1}"
        else:
            where = (f"in batches {first + 1}-{last + 1} (Keras reports the loss every "
                     f"{self.model.steps_per_execution} batches, its steps_per_execution)")
        history = getattr(self.model, "history", None)
        done = len(history.epoch) if history is not None else 0
        kept = (f"the history of the {done} completed epoch{'s' * (done != 1)} is in "
                "model.history.history" if done else "no epoch was completed, so there is no history")
        lr = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
        error = TrainingDivergedError(
            f"The training loss became {loss} in epoch {self._epoch + 1}, {where}. Try a smaller "
            f"learning rate (it is {lr:g}), check that the inputs are finite and scaled to "
            f"[0, 1], or use a smaller beta. {restored}; {kept}."
        )
        error.history = history
        raise error
