"""Record quiz attempts in the learner's progress file.

The file is ``$VAELEARN_HOME/progress.json`` (default ``~/.vaelearn``)::

    {"format": "vaelearn-progress", "version": 1,
     "attempts": [{"quiz": "eli5", "question": "goal", "response": "B",
                   "correct": true, "time": "2025-01-31T12:00:00.123456+00:00"}]}

Each write happens under a lock file (``progress.json.lock``) and replaces the
file atomically, so concurrent notebooks never lose an attempt. A progress
file that cannot be read is moved aside with a warning; a home that cannot be
written keeps the attempts in memory for the session, with one warning.
"""

import json
import os
import tempfile
import warnings
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import VaelearnError

__all__ = [
    "Attempt",
    "ProgressFileError",
    "ProgressWarning",
    "attempts",
    "home_dir",
    "read_attempts",
    "record",
    "record_path",
]

FORMAT = "vaelearn-progress"
VERSION = 1
_LOCK_TIMEOUT_S = 30
_FIELDS = {"quiz": str, "question": str, "correct": bool, "time": str}


class ProgressFileError(VaelearnError, ValueError):
    """A file is not a readable vaelearn progress file."""


class ProgressWarning(UserWarning):
    """Progress could not be read or saved; the quiz itself still works."""


@dataclass(frozen=True)
class Attempt:
    """One graded response.

    ``response`` is canonical (see :func:`grading.normalize_response`): a
    letter, a list of letters or a float. ``time`` is ISO 8601 in UTC.
    """

    quiz: str
    question: str
    response: object
    correct: bool
    time: str

    @classmethod
    def now(cls, quiz, question, response, correct):
        """Return an attempt stamped with the current UTC time."""
        if isinstance(response, tuple):
            response = list(response)  # the JSON form, so that a round trip compares equal
        return cls(quiz, question, response, correct, datetime.now(timezone.utc).isoformat())


def home_dir():
    """Return the learner's vaelearn directory: ``$VAELEARN_HOME`` or ``~/.vaelearn``."""
    return Path(os.environ.get("VAELEARN_HOME") or Path.home() / ".vaelearn")


def record_path():
    """Return the path of the learner's progress file."""
    return home_dir() / "progress.json"


def read_attempts(path):
    """Read the attempts stored in a progress file.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    list of Attempt
        In the order they were recorded.

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    ProgressFileError
        The file is not valid JSON or not a vaelearn progress file.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProgressFileError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ProgressFileError(f"{path} is not a vaelearn progress file (no \"format\": \"{FORMAT}\")")
    if data.get("version") != VERSION or not isinstance(data.get("attempts"), list):
        raise ProgressFileError(f"{path}: unsupported progress file version {data.get('version')!r}")
    return [_attempt(path, number, entry) for number, entry in enumerate(data["attempts"], 1)]


def _attempt(path, number, entry):
    if not isinstance(entry, dict) or "response" not in entry:
        raise ProgressFileError(f"{path}: attempt {number} is not a complete record")
    for name, kind in _FIELDS.items():
        if not isinstance(entry.get(name), kind):
            raise ProgressFileError(f"{path}: attempt {number} has no valid {name!r}")
    return Attempt(**{name: entry[name] for name in ("quiz", "question", "response", "correct", "time")})


def record(attempt):
    """Append ``attempt`` to the learner's progress (file, or memory if unwritable)."""
    _store().record(attempt)


def attempts():
    """Return the learner's attempts: those in the file, then this session's unsaved ones."""
    return _store().attempts()


class _Store:
    """The progress file at one path, plus the attempts it could not take."""

    def __init__(self, path):
        self.path = path
        self.lock = FileLock(f"{path}.lock", timeout=_LOCK_TIMEOUT_S)
        self.unsaved = []

    def record(self, attempt):
        if not self.unsaved:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.lock:
                    self._write(self._read() + [attempt])
                return
            except (OSError, Timeout) as exc:
                warnings.warn(
                    f"vaelearn cannot save quiz progress to {self.path} ({exc}); "
                    "attempts are kept in memory for this session only. "
                    "Set VAELEARN_HOME to a writable directory to keep them.",
                    ProgressWarning,
                )
        # Once saving has failed, stay in memory so that the learner is warned once.
        self.unsaved.append(attempt)

    def attempts(self):
        try:
            with self.lock:
                return self._read() + self.unsaved
        except OSError:
            # The lock file cannot be created in an unwritable home; reading
            # without it is still safe because writers replace the file atomically.
            return self._read() + self.unsaved

    def _read(self):
        try:
            return read_attempts(self.path)
        except (FileNotFoundError, NotADirectoryError):
            return []
        except ProgressFileError as exc:
            self._move_aside(exc)
            return []

    def _move_aside(self, reason):
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        try:
            os.replace(self.path, target)
        except OSError as exc:
            outcome = f"it could not be moved aside ({exc}) and is ignored"
        else:
            outcome = f"it was moved to {target} and a fresh progress file was started"
        warnings.warn(f"vaelearn could not read the progress file: {reason}; {outcome}.", ProgressWarning)

    def _write(self, attempts):
        data = {"format": FORMAT, "version": VERSION, "attempts": [asdict(a) for a in attempts]}
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(data, file, indent=1)
                file.flush()
                os.fsync(file.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            os.unlink(tmp)
            raise


_stores = {}


def _store():
    path = record_path()
    if path not in _stores:
        _stores[path] = _Store(path)
    return _stores[path]
