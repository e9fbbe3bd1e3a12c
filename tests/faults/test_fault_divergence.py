"""A diverging fit stops at the first non-finite loss and puts back the last finite weights.

Before: NaNGuard looked every 16 batches (steps_per_execution), found every weight NaN,
said they were "left as they were after the last batch" and named batch 15 of a 2-batch
epoch. A model trained well, then pushed to lr 1e4, was lost.
"""

import re

import keras
import numpy as np
import pytest

from vaelearn import backend
from vaelearn.errors import TrainingDivergedError
from vaelearn.models import make_vae
from vaelearn.training import NaNGuard

BOMB = 1e4  # a learning rate that sends the weights, then the loss, to inf and NaN


@pytest.fixture
def x(digits):
    return digits.x_train[:256]  # 4 batches of 64 per epoch


def trained(x, steps_per_execution=16):
    vae = make_vae(x.shape[1:], latent_dim=2, seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(2.5e-3),
                steps_per_execution=backend.steps_per_execution(steps_per_execution))
    vae.fit(x, epochs=2, batch_size=64, verbose=0)
    return vae


def values(variables):
    return [keras.ops.convert_to_numpy(v) for v in variables]


def assert_same(got, want):
    assert len(got) == len(want)
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)


def test_a_model_pushed_to_a_huge_learning_rate_is_not_lost(x):
    if backend.steps_per_execution(16) == 1:
        # One step per call: the guard sees the finite (already damaged) weights after the
        # first huge step and keeps them; the last-finite rule is tested for 1 step below.
        pytest.skip(f"the {backend.name()} backend runs one step per compiled call")
    vae = trained(x)
    reconstructions = vae.reconstruct(x)
    vae.optimizer.learning_rate.assign(BOMB)
    weights, state = vae.get_weights(), values(vae.optimizer.variables)

    with pytest.raises(TrainingDivergedError) as info:
        vae.fit(x, epochs=3, batch_size=64, verbose=0)

    assert_same(vae.get_weights(), weights)
    assert_same(values(vae.optimizer.variables), state)  # iterations, moments, learning rate
    np.testing.assert_array_equal(vae.reconstruct(x), reconstructions)
    message = str(info.value)
    assert "in epoch 1, in batches 1-4 (Keras reports the loss every 16 batches" in message
    assert "batch 15" not in message and "batch 16" not in message
    assert "put back as they were at the start of this fit() call" in message
    assert "no epoch was completed" in message
    assert "left as they were after the last batch" not in message


@pytest.mark.parametrize("steps_per_execution", [1, 16])
def test_the_weights_put_back_are_the_last_finite_ones_seen(digits, steps_per_execution):
    if backend.steps_per_execution(steps_per_execution) != steps_per_execution:
        pytest.skip(f"the {backend.name()} backend runs one step per compiled call")
    x = digits.x_train[:1024]  # 64 batches of 16
    vae = trained(x, steps_per_execution)
    seen = []

    class Record(keras.callbacks.Callback):
        """Every check whose loss, weights and optimizer state are all finite."""

        def on_train_batch_end(self, batch, logs=None):
            weights, state = self.model.get_weights(), values(self.model.optimizer.variables)
            if np.isfinite(logs["loss"]) and all(np.isfinite(a).all() for a in weights + state):
                seen.append((batch, weights, state))

    class BombAfterTwoChecks(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if len(seen) == 2:
                self.model.optimizer.learning_rate.assign(BOMB)

    with pytest.raises(TrainingDivergedError) as info:
        vae.fit(x, epochs=1, batch_size=16, verbose=0,
                callbacks=[Record(), NaNGuard(max_overhead=None), BombAfterTwoChecks()])

    batch, weights, state = seen[-1]
    assert all(np.isfinite(w).all() for w in vae.get_weights())
    assert_same(vae.get_weights(), weights)
    assert_same(values(vae.optimizer.variables), state)
    assert f"as they were after batch {batch + 1} of epoch 1 " in str(info.value)


def test_the_history_of_completed_epochs_is_where_the_message_says(x):
    vae = trained(x)

    class BombInEpochThree(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                self.model.optimizer.learning_rate.assign(BOMB)

    with pytest.raises(TrainingDivergedError) as info:
        vae.fit(x, epochs=5, batch_size=64, verbose=0,
                callbacks=[NaNGuard(max_overhead=None), BombInEpochThree()])

    message = str(info.value)
    assert "in epoch 3," in message
    assert "the history of the 2 completed epochs is in model.history.history" in message
    assert info.value.history is vae.history
    assert len(vae.history.history["loss"]) == 2 and np.isfinite(vae.history.history["loss"]).all()
    if backend.steps_per_execution(16) == 16:  # one check per 4-batch epoch
        assert "as they were after batch 4 of epoch 2 " in message  # the last check before
    else:  # a check after every batch; the first huge step can leave finite weights
        assert re.search(r"as they were after batch \d of epoch [23] ", message), message
    assert all(np.isfinite(w).all() for w in vae.get_weights())



def test_a_model_that_comes_with_nan_weights_is_not_said_to_be_restored(x):
    vae = trained(x)
    vae.set_weights([np.full_like(w, np.nan) for w in vae.get_weights()])
    with pytest.raises(TrainingDivergedError, match="No finite weights were seen in this fit"):
        vae.fit(x, epochs=1, batch_size=64, verbose=0)
