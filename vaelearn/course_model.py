"""What every model of the course shares: the objective, training with the course's defaults
and displays, and a save that never loses a model.

Subclasses (:mod:`vaelearn.models`, :mod:`vaelearn.sequence`) define ``call``, which returns
a dict with the decoder's raw output (``"reconstruction"``), what it reconstructs
(``"target"``) and, for a variational model, the posterior's ``"z_mean"`` and
``"z_log_var"``; ``decoder_log_likelihood``, which reads the decoder's output as a
likelihood; and ``keras_data``, which checks a learner's data and puts it in the form
``call`` takes.
"""

import keras
from keras import ops

from . import saving
from .backend import steps_per_execution
from .defaults import BATCH_SIZE, LEARNING_RATE, STEPS_PER_EXECUTION, WARMUP_STEPS
from .objectives import negative_elbo
from .training import fit_with_course_callbacks
from .validation import check_batch_size, is_array_like

__all__ = ["CourseModel"]


class CourseModel(keras.Model):
    """A Keras model with the course's objective, defaults and safeguards.

    - ``compute_loss`` is the course's objective, :func:`~vaelearn.objectives.negative_elbo`
      (loss = reconstruction_loss + beta * kl_loss; the reconstruction term alone for a model
      without a posterior), plus every penalty its layers add (``self.losses``: weight
      regularizers, ``add_loss``). The history logs ``reconstruction_loss`` and, for a
      variational model, ``kl_loss``.
    - ``fit`` and ``evaluate`` take Keras' arguments, check the data first (see
      ``keras_data``), default to ``batch_size=``:data:`~vaelearn.defaults.BATCH_SIZE` for
      arrays, show the course's training display and stop cleanly if the loss diverges.
    - ``save`` writes the ``.keras`` file atomically.

    Parameters
    ----------
    beta : float, optional
        Weight of the KL term: given for a variational model, None for one without a
        posterior. A non-trainable variable, which a callback may ``assign``.
    free_bits : float
        Nats per latent dimension below which the KL is not penalised.
    seed : int, optional
        Seeds the model's own draws while it trains (see :mod:`vaelearn.randomness`).
    """

    def __init__(self, *, beta=None, free_bits=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.free_bits = float(free_bits)
        self.variational = beta is not None
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        if self.variational:
            self.beta = self.add_weight(shape=(), name="beta", trainable=False,
                                        initializer=keras.initializers.Constant(beta))
            self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    def build(self, input_shape=None):
        # The networks are built at construction.
        self.built = True

    def decoder_log_likelihood(self, x, decoder_output):
        """log p(x|z) per example in nats, read from the decoder's raw output.

        Parameters
        ----------
        x : tensor, shape (n, ...)
            What the decoder reconstructs.
        decoder_output : tensor
            The decoder's output for the codes of ``x``.

        Returns
        -------
        tensor, shape (n,)
            Differentiable.
        """
        raise NotImplementedError

    def keras_data(self, x, y=None, *, sample_weight=None):
        """Check a learner's data and return it as Keras' ``fit`` and ``evaluate`` take it.

        Parameters
        ----------
        x : array_like, tensor or dataset
        y : array_like, optional
            Labels, for a conditional model.
        sample_weight : array_like, optional
            Weights of the examples (Keras needs targets to carry them).

        Returns
        -------
        inputs, targets
        """
        raise NotImplementedError

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        log_likelihood = self.decoder_log_likelihood(y_pred["target"], y_pred["reconstruction"])
        loss, reconstruction, kl = negative_elbo(
            log_likelihood, z_mean=y_pred.get("z_mean"), z_log_var=y_pred.get("z_log_var"),
            beta=self.beta if self.variational else 0.0, free_bits=self.free_bits,
            sample_weight=sample_weight)
        batch = ops.shape(y_pred["target"])[0]
        self.reconstruction_loss_tracker.update_state(reconstruction, sample_weight=batch)
        if kl is not None:
            self.kl_loss_tracker.update_state(kl, sample_weight=batch)
        for penalty in self.losses:
            loss = loss + ops.cast(ops.sum(penalty), "float32")
        return loss

    def _validation_data(self, validation_data):
        """Keras' ``(x_val, y_val)`` form, from that tuple or from plain validation examples."""
        if validation_data is None:
            return None
        if not isinstance(validation_data, tuple):  # an array, or a list of sentences
            validation_data = (validation_data,)
        return self.keras_data(*validation_data)

    def _batch_size(self, x, batch_size):
        if batch_size is None and (isinstance(x, (list, tuple)) or is_array_like(x)):
            return BATCH_SIZE
        if batch_size is not None:
            check_batch_size(batch_size)
        return batch_size

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """``keras.Model.fit``, with the course's checks, defaults and displays.

        Takes Keras' arguments in Keras' order. ``x`` (and, for a conditional model, its
        labels ``y``) are checked first: arrays and tensors whole (shape, finite values, the
        likelihood's range), a ``tf.data.Dataset`` or ``keras.utils.PyDataset`` on its
        first batch; a generator cannot be checked without consuming it, and a warning says
        so. ``batch_size`` defaults to :data:`~vaelearn.defaults.BATCH_SIZE` for arrays;
        ``validation_data`` may be a plain array; ``sample_weight`` ``(n,)`` weights each
        example's loss (:func:`~vaelearn.objectives.batch_mean`).

        ``verbose="auto"`` shows the course's training display
        (:class:`~vaelearn.training_display.TrainingProgress`: in a notebook, a progress bar
        that ends as a one-line summary); 0 trains silently, 1 or 2 prints as Keras does,
        and ``VAELEARN_TRAINING_DISPLAY=0`` makes silence the default. If the loss becomes
        NaN or infinite, :class:`~vaelearn.training.NaNGuard` restores the last finite
        weights and raises :class:`~vaelearn.errors.TrainingDivergedError`.

        Returns
        -------
        keras.callbacks.History
        """
        x, y = self.keras_data(x, y, sample_weight=sample_weight)
        return fit_with_course_callbacks(
            super().fit, x, y, batch_size=self._batch_size(x, batch_size), epochs=epochs,
            verbose=verbose, callbacks=callbacks, validation_split=validation_split,
            validation_data=self._validation_data(validation_data), shuffle=shuffle,
            class_weight=class_weight, sample_weight=sample_weight, initial_epoch=initial_epoch,
            steps_per_epoch=steps_per_epoch, validation_steps=validation_steps,
            validation_batch_size=validation_batch_size, validation_freq=validation_freq)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """``keras.Model.evaluate``, with ``fit``'s checks and labels (``y``) taken the same
        way. Returns the loss and the logged terms, as Keras does."""
        x, y = self.keras_data(x, y, sample_weight=sample_weight)
        verbose = 0 if verbose == "auto" else verbose
        return super().evaluate(x, y, batch_size=self._batch_size(x, batch_size),
                                verbose=verbose, sample_weight=sample_weight, steps=steps,
                                callbacks=callbacks, return_dict=return_dict, **kwargs)

    def compile_with_defaults(self, *, learning_rate=LEARNING_RATE, warmup_steps=WARMUP_STEPS):
        """Compile with the course's defaults (:mod:`vaelearn.defaults`).

        Adam whose learning rate rises linearly from 0 to ``learning_rate`` over the first
        ``warmup_steps`` updates and then stays there (``warmup_steps=0``: constant from the
        start), and :data:`~vaelearn.defaults.STEPS_PER_EXECUTION` training steps per
        compiled call where the backend allows it (not on PyTorch); batch-level callbacks
        then run once per that many batches.

        Parameters
        ----------
        learning_rate : float
        warmup_steps : int
        """
        if warmup_steps:
            # A cosine decay from the target to alpha * target = the target is constant:
            # only its linear warmup acts.
            learning_rate = keras.optimizers.schedules.CosineDecay(
                0.0, decay_steps=1, alpha=1.0, warmup_target=learning_rate,
                warmup_steps=warmup_steps)
        self.compile(optimizer=keras.optimizers.Adam(learning_rate),
                     steps_per_execution=steps_per_execution(STEPS_PER_EXECUTION))

    def save(self, filepath, overwrite=True, **kwargs):
        """Save the model as a ``.keras`` file, atomically: a save that is interrupted or
        fails (kill -9, full disk) leaves any earlier file at ``filepath`` as it was.
        See ``keras.Model.save``; load it back with :func:`vaelearn.saving.load_model`."""
        with saving.model_file(filepath, overwrite=overwrite) as tmp:
            super().save(tmp, **kwargs)

    def get_config(self):
        config = {**super().get_config(), "seed": self.seed}
        if self.variational:
            config.update(beta=float(ops.convert_to_numpy(self.beta)), free_bits=self.free_bits)
        return config
