"""Write files so that no interruption or failure destroys what was there.

Every file vaelearn writes (progress, datasets, CSV exports, executed notebooks, models)
goes through :func:`replacing`: the new content is written to a temporary file in the
target's folder, flushed to disk (fsync) and renamed over the target in one step
(``os.replace``). A reader, or the next run, sees the old file or the new one, never a
half-written one.

A writer killed with SIGKILL leaves its temporary file, ``.<target name>.<8 hex><suffix>``;
the next write of the same target deletes it. On POSIX a writer holds an advisory lock
(``flock``) on its temporary file until the rename, so a temporary that no process holds is
known to be abandoned; where there is no ``flock`` (Windows) a temporary is taken for
abandoned once nobody has written to it for ``STALE_AFTER_S`` seconds.

:func:`write_error_message` turns the OSErrors a user can cause (read-only or full disk, a
file where a folder should be, a folder where a file should be, a closed pipe) into one
line that names the path, the cause and the fix.
"""

import errno
import glob
import os
import secrets
import shutil
import time
from contextlib import contextmanager, suppress
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

__all__ = [
    "STALE_AFTER_S",
    "atomic_write",
    "file_in_the_way",
    "remove_stale_temporaries",
    "replacing",
    "same_file",
    "write_error_message",
]

STALE_AFTER_S = 600.0
# With flock, a writer locks its temporary microseconds after creating it; a younger
# unlocked temporary may be one that is about to be locked.
_LOCK_GRACE_S = 5.0


@contextmanager
def replacing(path, *, suffix=".tmp"):
    """Yield a new temporary path beside ``path``; once the block ends, move it onto ``path``.

    The block writes the temporary file (and closes it); it is then flushed to disk and
    renamed over ``path`` (a symbolic link's target is replaced, not the link). If the block
    raises, KeyboardInterrupt included, the temporary is deleted and ``path`` is unchanged.
    An existing ``path`` keeps its permissions; a new one gets the umask's.

    Parameters
    ----------
    path : str or os.PathLike
        The file to replace (or create).
    suffix : str
        Ends the temporary file's name.

    Yields
    ------
    pathlib.Path
        The temporary path to write.
    """
    path = Path(os.path.realpath(path))
    remove_stale_temporaries(path, suffix=suffix)
    fd, tmp = _create_temporary(path, suffix)
    try:
        yield tmp
        _fsync(tmp)
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    finally:
        if fd is not None:
            os.close(fd)  # releases the lock, after the rename
    _fsync_folder(path.parent)


@contextmanager
def atomic_write(path, *, mode="w", encoding=None, newline=None):
    """``open(path, mode)`` for writing, made atomic with :func:`replacing`.

    A target that exists and is neither a file nor a folder (``/dev/stdout``, ``/dev/null``,
    a named pipe) cannot be replaced and is written directly.

    Parameters
    ----------
    path : str or os.PathLike
    mode, encoding, newline
        As ``open``'s.

    Yields
    ------
    file object
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if path.exists() and not path.is_file():
        with open(path, mode, encoding=encoding, newline=newline) as file:
            yield file
        return
    with replacing(path) as tmp, open(tmp, mode, encoding=encoding, newline=newline) as file:
        yield file


def remove_stale_temporaries(path, *, suffix=".tmp"):
    """Delete the temporary files that killed writers of ``path`` left.

    Parameters
    ----------
    path : str or os.PathLike
        The target whose temporaries (``.<name>.<8 hex><suffix>``) are looked for.
    suffix : str

    Returns
    -------
    list of pathlib.Path
        The files deleted.
    """
    path = Path(path)
    pattern = f".{glob.escape(path.name)}.{'[0-9a-f]' * 8}{glob.escape(suffix)}"
    removed = []
    for tmp in path.parent.glob(pattern):
        if _abandoned(tmp):
            with suppress(OSError):
                tmp.unlink()
                removed.append(tmp)
    return removed


def _create_temporary(path, suffix):
    """Create ``.<name>.<8 hex><suffix>`` beside ``path``: (locked descriptor or None, path)."""
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{suffix}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        if fcntl is None:
            os.close(fd)  # Windows cannot rename a file that is open
            return None, tmp
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd, tmp


def _abandoned(tmp):
    try:
        age = time.time() - tmp.stat().st_mtime
    except OSError:
        return False
    if fcntl is None:
        return age > STALE_AFTER_S
    if age < _LOCK_GRACE_S:
        return False
    try:
        fd = os.open(tmp, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a live writer holds it
    finally:
        os.close(fd)
    return True


def _fsync(path):
    # POSIX flushes a file through any descriptor; Windows needs one open for writing.
    fd = os.open(path, (os.O_RDONLY if fcntl else os.O_RDWR) | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder):
    """Make the rename itself durable; POSIX only (Windows cannot open a folder)."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def same_file(a, b):
    """Whether two paths name the same file (existing or not).

    Parameters
    ----------
    a, b : str or os.PathLike

    Returns
    -------
    bool
    """
    with suppress(OSError):
        return os.path.samefile(a, b)
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def file_in_the_way(path):
    """The file at ``path`` or at one of its parent folders, where a folder is needed; or None.

    ``path`` is a folder to be created or written into: if it, or its nearest existing
    parent, exists but is not a folder, that path is returned.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    pathlib.Path or None
    """
    for candidate in (Path(path), *Path(path).parents):
        if candidate.exists():
            return None if candidate.is_dir() else candidate
    return None


def _first_missing(folder):
    missing = None
    for candidate in (Path(folder), *Path(folder).parents):
        if candidate.exists():
            return missing
        missing = candidate
    return missing


def _describe(error, path):
    """(cause, remedy or None) of an OSError raised while writing ``path``."""
    code = error.errno
    if code in (errno.ENOTDIR, errno.EEXIST):
        blocker = file_in_the_way(path) or file_in_the_way(path.parent)
        if blocker is not None:
            return f"{blocker} is a file, where a folder is needed", "Move that file away"
    if code == errno.ENOENT:
        missing = _first_missing(path.parent)
        if missing is not None:
            return f"the folder {missing} does not exist", "Create it"
    if code == errno.EISDIR or (path.is_dir() and code in (errno.EACCES, errno.EPERM)):
        return "it is a folder, not a file", None
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "the disk is full", "Free some space"
    causes = {
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EPIPE: "the reader closed the pipe",
        errno.ENAMETOOLONG: "the name is too long",
    }
    return causes.get(code) or error.strerror or str(error), None


def write_error_message(error, path, instead):
    """One line for an OSError raised while writing ``path``: the path, the cause and the fix.

    Parameters
    ----------
    error : OSError
    path : str or os.PathLike
        The file that could not be written.
    instead : str
        The way around it in the caller's terms, e.g. ``"choose another --output FILE"``:
        "Cannot write build/x.csv: the disk is full. Free some space, or choose another
        --output FILE."

    Returns
    -------
    str
    """
    path = Path(path)
    cause, remedy = _describe(error, path)
    fix = f"{remedy}, or {instead}" if remedy else instead[:1].upper() + instead[1:]
    return f"Cannot write {path}: {cause}. {fix}."

