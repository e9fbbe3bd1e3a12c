"""The learner's records: every quiz answer and exercise check, in the learner's progress file.

The file is ``$VAELEARN_HOME/progress.json`` (default ``~/.vaelearn``)::

    {"format": "vaelearn-progress", "version": 1,
     "attempts": [{"quiz": "eli5", "question": "goal", "response": "B",
                   "correct": true, "time": "2025-01-31T12:00:00.123456+00:00"}]}

Each write happens under a lock file (``progress.json.lock``) and replaces the file
atomically (:mod:`vaelearn.files`), so concurrent notebooks never lose an attempt and a
writer killed mid-write leaves the previous file. Reading writes nothing. Nothing that
can be read is thrown away:

- a record that is not a complete attempt is skipped by readers (and reported), and kept
  in the file when the next attempt is recorded;
- a file from a newer vaelearn is left untouched: new attempts are kept in memory for the
  session, with a warning to upgrade;
- only a file that is not a progress file at all (not JSON, no ``"format"``, an unknown
  old version) is moved aside, to ``progress.json.corrupt-<time>``, when the next attempt
  is recorded;
- a home that cannot be written keeps the attempts in memory for the session, with one
  warning.
"""

import errno
import json
import os
import warnings
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import ProgressFileError, ProgressVersionError, ProgressWarning
from .files import atomic_write

__all__ = [
    "EXERCISES",
    "Attempt",
    "AttemptList",
    "attempts",
    "home_dir",
    "read_attempts",
    "record",
    "record_path",
    "saved_attempts",
]

# Checked exercises are recorded as the answers to one more quiz, of this name.
EXERCISES = "exercises"
FORMAT = "vaelearn-progress"
VERSION = 1
_LOCK_TIMEOUT_S = 30
_FIELDS = {"quiz": str, "question": str, "correct": bool, "time": str}
# Bounds on a progress file, which may come from anyone (an instructor collects a class's):
# a learner's real file holds a few hundred attempts of short fields.
MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_ATTEMPTS = 100_000
MAX_TEXT = 1_000  # characters in one field


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


class AttemptList(list):
    """The attempts read from a progress file, in the order they were recorded.

    Parameters
    ----------
    attempts : iterable of Attempt
    skipped : iterable of str
        Which records of the file are not complete attempts and were left out
        (``"attempt 3 has no valid 'time'"``); they stay in the file.
    """

    def __init__(self, attempts=(), *, skipped=()):
        super().__init__(attempts)
        self.skipped = list(skipped)


def read_attempts(path):
    """Read the attempts stored in a progress file.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    AttemptList
        The complete attempts, in the order they were recorded; its ``skipped`` lists
        the records that are not.

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    ProgressVersionError
        The file was written by a newer vaelearn.
    ProgressFileError
        The file is a folder, is not valid JSON or is not a vaelearn progress file.
    """
    data = _read_document(Path(path))
    attempts, skipped = [], []
    for number, entry in enumerate(data["attempts"], 1):
        problem = _problem(entry)
        if problem:
            skipped.append(f"attempt {number} {problem}")
        else:
            attempts.append(Attempt(**{name: entry[name] for name in _ATTEMPT_FIELDS}))
    return AttemptList(attempts, skipped=skipped)


def _read_document(path):
    """The file's JSON object, once its format and version are known to be readable."""
    if path.is_dir():
        raise ProgressFileError(
            f"{path} is a folder, not a progress file. Move it away, or set VAELEARN_HOME to "
            "another folder."
        )
    with open(path, "rb") as file:
        raw = file.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ProgressFileError(f"{path} is larger than {MAX_FILE_BYTES // 2**20} MiB, far more "
                                "than a progress file holds: it is not one")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProgressFileError(f"{path} is not valid JSON: {exc}") from exc
    except RecursionError:
        raise ProgressFileError(f"{path} nests its JSON deeper than Python reads: it is not a "
                                "progress file") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ProgressFileError(f"{path} is not a vaelearn progress file (no \"format\": \"{FORMAT}\")")
    version = data.get("version")
    if type(version) is int and version > VERSION:
        raise ProgressVersionError(
            f"{path} was written by a newer vaelearn (progress format version {version}; this "
            f"one reads version {VERSION}) and was left untouched. Upgrade vaelearn "
            "(pip install -U vaelearn) to read it and record new attempts in it."
        )
    if version != VERSION or not isinstance(data.get("attempts"), list):
        raise ProgressFileError(f"{path}: unsupported progress file version {version!r}")
    if len(data["attempts"]) > MAX_ATTEMPTS:
        raise ProgressFileError(f"{path} holds {len(data['attempts']):,} attempts, more than "
                                f"the {MAX_ATTEMPTS:,} a progress file may hold")
    return data


