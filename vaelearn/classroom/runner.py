"""Execute notebooks headless and export them to HTML: ``vaelearn run``.

Each notebook runs in a fresh ``python3`` kernel whose working directory is the
notebook's folder. The executed copy (with its widget state) and an HTML page that needs
no network (:mod:`vaelearn.classroom.pages`) are written to the output folder whether the
run passed or not, so a failure can be read in context. TensorFlow's start-up log is left
out of both, unless the user set ``TF_CPP_MIN_LOG_LEVEL`` below 3 to see it (then the kernel
shows what it asks for; see :func:`vaelearn.backend.tensorflow_log_requested`).

Ctrl-C, SIGTERM or SIGHUP stop the whole batch, whatever the kernel was doing.
"""

import asyncio
import errno
import os
import re
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from nbclient import NotebookClient

from ..backend import drop_startup_lines, tensorflow_log_requested
from ..errors import Interrupted, UnwritablePathError
from ..files import atomic_write, write_error_message
from .interrupts import SIGNALS, signals_raised
from .pages import export_html

__all__ = ["RunResult", "describe_failure", "drop_tensorflow_log", "execute", "find_notebooks",
           "format_table", "run_all", "run_notebook"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class RunResult:
    """How one notebook run went. ``error`` describes the failing cell, or is None."""

    notebook: Path
    seconds: float
    error: str | None = None

    @property
    def status(self):
        return "failed" if self.error else "passed"


def find_notebooks(paths, *, default_folder="notebooks"):
    """The notebooks to run: ``paths`` as given, or every ``*.ipynb`` of a folder, sorted.

    Parameters
    ----------
    paths : list of pathlib.Path
        Notebooks; empty for the course's.
    default_folder : str or os.PathLike
        The folder to run when ``paths`` is empty.

    Returns
    -------
    list of pathlib.Path
    """
    if paths:
        return [Path(p) for p in paths]
    return sorted(Path(default_folder).glob("*.ipynb"))


def check_notebooks(paths):
    """One line per path of ``paths`` that is not a readable notebook (none when all are)."""
    import nbformat

    problems = []
    for path in map(Path, paths):
        if not path.exists():
            problems.append(f"{path}: not found. Check the name, or run `vaelearn run` alone "
                            "for every notebook in notebooks/.")
        elif path.is_dir():
            problems.append(f"{path} is a folder: name the .ipynb files in it instead.")
        else:
            try:
                nbformat.validate(nbformat.read(path, as_version=4))
            except Exception as e:  # nbformat raises JSON, schema, key and encoding errors
                reason = str(e).strip().splitlines()[0][:200] if str(e).strip() else type(e).__name__
                problems.append(f"cannot read the notebook {path}: it is not a Jupyter notebook "
                                f"({reason}). Open it in JupyterLab to repair it, or leave it out.")
    return problems


def check_output(out_dir):
    """Raise UnwritablePathError unless files can be written in ``out_dir``, creating nothing:
    a folder that does not exist yet is checked through its nearest existing parent."""
    out_dir = Path(out_dir)
    folder = next(p for p in (out_dir, *out_dir.parents, Path(".")) if p.exists())
    try:
        if not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        raise UnwritablePathError(
            write_error_message(e, out_dir, "choose another folder with --out DIR")) from None


def run_notebook(path, out_dir, *, cell_timeout=600):
    """Execute a notebook and write ``<stem>.ipynb`` and ``<stem>.html`` to a folder.

    Parameters
    ----------
    path : pathlib.Path
    out_dir : pathlib.Path
    cell_timeout : float
        Seconds a cell may run.

    Returns
    -------
    RunResult
    """
    import nbformat

    path = Path(path)
    start = time.perf_counter()
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as e:  # nbformat's NotJSONError is a ValueError
        return RunResult(path, 0.0, f"cannot read the notebook: {e}")
    error = execute(nb, path.parent, cell_timeout)
    if not tensorflow_log_requested():
        drop_tensorflow_log(nb)
    result = RunResult(path, time.perf_counter() - start, error)
    for target, content in ((Path(out_dir) / f"{path.stem}.ipynb", nbformat.writes(nb) + "\n"),
                            (Path(out_dir) / f"{path.stem}.html", export_html(nb))):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with atomic_write(target, encoding="utf-8") as file:
                file.write(content)
        except OSError as e:
            raise UnwritablePathError(
                write_error_message(e, target, "choose another folder with --out DIR")) from None
    return result


def execute(nb, folder, cell_timeout):
    """Run a notebook in place.

    Parameters
    ----------
    nb : nbformat.NotebookNode
    folder : pathlib.Path
        The working folder of its kernel.
    cell_timeout : float
        Seconds a cell may run.

    Returns
    -------
    None or (cell, error)
        The failing cell and its error, if one failed.

    Raises
    ------
    Interrupted
        On Ctrl-C, SIGTERM or SIGHUP, once the kernel is stopped.
    """
    current = {}

    def on_cell_start(cell, cell_index):
        client.stop_if_signalled()
        client.cell_started = True  # the kernel is ready: a signal may now interrupt it
        current.update(cell=cell)

    client = _Client(
        nb,
        timeout=cell_timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(Path(folder).resolve())}},
        on_cell_start=on_cell_start,
    )
    with signals_raised() as received:
        try:
            # The kernel process's own stderr (its start-up warnings, and ZMQ tracebacks when a
            # signal shuts it down) is not the notebook's: cells' output arrives by messages.
            client.execute(stderr=subprocess.DEVNULL)
        except Exception as e:  # a cell error, a timeout or a dead kernel: all end this run
            client.stop_if_signalled(e)
            if received:
                raise Interrupted(received[0]) from e
            return describe_failure(current.get("cell"), e, cell_timeout)
        finally:
            client.forget_signals()
    client.stop_if_signalled()
    return None


