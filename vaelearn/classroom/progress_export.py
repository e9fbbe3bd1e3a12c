"""Quiz progress as CSV: one learner's export, or many learners' files merged.

One row per recorded attempt. ``vaelearn progress collect`` adds a ``learner`` column
named after each file: its stem (``alice.json``), or its folder when the file has the
default name (``alice/progress.json``).
"""

import csv
from pathlib import Path

from ..quiz import ProgressFileError, read_attempts, record_path

__all__ = ["COLLECT_FIELDS", "FIELDS", "attempt_row", "collect", "learner_name", "own_rows",
           "write_rows"]

FIELDS = ("quiz", "question", "response", "correct", "time")
COLLECT_FIELDS = ("learner", *FIELDS)


def attempt_row(attempt, **extra):
    """An attempt as a CSV row; a multiple-choice response becomes ``"A,C"``."""
    row = {name: getattr(attempt, name) for name in FIELDS}
    if isinstance(row["response"], list):
        row["response"] = ",".join(row["response"])
    return {**extra, **row}


def write_rows(rows, file, fields):
    """Write ``rows`` (dicts) as CSV with a header line to the open text ``file``."""
    writer = csv.DictWriter(file, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def own_rows():
    """The current learner's attempts as rows (none when nothing was recorded yet)."""
    try:
        return [attempt_row(a) for a in read_attempts(record_path())]
    except FileNotFoundError:
        return []


def learner_name(path):
    """The learner a progress file belongs to: its stem, or its folder's name."""
    return path.parent.resolve().name if path.stem == record_path().stem else path.stem


def collect(paths, on_error):
    """Read many learners' progress files; return ``(rows, merged_paths)``.

    A file that is missing, unreadable or not a progress file is passed to
    ``on_error(path, exception)`` and skipped.
    """
    rows, merged = [], []
    for path in map(Path, paths):
        try:
            attempts = read_attempts(path)
        except (OSError, ProgressFileError) as e:
            on_error(path, e)
            continue
        learner = learner_name(path)
        rows += [attempt_row(a, learner=learner) for a in attempts]
        merged.append(path)
    return rows, merged

