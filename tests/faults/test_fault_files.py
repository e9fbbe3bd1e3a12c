"""vaelearn.files: the atomic write under every file vaelearn writes."""

import os
import stat
import subprocess
import sys
import time

import pytest

from vaelearn.files import atomic_write, remove_stale_temporaries, replacing

HOLDER = """
import sys, time
from vaelearn.files import replacing
with replacing(sys.argv[1]) as tmp:
    open(tmp, "w").write("half")
    print(tmp, flush=True)
    time.sleep(600)
"""


def make_old(path):
    past = time.time() - 3600
    os.utime(path, (past, past))


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no flock: temporaries age out")
def test_a_temporary_is_removed_once_its_writer_is_dead_not_before(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("old")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(target)], stdout=subprocess.PIPE, text=True)
    try:
        tmp = holder.stdout.readline().strip()
        make_old(tmp)
        assert remove_stale_temporaries(target) == []  # its writer still holds it
        holder.kill()
        holder.wait(timeout=30)
        assert [str(p) for p in remove_stale_temporaries(target)] == [tmp]
    finally:
        holder.kill()
    assert target.read_text() == "old"


def test_a_temporary_of_another_file_is_left_alone(tmp_path):
    other = tmp_path / ".notes.txt.0123abcd.tmp"
    other.write_text("someone else's")
    make_old(other)
    assert remove_stale_temporaries(tmp_path / "other.txt") == []
    assert other.exists()


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with atomic_write(target) as file:
            file.write("new, half")
            raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_permissions_are_kept_or_follow_the_umask(tmp_path):
    kept = tmp_path / "kept.txt"
    kept.write_text("old")
    kept.chmod(0o640)
    with atomic_write(kept) as file:
        file.write("new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640

    umask = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "new.txt") as file:
            file.write("new")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644  # not mkstemp's 0o600


def test_a_device_is_written_to_not_replaced():
    with atomic_write(os.devnull) as file:
        file.write("gone")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_symbolic_link_keeps_pointing_at_its_file(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with replacing(link) as tmp:
        tmp.write_text("new")
    assert link.is_symlink() and real.read_text() == "new"
