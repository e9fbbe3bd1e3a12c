"""Fault injection that works as root: read-only and full file systems, killed processes.

Root ignores file permissions, so a chmod'ed folder is no read-only folder. Instead:

- ``read_only(folder)`` makes the calls that create or change files under ``folder``
  (``os.open`` for writing, ``os.mkdir``, ``os.replace``, ``os.rename``) fail with EROFS,
  as a read-only mount would, in this process;
- ``tiny_mount`` runs a command with a folder mounted as a read-only or a 64 KiB tmpfs in a
  private mount namespace (``unshare -rm``), a real EROFS or ENOSPC; the tests that need it
  are skipped, with the reason, where user namespaces are not allowed;
- ``/dev/full`` fails every write with ENOSPC.
"""

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest


@pytest.fixture
def read_only(monkeypatch):
    """``read_only(folder)``: from now on, writing under ``folder`` fails with EROFS."""
    folders = []
    real_open, real_mkdir, real_replace, real_rename = os.open, os.mkdir, os.replace, os.rename
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

    def inside(path):
        path = Path(os.path.abspath(path))
        return any(path == folder or folder in path.parents for folder in folders)

    def refuse(path):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    def fake_open(path, flags, *args, **kwargs):
        if flags & writing and inside(path):
            refuse(path)
        return real_open(path, flags, *args, **kwargs)

    def fake_mkdir(path, *args, **kwargs):
        if inside(path):
            if os.path.exists(path):  # the kernel checks this first
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
            refuse(path)
        return real_mkdir(path, *args, **kwargs)

    def fake_move(real):
        def move(src, dst, *args, **kwargs):
            if inside(src) or inside(dst):
                refuse(dst)
            return real(src, dst, *args, **kwargs)
        return move

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(os, "mkdir", fake_mkdir)
    monkeypatch.setattr(os, "replace", fake_move(real_replace))
    monkeypatch.setattr(os, "rename", fake_move(real_rename))
    return lambda folder: folders.append(Path(os.path.abspath(folder)))


def _can_unshare():
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs none /mnt"],
                           capture_output=True, timeout=30)
    return probe.returncode == 0


@pytest.fixture(scope="session")
def tiny_mount():
    """``tiny_mount(folder, options, *argv, env=...)``: run ``argv`` with ``folder`` mounted
    as a fresh tmpfs with mount ``options`` ("ro", "size=64k"), seen by that process only."""
    if not _can_unshare():
        pytest.skip("needs `unshare -rm` (user and mount namespaces) to mount a tmpfs; "
                    "the in-process read_only fixture covers the same code")

    def run(folder, options, *argv, env=None):
        Path(folder).mkdir(parents=True, exist_ok=True)
        script = f'mount -t tmpfs -o {options} vaelearn-test "$1" && shift && exec "$@"'
        return subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh", str(folder), *map(str, argv)],
                              capture_output=True, text=True, env={**os.environ, **(env or {})},
                              timeout=120)

    return run
