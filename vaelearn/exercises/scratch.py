"""Exercises of notebook 05: a VAE written from nothing, judged against vaelearn's own.

The learner writes the encoder, the sampling layer, the decoder and the VAE's loss in
Keras 3. Each judge builds vaelearn's version of the same piece and compares what the two
do: shapes and weight counts, outputs with the same weights, gradients, and the loss on
the same batch with the same noise.
"""

import keras
import numpy as np
from keras import ops

from .engine import as_numbers, exercise

__all__ = []  # exercises are reached by name: vaelearn.exercises.get(...)

SHAPE, LATENT, HIDDEN = (28, 28, 1), 2, 16  # the Keras reference VAE's sizes


def _architecture_problem(mine, ours, inputs):
    """None if ``mine`` is ours with other names: same weight shapes, same outputs once
    ours's weights are copied into it; else (message, hint)."""
    if not isinstance(mine, keras.Model):
        return f"Expected a keras.Model, got {type(mine).__name__}.", "Return keras.Model(inputs, outputs)."
    mine_shapes = [tuple(w.shape) for w in mine.weights]
    ours_shapes = [tuple(w.shape) for w in ours.weights]
    if mine_shapes != ours_shapes:
        return (f"Your model has {mine.count_params():,} weights in {len(mine_shapes)} arrays; the "
                f"architecture asks for {ours.count_params():,} in {len(ours_shapes)}.",
                "Compare your layers, in order, with the list above: filters, kernel size, "
                "strides, padding and units.")
    mine.set_weights(ours.get_weights())
    outputs = [as_numbers(o) for o in keras.tree.flatten(mine(inputs))]
    expected = [as_numbers(o) for o in keras.tree.flatten(ours(inputs))]
    if [o.shape for o in outputs] != [e.shape for e in expected]:
        return (f"Your outputs are shaped {[o.shape for o in outputs]}; expected "
                f"{[e.shape for e in expected]}.", None)
    if not all(np.allclose(o, e, rtol=1e-4, atol=1e-4) for o, e in zip(outputs, expected)):
        return ("With the same weights your model computes something else.",
                "Check the activations: ReLU after every hidden layer, none on the outputs.")
    return None


def _encodes_like_ours(answer, *, seed=5):
    from ..networks import build_encoder

    inputs = np.random.default_rng(seed).random((4, *SHAPE)).astype("float32")
    return _architecture_problem(answer(SHAPE, LATENT),
                                 build_encoder(SHAPE, LATENT, arch="conv", hidden=(HIDDEN,)), inputs)


def _decodes_like_ours(answer, *, seed=5):
    from ..networks import build_decoder

    z = np.random.default_rng(seed).normal(size=(4, LATENT)).astype("float32")
    problem = _architecture_problem(answer(LATENT, SHAPE),
                                    build_decoder(LATENT, SHAPE, arch="conv", hidden=(HIDDEN,)), z)
    if problem and problem[0].startswith("With the same weights"):
        return problem[0], ("Check the activations: ReLU after every hidden layer, and none on the "
                            "last: the loss expects logits, not probabilities.")
    return problem


def _samples_like_ours(answer, *, seed=1):
    from ..backend import value_and_grad

    layer = answer(seed=seed)
    mu = np.zeros((20000, 1), "float32")
    z = as_numbers(layer([mu, mu]))
    if z is None or z.shape != mu.shape:
        return "Calling the layer on [z_mean, z_log_var] must return z, shaped like z_mean.", None
    if abs(z.mean()) > 4 / np.sqrt(len(z)) or abs(z.std() - 1) > 0.03:
        return (f"With mu = 0 and log_var = 0, your z has mean {z.mean():.3f} and standard deviation "
                f"{z.std():.3f}; it must be N(0, 1).", "eps is a standard normal draw.")
    if np.array_equal(z, as_numbers(layer([mu, mu]))):
        return "Two calls gave the same z: the noise must be new at every call.", None
    if not np.array_equal(as_numbers(answer(seed=seed)([mu, mu])), z):
        return ("Two layers made with the same seed drew different noise.",
                "Create a keras.random.SeedGenerator(seed) in __init__ and draw with it.")
    mu, log_var = np.array([[0.3, -1.0]]), np.array([[0.5, -0.7]])
    try:
        (_, z), (d_mu, d_log_var) = value_and_grad(
            lambda m, v: (lambda z: (ops.sum(z), z))(answer(seed=seed + 1)([m, v])), mu, log_var,
            has_aux=True)
    except Exception as e:
        return (f"Gradients cannot be computed through your layer ({type(e).__name__}).",
                "Use keras.ops and keras.random, not NumPy, inside call().")
    eps = (as_numbers(z) - mu) / np.exp(0.5 * log_var)
    if not (np.allclose(d_mu, 1.0, atol=1e-4) and np.allclose(d_log_var, 0.5 * np.exp(0.5 * log_var) * eps, atol=1e-4)):
        return ("The gradients through your layer are not dz/dmu = 1 and dz/dlog_var = sigma * eps / 2.",
                "z = mu + sigma * eps, and sigma comes from log_var.")
    return None


def _loss_like_ours(answer, *, seed=3):
    from ..models import VAE
    from ..networks import build_decoder, build_encoder

    encoder = build_encoder(SHAPE, LATENT, arch="conv", hidden=(HIDDEN,))
    decoder = build_decoder(LATENT, SHAPE, arch="conv", hidden=(HIDDEN,))
    mine, ours = answer(encoder, decoder, seed=seed), VAE(encoder, decoder, seed=seed)
    if not isinstance(mine, keras.Model):
        return f"Expected a keras.Model, got {type(mine).__name__}.", None
    # A tensor, as fit passes it (NumPy on the left of `x * logits` fails with PyTorch tensors).
    x = ops.convert_to_tensor(np.random.default_rng(seed + 2).random((8, *SHAPE)), "float32")
    loss = as_numbers(mine.compute_loss(x=x, y_pred=mine(x, training=True), training=True))
    expected = as_numbers(ours.compute_loss(x=x, y_pred=ours(x, training=True), training=True))
    if loss is None or loss.shape != ():
        return "compute_loss must return one number: the loss of the batch.", None
    if np.isclose(loss, expected, rtol=1e-4):
        return None
    return (f"Your loss on a batch is {float(loss):.3f} nats; the ELBO's is {float(expected):.3f}.",
            "Per image: the cross-entropy summed over its pixels plus the KL summed over its latent "
            "dimensions; then the average over the batch. The sampling layer must be the one "
            "above, made with the seed you are given.")


exercise("scratch_encoder", judge=_encodes_like_ours)


exercise("scratch_sampling", judge=_samples_like_ours)


exercise("scratch_decoder", judge=_decodes_like_ours)


exercise("scratch_vae", judge=_loss_like_ours)
