"""Exercise of notebook 06: a KL-annealing callback, graded by training with it."""

import keras
import numpy as np

from .engine import exercise

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)

ANNEALING_EPOCHS, TRAINING_EPOCHS = 4, 6


def _schedule(epoch, epochs):
    return min(1.0, epoch / max(1, epochs - 1))


def _trains_with_the_schedule(answer, *, seed=6):
    """Train a tiny VAE for 6 epochs with ``answer(4)``; None if beta followed the linear
    schedule during each epoch and the loss used it, else what is wrong."""
    from ..models import make_vae

    data = np.random.default_rng(seed).random((64, 4, 4, 1)).astype("float32")
    vae = make_vae((4, 4, 1), latent_dim=2, hidden=(8,), beta=1.0, seed=0)
    used = []

    class BetaDuringEpoch(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            beta = self.model.beta
            used.append(float(beta) if isinstance(beta, (int, float)) else
                        float(keras.ops.convert_to_numpy(beta)))

    callback = answer(ANNEALING_EPOCHS)
    if not isinstance(callback, keras.callbacks.Callback):
        return (f"{type(callback).__name__}({ANNEALING_EPOCHS}) is not a Keras callback.",
                "Subclass keras.callbacks.Callback, as the template does.")
    logs = vae.fit(data, epochs=TRAINING_EPOCHS, batch_size=16, verbose=0,
                   callbacks=[callback, BetaDuringEpoch()]).history
    expected = [_schedule(e, ANNEALING_EPOCHS) for e in range(TRAINING_EPOCHS)]
    shown = ", ".join(f"{b:.2f}" for b in used)
    if used[0] != 0.0:
        hint = ("beta must be set when each epoch begins; the first epoch ran with the model's "
                "initial beta." if used[0] == 1.0 else "beta starts at 0 in the first epoch.")
        return f"During the epochs beta was {shown}; the first epoch must train at beta = 0.", hint
    if not np.allclose(used, expected, atol=1e-6):
        if used[ANNEALING_EPOCHS - 1] < 1.0 - 1e-6:
            hint = (f"beta must reach 1 in the last of the {ANNEALING_EPOCHS} annealing epochs "
                    f"(epoch index {ANNEALING_EPOCHS - 1}): how many steps lie between 0 and 1?")
        elif max(used) > 1.0 + 1e-6:
            hint = "beta must stop at 1: the plain ELBO, not beyond."
        else:
            hint = "beta rises by the same step each epoch."
        return (f"During the epochs beta was {shown}; the schedule is "
                f"{', '.join(f'{b:.2f}' for b in expected)}."), hint
    trained = np.add(logs["reconstruction_loss"], np.multiply(expected, logs["kl_loss"]))
    if not np.allclose(logs["loss"], trained, rtol=1e-4, atol=1e-4):
        return ("The model's beta attribute changed, but the training loss did not use it.",
                "beta is a Keras variable that the compiled training step reads: change its "
                "value in place (a variable has a method for that) instead of replacing it.")
    return None


exercise("kl_annealing_callback", judge=_trains_with_the_schedule)
