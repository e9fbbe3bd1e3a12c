"""The answers of notebook 05's exercises: their reference solutions and classic mistakes."""

import keras
from keras import layers, ops

from ..engine import reference

__all__ = []  # reached by name: vaelearn.exercises.get(...).reference and .mistakes


@reference("scratch_encoder")
def build_encoder(input_shape, latent_dim):
    x = keras.Input(input_shape)
    h = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(x)
    h = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(h)
    h = layers.Dense(16, activation="relu")(layers.Flatten()(h))
    return keras.Model(x, [layers.Dense(latent_dim)(h), layers.Dense(latent_dim)(h)])


@reference("scratch_sampling")
class Sampling(layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        eps = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * eps


@reference("scratch_decoder")
def build_decoder(latent_dim, output_shape):
    z = keras.Input((latent_dim,))
    h = layers.Dense(output_shape[0] // 4 * output_shape[1] // 4 * 64, activation="relu")(z)
    h = layers.Reshape((output_shape[0] // 4, output_shape[1] // 4, 64))(h)
    h = layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu")(h)
    h = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(h)
    return keras.Model(z, layers.Conv2DTranspose(output_shape[-1], 3, padding="same")(h))


@reference("scratch_vae")
class ScratchVAE(keras.Model):
    def __init__(self, encoder, decoder, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.sampling = Sampling(seed=seed)

    def call(self, x, training=False):
        z_mean, z_log_var = self.encoder(x)
        return self.decoder(self.sampling([z_mean, z_log_var])), z_mean, z_log_var

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        logits, z_mean, z_log_var = y_pred
        cross_entropy = ops.sum(ops.softplus(logits) - x * logits, axis=(1, 2, 3))
        kl = 0.5 * ops.sum(ops.square(z_mean) + ops.exp(z_log_var) - z_log_var - 1, axis=1)
        return ops.mean(cross_entropy + kl)
