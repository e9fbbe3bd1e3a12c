"""The memory a kernel may use, and a notebook's warning when it is too little.

A JupyterHub gives each learner a slice of a machine through a control group (cgroup); a
kernel that grows past its group's limit is stopped, and the notebook only says that the
kernel died. :func:`read_limit` reads that limit where Linux keeps it:

- cgroup v2: ``memory.max`` of the process's own group (the ``0::`` line of
  ``/proc/self/cgroup``) and of each group above it, ``max`` meaning none;
- cgroup v1: ``memory.limit_in_bytes`` of the memory hierarchy's groups, where a huge
  number means none;
- else the machine's memory (``MemTotal`` in ``/proc/meminfo``; on macOS and Windows what
  the operating system, or psutil where installed, reports).

:func:`warn_if_short` is a notebook's first-cell line: one line when the limit is below what
that notebook needs (:data:`vaelearn.course.MEMORY_MIB_BY_NOTEBOOK`), nothing otherwise.
"""

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .course import MEMORY_MIB_BY_NOTEBOOK
from .validation import check_choice

__all__ = ["MemoryLimit", "read_limit", "warn_if_short"]

_MIB = 2**20
# cgroup v1 writes "no limit" as the largest page-aligned 64-bit number; nothing this large
# is a real limit.
_NO_LIMIT = 2**60


@dataclass(frozen=True)
class MemoryLimit:
    """The memory a process may use, where that figure was read, and what its group uses.

    Attributes
    ----------
    limit_bytes : int or None
        None when nothing could be read.
    source : str
        ``"cgroup v2"``, ``"cgroup v1"``, ``"machine"`` or ``"unknown"``.
    path : pathlib.Path or None
        The file the limit was read from; None when the operating system was asked.
    usage_bytes : int or None
        What the limiting control group holds now, page cache included; None when the
        limit is the machine's.
    """

    limit_bytes: int | None
    source: str
    path: Path | None = None
    usage_bytes: int | None = None

    @property
    def limit_mib(self):
        """The limit in MiB (float), or None."""
        return None if self.limit_bytes is None else self.limit_bytes / _MIB

    def describe(self):
        """Where the limit comes from, e.g. ``"its cgroup v2 limit (/sys/fs/cgroup/memory.max)"``.

        Returns
        -------
        str
        """
        if self.source == "unknown":
            return "no cgroup limit and no machine total could be read"
        if self.source == "machine":
            return f"the machine's memory ({self.path or 'from the OS'}; no cgroup limit)"
        held = "" if self.usage_bytes is None else f"; {self.usage_bytes / _MIB:,.0f} MiB in use"
        return f"its {self.source} limit ({self.path}{held})"


def read_limit(*, root=None):
    """The memory this process may use: its cgroup's limit, else the machine's memory.

    A cgroup limit counts only where it is below the machine's memory.

    Parameters
    ----------
    root : str or os.PathLike, optional
        Read ``proc/`` and ``sys/fs/cgroup/`` under this folder instead of ``/`` (tests
        fake a machine this way); then the operating system is not asked either.

    Returns
    -------
    MemoryLimit
    """
    files = Path("/" if root is None else root)
    machine, machine_path = _meminfo_total(files), files / "proc" / "meminfo"
    if machine is None:
        machine_path = None
        if root is None:
            machine = _total_from_os()
    found = _cgroup_limit(files)
    if found is not None and (machine is None or found.limit_bytes < machine):
        return found
    if machine is not None:
        return MemoryLimit(machine, "machine", machine_path)
    return MemoryLimit(None, "unknown")


def warn_if_short(notebook, *, root=None):
    """Print one line when this kernel may use less memory than ``notebook`` needs.

    A notebook's first cell calls it, so that a learner whose hub slice is too small hears it
    before the kernel is stopped part-way. It prints nothing when the notebook fits or the
    limit cannot be read.

    Parameters
    ----------
    notebook : str
        The notebook's name without ``.ipynb``, e.g. ``"05_vae_from_scratch"``.
    root : str or os.PathLike, optional
        As :func:`read_limit`'s.
    """
    check_choice(notebook, MEMORY_MIB_BY_NOTEBOOK, "notebook")
    need = MEMORY_MIB_BY_NOTEBOOK[notebook]
    found = read_limit(root=root)
    if found.limit_bytes is None or found.limit_mib >= need:
        return
    has = (f"this machine has only {found.limit_mib:,.0f} MiB" if found.source == "machine" else
           f"this kernel may use only {found.limit_mib:,.0f} MiB (its {found.source} limit)")
    print(f"Warning: this notebook needs about {need:,} MiB of memory and {has}, so it may be "
          f"stopped part-way: ask for a memory limit of at least {need:,} MiB, or run it on a "
          "machine with more.", file=sys.stderr, flush=True)


def _cgroup_limit(files):
    """The tightest limit of this process's groups in either cgroup hierarchy, or None."""
    groups = _groups(files)
    mount = files / "sys" / "fs" / "cgroup"
    found = None
    for source, folder, group, limit_name, usage_name in (
        ("cgroup v2", mount, groups.get("", "/"), "memory.max", "memory.current"),
        ("cgroup v1", mount / "memory", groups.get("memory", "/"),
         "memory.limit_in_bytes", "memory.usage_in_bytes"),
    ):
        for group_folder in _folder_and_parents(folder, group):
            limit = _read_bytes(group_folder / limit_name)
            if limit is not None and (found is None or limit < found.limit_bytes):
                found = MemoryLimit(limit, source, group_folder / limit_name,
                                    _read_bytes(group_folder / usage_name))
    return found


def _groups(files):
    """``/proc/self/cgroup`` as {controller: group}; the key ``""`` holds the v2 group."""
    try:
        text = (files / "proc" / "self" / "cgroup").read_text()
    except OSError:
        return {}
    groups = {}
    for line in text.splitlines():  # "hierarchy-id:controller,controller:/group"
        parts = line.split(":", 2)
        if len(parts) == 3:
            groups.update(dict.fromkeys(parts[1].split(","), parts[2]))
    return groups


def _folder_and_parents(mount, group):
    """The group's folder under ``mount`` and every folder above it up to ``mount``.

    In a container the group named in ``/proc/self/cgroup`` is often the host's, while the
    container sees its own group mounted as the root: then only ``mount`` is read.
    """
    folder = mount / group.strip("/")
    if not folder.is_dir():
        return [mount]
    folders = [folder]
    while folder != mount:
        folder = folder.parent
        folders.append(folder)
    return folders


def _read_bytes(path):
    """A cgroup file's number of bytes; None when missing, unreadable or unlimited."""
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    if not text.isdigit() or int(text) >= _NO_LIMIT:  # "max" (v2) or v1's huge "no limit"
        return None
    return int(text)


def _meminfo_total(files):
    """``MemTotal`` of ``proc/meminfo`` under ``files`` in bytes, or None."""
    try:
        lines = (files / "proc" / "meminfo").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split()
        if parts[:1] == ["MemTotal:"] and len(parts) > 1 and parts[1].isdigit():
            return int(parts[1]) * 1024
    return None


def _total_from_os():
    """The machine's memory in bytes as the operating system reports it, or None."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows) or no such name
        total = -1
    if total > 0:
        return total
    try:
        import psutil
    except ImportError:
        return None
    return psutil.virtual_memory().total
