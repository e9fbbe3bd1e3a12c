"""Quiz progress as CSV: one learner's export, or many learners' files merged.

One row per recorded attempt. ``vaelearn progress collect`` adds a ``learner`` column
named after each file: its stem (``alice.json``), or its folder when the file has the
default name (``alice/progress.json``); files that would share a name are told apart by
their parent folders (``class-a/alice``, ``class-b/alice``). A record that is not a
complete attempt is skipped and reported, not the learner's whole file.

Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) are written with a leading apostrophe.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from ..files import same_file
from ..errors import ProgressFileError
from ..records import read_attempts, record_path, saved_attempts

__all__ = ["COLLECT_FIELDS", "FIELDS", "attempt_row", "collect", "inert", "learner_names",
           "own_rows", "write_rows"]

FIELDS = ("quiz", "question", "response", "correct", "time")
COLLECT_FIELDS = ("learner", *FIELDS)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def attempt_row(attempt, **extra):
    """An attempt as a CSV row; a multiple-choice response becomes ``"A,C"``.

    Parameters
    ----------
    attempt : vaelearn.records.Attempt
    **extra
        More columns (e.g. ``learner``).

    Returns
    -------
    dict
    """
    row = {name: getattr(attempt, name) for name in FIELDS}
    if isinstance(row["response"], list):
        row["response"] = ",".join(row["response"])
    return {**extra, **row}


def inert(value):
    """A cell value made safe for spreadsheets: text a spreadsheet would run as a formula
    gets an apostrophe in front.

    Parameters
    ----------
    value : object

    Returns
    -------
    object
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_rows(rows, file, fields):
    """Write rows as CSV with a header line.

    Text cells are quoted: a carriage return inside one then cannot end a row.

    Parameters
    ----------
    rows : iterable of dict
    file : text file
        Open for writing.
    fields : sequence of str
        The columns, in order."""
    writer = csv.DictWriter(file, fieldnames=fields, lineterminator="\n",
                            quoting=csv.QUOTE_NONNUMERIC)
    writer.writeheader()
    writer.writerows({name: inert(value) for name, value in row.items()} for row in rows)


def own_rows():
    """The current learner's attempts as rows, and the records skipped as incomplete.

    No rows when nothing was recorded yet; raises ProgressFileError for an unreadable file.
    """
    attempts = saved_attempts()
    return [attempt_row(a) for a in attempts], attempts.skipped


@dataclass
class Collection:
    """What ``collect`` merged: the rows, and what it had to leave out and why.

    ``skipped_files`` and ``skipped_attempts`` hold ``(path, problem)`` pairs; ``renamed``
    holds ``(path, learner)`` for files whose learner name needed their folder to be unique.
    """

    rows: list = field(default_factory=list)
    merged: list = field(default_factory=list)
    skipped_files: list = field(default_factory=list)
    skipped_attempts: list = field(default_factory=list)
    renamed: list = field(default_factory=list)


def collect(paths):
    """Read many learners' progress files into one :class:`Collection`.

    A file that is missing, unreadable, not a progress file or given twice is skipped;
    so is each record that is not a complete attempt (the file's other attempts are kept).

    Parameters
    ----------
    paths : iterable of str or os.PathLike

    Returns
    -------
    Collection
    """
    result = Collection()
    readable = {}
    for path in map(Path, paths):
        twin = next((seen for seen in readable if same_file(seen, path)), None)
        if twin is not None:
            result.skipped_files.append((path, f"the same file as {twin}, merged once"))
            continue
        try:
            attempts = read_attempts(path)
        except OSError as e:
            result.skipped_files.append((path, e.strerror or str(e)))
            continue
        except ProgressFileError as e:
            result.skipped_files.append((path, str(e)))
            continue
        readable[path] = attempts
        result.skipped_attempts += [(path, problem) for problem in attempts.skipped]
    names = learner_names(list(readable))
    for path, attempts in readable.items():
        result.rows += [attempt_row(a, learner=names[path]) for a in attempts]
        result.merged.append(path)
        if names[path] != _name_parts(path)[-1]:
            result.renamed.append((path, names[path]))
    return result


def learner_names(paths):
    """A distinct learner name for each file.

    Parameters
    ----------
    paths : iterable of pathlib.Path
        Different files.

    Returns
    -------
    dict of pathlib.Path to str
    """
    parts = {path: _name_parts(path) for path in paths}
    names = {path: parts[path][-1] for path in paths}
    for depth in range(2, max(map(len, parts.values()), default=0) + 2):
        clashes = _clashing(names)
        if not clashes:
            break
        for path in clashes:
            # Different files with the same folders (alice.json, alice/progress.json) are
            # named by their paths as given.
            names[path] = "/".join(parts[path][-depth:]) if depth <= len(parts[path]) else str(path)
    return names


def _name_parts(path):
    """The resolved folders of ``path``, ending with its learner's plain name."""
    resolved = Path(path).resolve()
    if resolved.stem == record_path().stem:
        return resolved.parent.parts
    return (*resolved.parent.parts, resolved.stem)


def _clashing(names):
    seen = {}
    for path, name in names.items():
        seen.setdefault(name, []).append(path)
    return [path for group in seen.values() if len(group) > 1 for path in group]
