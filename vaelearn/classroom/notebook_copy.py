"""Copy the course's notebooks into a folder of the learner's: ``vaelearn notebooks [DEST]``.

A learner's notebooks are their work, so a copy never replaces one they changed (edited,
or run and saved with outputs) unless asked to with ``force``, and even then their version
is first saved beside it. A notebook that is still exactly as vaelearn copied it (the
folder's ``.vaelearn-notebooks.json`` records what was copied) is updated to the installed
course's version. Every file is written to a temporary name and renamed into place, so an
interrupted copy leaves no half notebook.
"""

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..course import notebook_dir, notebooks
from ..errors import NotebookCopyError

__all__ = ["DEFAULT_DEST", "MANIFEST", "CopyResult", "copy_notebooks"]

DEFAULT_DEST = Path("vaelearn-course")
MANIFEST = ".vaelearn-notebooks.json"


@dataclass(frozen=True)
class CopyResult:
    """What happened to one notebook.

    ``action`` is ``"copied"`` (new), ``"updated"`` (an untouched earlier copy replaced by
    this version), ``"unchanged"`` (already this version), ``"kept"`` (the learner's changed
    copy left alone) or ``"replaced"`` (a changed copy replaced with ``force``; the
    learner's version moved to ``backup``).
    """

    path: Path
    action: str
    backup: Path | None = None


def copy_notebooks(dest=DEFAULT_DEST, *, force=False):
    """Copy every course notebook into ``dest`` (created if needed).

    Parameters
    ----------
    dest : str or os.PathLike
        The learner's course folder.
    force : bool
        Replace notebooks the learner changed, after moving each to
        ``<stem>.backup.ipynb`` (``<stem>.backup-2.ipynb``, ... if that exists).

    Returns
    -------
    list of CopyResult
        One per notebook, in course order.

    Raises
    ------
    NotebookCopyError
        No notebooks in the installed course, or ``dest`` cannot be written.
    """
    sources = notebooks()
    if not sources:
        raise NotebookCopyError(
            f"No course notebooks in {notebook_dir()}: reinstall vaelearn "
            "(pip install --force-reinstall vaelearn).")
    dest = Path(dest)
    try:
        dest.mkdir(parents=True, exist_ok=True)
        copied = _read_manifest(dest)
        results = [_copy_one(source, dest, copied, force) for source in sources]
        _write_atomic(dest / MANIFEST, json.dumps(copied, indent=1, sort_keys=True).encode())
    except OSError as e:
        raise NotebookCopyError(
            f"Cannot write the notebooks to {dest} ({e.strerror or e}): choose a writable "
            "folder, e.g. `vaelearn notebooks ~/vaelearn-course`.") from e
    return results


def _copy_one(source, dest, copied, force):
    target = dest / source.name
    content = source.read_bytes()
    if not target.exists():
        action, backup = "copied", None
    else:
        current = _digest(target.read_bytes())
        if current == _digest(content):
            copied[source.name] = current
            return CopyResult(target, "unchanged")
        if current == copied.get(source.name):
            action, backup = "updated", None
        elif not force:
            return CopyResult(target, "kept")
        else:
            action, backup = "replaced", _free_backup_path(target)
            os.replace(target, backup)
    _write_atomic(target, content)
    copied[source.name] = _digest(content)
    return CopyResult(target, action, backup)


def _digest(data):
    return hashlib.sha256(data).hexdigest()


def _read_manifest(dest):
    """The digests of the notebooks vaelearn copied into ``dest``; empty if unreadable, which
    only makes every existing notebook count as changed by the learner (kept)."""
    try:
        manifest = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict):
        return {}
    return {name: digest for name, digest in manifest.items() if isinstance(digest, str)}


def _free_backup_path(target):
    candidate, number = target.with_name(f"{target.stem}.backup.ipynb"), 1
    while candidate.exists():
        number += 1
        candidate = target.with_name(f"{target.stem}.backup-{number}.ipynb")
    return candidate


def _write_atomic(path, data):
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
