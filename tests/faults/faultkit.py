"""Helpers of the fault-injection tests: check the one error line, snapshot a tree, fill a disk."""

import errno
import os
from pathlib import Path

CLI = "import sys; from vaelearn.classroom.cli import main; sys.exit(main(sys.argv[1:]))"


def one_error_line(stderr, *needles):
    """The one ``error: ...`` line of ``stderr``, checked to hold ``needles``, with no traceback."""
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, stderr
    for needle in needles:
        assert str(needle) in errors[0], (needle, errors[0])
    return errors[0]


def tree(folder):
    """Every path under ``folder`` with its size, mtime and content: to show nothing changed."""
    folder = Path(folder)
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): (p.is_dir(), p.stat().st_mtime_ns,
                                              None if p.is_dir() else p.read_bytes())
            for p in folder.rglob("*")}


class FullDisk:
    """A file whose writes fail with ENOSPC once ``room`` bytes are written."""

    def __init__(self, file, room):
        self.file, self.room = file, room

    def write(self, data):
        self.room -= len(data)
        if self.room < 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self.file.write(data)

    def __getattr__(self, name):
        return getattr(self.file, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.file.close()


def full_disk_open(room):
    """An ``open`` whose files opened for writing hold ``room`` bytes, then fail with ENOSPC."""

    def open_on_a_full_disk(file, mode="r", *args, **kwargs):
        handle = open(file, mode, *args, **kwargs)
        return FullDisk(handle, room) if "w" in mode else handle

    return open_on_a_full_disk