_ATTEMPT_FIELDS = ("quiz", "question", "response", "correct", "time")


def _problem(entry):
    """What keeps a stored record from being an attempt, or None."""
    if not isinstance(entry, dict) or "response" not in entry:
        return "is not a complete record"
    for name, kind in _FIELDS.items():
        if not isinstance(entry.get(name), kind) or (kind is str and len(entry[name]) > MAX_TEXT):
            return f"has no valid {name!r}"
    if not _valid_response(entry["response"]):
        return "has no valid 'response'"
    return None


def _valid_response(response):
    """A letter or a status, a number, or a list of letters, each short."""
    if isinstance(response, list):
        return len(response) <= MAX_TEXT and all(_valid_response(r) and isinstance(r, str)
                                                 for r in response)
    if isinstance(response, str):
        return len(response) <= MAX_TEXT
    return isinstance(response, (int, float)) and not isinstance(response, bool)


def record(attempt):
    """Append an attempt to the learner's records (the file, or memory if it is unwritable).

    Parameters
    ----------
    attempt : Attempt
    """
    _store().record(attempt)


def attempts():
    """Return the learner's attempts: those in the file, then this session's unsaved ones."""
    return _store().attempts()


def saved_attempts():
    """The attempts in the learner's progress file, as an :class:`AttemptList` (empty when
    there is none). Raises ProgressFileError, saying what to do, if it cannot be read."""
    return _store().saved()


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
                    data = self._document_to_extend()
                    data["attempts"].append(asdict(attempt))
                    with atomic_write(self.path, encoding="utf-8") as file:
                        json.dump(data, file, indent=1)
                return
            except ProgressVersionError as exc:
                problem = f"{exc} Until then, quiz attempts are kept in memory for this session only."
            except (OSError, Timeout) as exc:
                problem = (
                    f"vaelearn cannot save quiz progress to {self.path} ({exc}); "
                    "attempts are kept in memory for this session only. "
                    "Set VAELEARN_HOME to a writable directory to keep them."
                )
            # Once saving has failed, stay in memory so that the learner is warned once.
            warnings.warn(problem, ProgressWarning)
        self.unsaved.append(attempt)

    def saved(self):
        """The file's attempts (an AttemptList); reading writes nothing."""
        try:
            return read_attempts(self.path)
        except (FileNotFoundError, NotADirectoryError):
            return AttemptList()
        except ProgressFileError as exc:
            if isinstance(exc, ProgressVersionError) or self.path.is_dir():
                raise  # their messages say what to do
            raise ProgressFileError(
                f"{exc}. It was left as it is: repair it or move it away (the next recorded "
                "attempt moves an unreadable progress file aside and starts a new one)."
            ) from exc

    def attempts(self):
        """The file's attempts, then this session's unsaved ones; reading writes nothing."""
        saved = self.saved()
        if saved.skipped:
            warnings.warn(
                f"vaelearn skipped records of {self.path} that are not complete attempts "
                f"({'; '.join(saved.skipped)}); they are kept in the file.",
                ProgressWarning,
            )
        return [*saved, *self.unsaved]

    def _document_to_extend(self):
        """The current file's content to append to: a new one if there is no readable file."""
        fresh = {"format": FORMAT, "version": VERSION, "attempts": []}
        if self.path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "it is a folder, not a progress file", str(self.path))
        try:
            return _read_document(self.path)
        except (FileNotFoundError, NotADirectoryError):
            return fresh
        except ProgressVersionError:
            raise
        except ProgressFileError as exc:
            self._move_aside(exc)
            return fresh

    def _move_aside(self, reason):
        """Keep an unreadable file as ``progress.json.corrupt-<time>``; OSError if it cannot be."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        os.replace(self.path, target)
        warnings.warn(
            f"vaelearn could not read the progress file: {reason}; it was moved to {target} "
            "and a fresh progress file was started.",
            ProgressWarning,
        )


_stores = {}


def _store():
    path = record_path()
    if path not in _stores:
        _stores[path] = _Store(path)
    return _stores[path]
