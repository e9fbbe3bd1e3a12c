"""Put downloadable datasets into the cache: from the internet, when a learner asks, or from
a folder.

Every file is written to a temporary name in the cache folder (``.<name>.<hex>.part``), its
checksum verified, and only then renamed into place (:mod:`vaelearn.files`), so an
interrupted copy or download never leaves a half file that a later run would trust. The
temporary file is deleted on any error or interrupt (``vaelearn prefetch`` turns SIGTERM
and SIGHUP into one), and by the next download of the same file if its process was killed.
"""

import http.client
import shutil
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tqdm.auto import tqdm

from .errors import CorruptCacheError, DatasetUnavailableError
from .files import replacing, write_error_message
from .sources import data_dir, remote_files, verify, verify_cached

__all__ = ["download", "ensure", "import_from"]


def _install(name, remote, fill, desc):
    """Fill a temporary file with ``fill(f)``, verify it, and move it into dataset ``name``'s
    place in the cache."""
    final = data_dir() / remote.relpath
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        with replacing(final, suffix=".part") as tmp:
            with open(tmp, "wb") as f:
                fill(f)
            try:
                verify(tmp, remote, name=name)
            except CorruptCacheError:
                raise CorruptCacheError(
                    f"{desc} does not match its {remote.algorithm} checksum, so it was not "
                    f"installed in {final.parent}. Try again, or copy a good file with "
                    f"`vaelearn prefetch {name} --from DIR`."
                ) from None
    except OSError as e:
        raise DatasetUnavailableError(write_error_message(
            e, final, "set VAELEARN_DATA_DIR to a folder that can hold the datasets")) from e
    return final


def download(name, *, progress_bar=True, timeout=30):
    """Download dataset ``name`` into the cache.

    Parameters
    ----------
    name : str
        One of :data:`vaelearn.sources.REMOTE_DATASETS`.
    progress_bar : bool
        Show a progress bar per file.
    timeout : float
        Seconds to wait for the server.

    Returns
    -------
    list of pathlib.Path
        The dataset's files in the cache.

    Raises
    ------
    DatasetUnavailableError
        The network cannot be reached.
    CorruptCacheError
        A downloaded file has the wrong checksum.
    """
    paths = []
    for remote in remote_files(name):

        def fill(f, remote=remote):
            with _network_errors(remote.url):
                response = urllib.request.urlopen(remote.url, timeout=timeout)
            total = int(response.headers.get("Content-Length") or 0) or None
            with response, tqdm(total=total, unit="B", unit_scale=True, desc=remote.relpath,
                                disable=not progress_bar) as bar:
                while True:
                    with _network_errors(remote.url):
                        chunk = response.read(1 << 16)
                    if not chunk:
                        break
                    f.write(chunk)  # a full disk raises here, apart from network errors
                    bar.update(len(chunk))

        paths.append(_install(name, remote, fill, remote.relpath))
    return paths


@contextmanager
def _network_errors(url):
    """Turn the errors of a failed connection or transfer into DatasetUnavailableError."""
    try:
        yield
    # A connection dropped mid-stream raises IncompleteRead, an HTTPException.
    except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
        reason = getattr(e, "reason", e)
        raise DatasetUnavailableError(
            f"Could not download {url} ({reason}). Check the network connection, "
            "or copy the files from a machine that has them with "
            "`vaelearn prefetch --from DIR`. The bundled 'digits' dataset works offline."
        ) from e


def import_from(name, folder):
    """Copy dataset ``name`` from a folder (a USB stick, a share) into the cache.

    Each file is verified before it is installed; the cache keeps its old files if any
    check fails.

    Parameters
    ----------
    name : str
    folder : str or os.PathLike
        Holds the files in the cache's layout or flat, by file name.

    Returns
    -------
    list of pathlib.Path
        The dataset's files in the cache.
    """
    folder = Path(folder)
    paths = []
    for remote in remote_files(name):
        candidates = [folder / remote.relpath, folder / Path(remote.relpath).name]
        source = next((c for c in candidates if c.is_file()), None)
        if source is None:
            raise DatasetUnavailableError(
                f"{Path(remote.relpath).name} for {name!r} is not in {folder} "
                f"(looked for {', '.join(str(c) for c in candidates)})."
            )
        try:
            verify(source, remote, name=name)
        except CorruptCacheError as e:
            raise CorruptCacheError(f"Not importing {name!r}: {e}") from None
        with open(source, "rb") as src:
            paths.append(_install(name, remote, lambda f, src=src: shutil.copyfileobj(src, f),
                                  source))
    return paths


def ensure(name, *, folder=None, timeout=30, progress_bar=True):
    """Make sure dataset ``name`` is in the cache with valid checksums.

    Files already cached and valid are kept; otherwise the dataset is imported from
    ``folder`` when given, else downloaded.

    Parameters
    ----------
    name : str
    folder : str or os.PathLike, optional
    timeout : float
    progress_bar : bool

    Returns
    -------
    str
        What was done: ``"already cached"``, ``"imported"`` or ``"downloaded"``.
    """
    try:
        verify_cached(name)
        return "already cached"
    except DatasetUnavailableError:  # missing or corrupt: fetch it again
        pass
    if folder is not None:
        import_from(name, folder)
        return "imported"
    download(name, progress_bar=progress_bar, timeout=timeout)
    return "downloaded"