class _Client(NotebookClient):
    """A NotebookClient on which Ctrl-C, SIGTERM and SIGHUP stop the run, not just a cell.

    nbclient's own handlers for SIGINT and SIGTERM shut the kernel down, which fails the
    run like any broken notebook. These handlers record the signal, interrupt the kernel
    (a second signal shuts it down) and stop the run before its next cell.
    """

    signals = ()
    loop = None
    cell_started = False

    async def async_start_new_kernel(self, **kwargs):
        self.signals, self.loop = [], asyncio.get_event_loop()
        for signum in SIGNALS:
            try:
                self.loop.add_signal_handler(signum, self._on_signal, signum)
            except (NotImplementedError, RuntimeError):  # Windows, or not the main thread
                break
        await super().async_start_new_kernel(**kwargs)

    def _on_signal(self, signum):
        self.signals.append(signum)
        # A kernel still starting up would print its own traceback: let it start, and
        # stop before the first cell.
        if self.km is not None and self.km.has_kernel and self.cell_started:
            first = len(self.signals) == 1
            asyncio.ensure_future(self.km.interrupt_kernel() if first else
                                  self.km.shutdown_kernel(now=True))

    def stop_if_signalled(self, error=None):
        if self.signals:
            raise Interrupted(self.signals[0]) from error

    def forget_signals(self):
        """Remove the handlers that nbclient does not remove itself (SIGHUP's)."""
        for signum in set(SIGNALS) - {signal.SIGINT, signal.SIGTERM}:
            if self.loop is not None:
                self.loop.remove_signal_handler(signum)


def describe_failure(cell, error, cell_timeout):
    """The failing cell's source and its error, as plain text.

    Parameters
    ----------
    cell : nbformat.NotebookNode
    error : Exception
    cell_timeout : float
        The time limit the cell ran under, named when it ran out.

    Returns
    -------
    str
    """
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    if isinstance(error, CellExecutionError):
        message = f"{error.ename}: {error.evalue}"
    elif isinstance(error, CellTimeoutError):
        message = f"Timeout: the cell ran longer than {cell_timeout} s (option --timeout)"
    else:
        message = f"{type(error).__name__}: {_ANSI.sub('', str(error))}"
    if cell is None:
        return message
    return f"{cell.source}\n{'-' * 40}\n{message}"


def drop_tensorflow_log(nb):
    """Remove TensorFlow's start-up lines from a notebook's ``stderr`` outputs, in place.

    ``import vaelearn`` drops them when TensorFlow is imported after it; a notebook that
    imports Keras first would otherwise show them in red at the top of the page.

    Parameters
    ----------
    nb : nbformat.NotebookNode"""
    for cell in nb.cells:
        if "outputs" not in cell:
            continue
        for output in cell.outputs:
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                output.text = drop_startup_lines(output.text)
        cell.outputs = [output for output in cell.outputs
                        if output.get("output_type") != "stream" or output.text]


def run_all(paths, out_dir, *, cell_timeout=600, progress_bar=True):
    """Run notebooks in order.

    Parameters
    ----------
    paths : list of pathlib.Path
    out_dir : pathlib.Path
    cell_timeout : float
    progress_bar : bool
        Show a progress bar over the notebooks.

    Returns
    -------
    list of RunResult
    """
    from tqdm.auto import tqdm

    results = []
    with tqdm(paths, unit="notebook", disable=not progress_bar) as bar:
        for path in bar:
            bar.set_postfix_str(Path(path).name)
            results.append(run_notebook(path, out_dir, cell_timeout=cell_timeout))
    return results


def format_table(results):
    """A table of the runs: notebook, status and time in seconds.

    Parameters
    ----------
    results : list of RunResult

    Returns
    -------
    str
    """
    width = max([len("notebook")] + [len(r.notebook.name) for r in results])
    lines = [f"{'notebook':<{width}}  {'status':<6}  {'time (s)':>8}"]
    lines += [f"{r.notebook.name:<{width}}  {r.status:<6}  {r.seconds:>8.1f}" for r in results]
    return "\n".join(lines)
