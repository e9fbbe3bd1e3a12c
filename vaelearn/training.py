"""Training helpers: a length in gradient updates, KL annealing and a clear stop on NaN losses."""

import math

import keras
import numpy as np

from .errors import TrainingDivergedError


def epochs_for(n_examples, *, batch_size, updates):
    """The number of epochs that makes about ``updates`` gradient updates (one per batch).

    Counting training in updates gives a small dataset as much training as a large one:
    2,000 updates at batch 64 are 16 epochs of 8,000 images but 89 epochs of 1,437.
    """
    updates_per_epoch = math.ceil(n_examples / batch_size)
    return max(1, round(updates / updates_per_epoch))


class KLAnnealing(keras.callbacks.Callback):
    """Raise the model's ``beta`` from ``start`` to ``stop`` over ``epochs`` epochs.

    beta is set at the start of each epoch and kept for the whole epoch, so the history's
    ``loss`` still equals ``reconstruction_loss + beta * kl_loss``; the value used is
    logged as ``beta``. ``schedule``: "linear", "logistic" or "cyclical" (``cycles``
    linear ramps, each rising over the first half of its cycle).
    """

    def __init__(self, epochs, start=0.0, stop=1.0, schedule="linear", cycles=4):
        super().__init__()
        if schedule not in ("linear", "logistic", "cyclical"):
            raise ValueError(f"Unknown schedule {schedule!r}; choose linear, logistic or cyclical.")
        self.epochs, self.start, self.stop = epochs, start, stop
        self.schedule, self.cycles = schedule, cycles

    def value(self, epoch):
        """beta for a 0-based ``epoch``."""
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
