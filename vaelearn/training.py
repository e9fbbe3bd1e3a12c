"""Callbacks for training VAEs: KL annealing and a clear stop on NaN losses."""

import math

import keras
import numpy as np

from .errors import TrainingDivergedError

__all__ = ["KLAnnealing", "NaNGuard"]


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

    def __init__(self, epochs, start=0.0, stop=1.0, schedule="linear", cycles=4):
        super().__init__()
        if schedule not in ("linear", "logistic", "cyclical"):
            raise ValueError(f"Unknown schedule {schedule!r}; choose linear, logistic or cyclical.")
        self.epochs, self.start, self.stop = epochs, start, stop
        self.schedule, self.cycles = schedule, cycles

    def value(self, epoch):
        """beta for a 0-based ``epoch`` (a float)."""
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
    """Stop training with :class:`TrainingDivergedError` as soon as the loss is NaN or inf."""

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(loss):
            lr = float(self.model.optimizer.learning_rate.numpy())
            raise TrainingDivergedError(
                f"The training loss became {loss} at batch {batch}. Try a smaller learning rate "
                f"(it is {lr:g}), check that the inputs are finite and scaled to [0, 1], or use "
                "a smaller beta. The weights are left as they were after the last batch."
            )
