"""Every exception and warning vaelearn raises on purpose, each telling what went wrong and
how to fix it.

They all derive from :class:`VaelearnError` (warnings from :class:`UserWarning`, a signal's
stop from :class:`KeyboardInterrupt`) and from the built-in exception a caller would expect
(``ValueError`` for bad values, ``OSError`` for files, ``MemoryError`` for data too large to
hold), so ``except ValueError`` keeps working.
"""

import signal
from pathlib import Path

__all__ = ["CorruptCacheError", "DatasetUnavailableError", "FolderNotFoundError",
           "FolderTooLargeError", "Interrupted", "ModelFileError", "NoImagesError",
           "NotAFolderError", "NotebookCopyError", "ProgressFileError", "ProgressVersionError",
           "ProgressWarning", "QuizFormatError", "SkippedFilesWarning", "TrainingDivergedError",
           "UnknownDatasetError", "UnwritablePathError", "UsageError", "VaelearnError"]


class VaelearnError(Exception):
    """Base class for every error vaelearn raises on purpose."""


class UnknownDatasetError(VaelearnError, ValueError):
    """A dataset name that vaelearn does not know."""


class DatasetUnavailableError(VaelearnError, RuntimeError):
    """A dataset that is not on disk and cannot (or may not) be downloaded now."""


class CorruptCacheError(DatasetUnavailableError):
    """A cached dataset file whose checksum or format is wrong."""


class FolderNotFoundError(VaelearnError, FileNotFoundError):
    """A folder of images that does not exist."""


class NotAFolderError(VaelearnError, NotADirectoryError):
    """A path to read images from that is a file, not a folder."""


class NoImagesError(VaelearnError, ValueError):
    """A folder that holds no image file vaelearn can read."""


class FolderTooLargeError(VaelearnError, MemoryError):
    """A folder of images whose arrays would not fit in the memory allowed for them."""


class SkippedFilesWarning(UserWarning):
    """Files of a folder of images that were left out: not images, unreadable or truncated."""


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


class QuizFormatError(VaelearnError, ValueError):
    """A quiz file is malformed.

    Parameters
    ----------
    path : str or os.PathLike
    question_id : str or None
    problem : str

    Attributes
    ----------
    path : pathlib.Path
        The offending file.
    question_id : str or None
        The question at fault (``"#3"`` for a question without a usable id),
        or None when the problem is outside the questions.
    problem : str
        What is wrong.
    """

    def __init__(self, path, question_id, problem):
        self.path = Path(path)
        self.question_id = question_id
        self.problem = problem
        where = f"question '{question_id}': " if question_id is not None else ""
        super().__init__(f"{self.path}: {where}{problem}")


class ProgressFileError(VaelearnError, ValueError):
    """A file is not a readable vaelearn progress file."""


class ProgressVersionError(ProgressFileError):
    """A progress file written by a newer vaelearn, in a format this one does not know."""


class ProgressWarning(UserWarning):
    """Progress could not be read or saved; the quiz or exercise itself still works."""


class NotebookCopyError(VaelearnError, OSError):
    """The course's notebooks cannot be found, or the destination cannot be written."""


class UsageError(VaelearnError):
    """A command line that cannot work as given, or would destroy a file."""


class Interrupted(KeyboardInterrupt):
    """A signal (Ctrl-C, SIGTERM, SIGHUP) asked a ``vaelearn`` command to stop.

    Parameters
    ----------
    signum : int
        The signal's number.
    """

    def __init__(self, signum=signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self):
        """The conventional exit status after this signal: 130 for Ctrl-C, 143 for SIGTERM."""
        return 128 + self.signum
