"""Exceptions that tell a learner what went wrong and how to fix it."""

__all__ = ["CorruptCacheError", "DatasetUnavailableError", "TrainingDivergedError",
           "UnknownDatasetError", "VaelearnError"]


class VaelearnError(Exception):
    """Base class for every error vaelearn raises on purpose."""


class UnknownDatasetError(VaelearnError, ValueError):
    """A dataset name that vaelearn does not know."""


class DatasetUnavailableError(VaelearnError, RuntimeError):
    """A dataset that is not on disk and cannot (or may not) be downloaded now."""


class CorruptCacheError(DatasetUnavailableError):
    """A cached dataset file whose checksum or format is wrong."""


class TrainingDivergedError(VaelearnError, FloatingPointError):
    """The training loss became NaN or infinite.

    ``history`` is the ``keras.callbacks.History`` of the interrupted ``fit`` (its epochs
    completed before the loss diverged), or None.
    """

    history = None


class UnwritablePathError(VaelearnError, OSError):
    """A file or folder vaelearn cannot write: read-only, full, or the wrong kind of path."""


class ModelFileError(VaelearnError, ValueError):
    """A path that cannot hold or does not hold a saved vaelearn model."""
