"""Execute notebooks headless and export them to HTML: ``vaelearn run``.

Each notebook runs in a fresh ``python3`` kernel whose working directory is the
notebook's folder. The executed copy (with its widget state) and an HTML page are
written to the output folder whether the run passed or not, so a failure can be read
in context. In the HTML page widgets are replaced by their static ``text/html``
(quizzes show their questions with the answers folded in ``<details>``).
"""

import copy
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["WIDGET_MIME", "RunResult", "describe_failure", "execute", "export_html",
           "find_notebooks", "format_table", "run_all", "run_notebook", "strip_widgets"]

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

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


def find_notebooks(paths, default_folder="notebooks"):
    """The notebooks to run: ``paths`` as given, or every ``*.ipynb`` of the folder, sorted."""
    if paths:
        return [Path(p) for p in paths]
    return sorted(Path(default_folder).glob("*.ipynb"))


def run_notebook(path, out_dir, cell_timeout=600):
    """Execute ``path`` and write ``<stem>.ipynb`` and ``<stem>.html`` to ``out_dir``."""
    import nbformat

    path = Path(path)
    start = time.perf_counter()
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as e:  # nbformat's NotJSONError is a ValueError
        return RunResult(path, 0.0, f"cannot read the notebook: {e}")
    error = execute(nb, path.parent, cell_timeout)
    result = RunResult(path, time.perf_counter() - start, error)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / f"{path.stem}.ipynb")
    (out_dir / f"{path.stem}.html").write_text(export_html(nb), encoding="utf-8")
    return result


def execute(nb, folder, cell_timeout):
    """Run ``nb`` in place from ``folder``; return None, or the failing cell and its error."""
    from nbclient import NotebookClient

    current = {}
    client = NotebookClient(
        nb,
        timeout=cell_timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(Path(folder).resolve())}},
        on_cell_start=lambda cell, cell_index: current.update(cell=cell),
    )
    try:
        # TensorFlow's C++ start-up log would bury the progress bar; a user's setting wins.
        client.execute(env={"TF_CPP_MIN_LOG_LEVEL": "2", **os.environ})
    except Exception as e:  # a cell error, a timeout or a dead kernel: all end this run
        return describe_failure(current.get("cell"), e, cell_timeout)
    return None


def describe_failure(cell, error, cell_timeout):
    """The failing cell's source and its error, as plain text."""
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


def strip_widgets(nb):
    """A copy of ``nb`` without widget views or widget state.

    Without a kernel a widget view renders as an empty area; removing it lets the
    output's static ``text/html`` or ``text/plain`` show instead.
    """
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            output.get("data", {}).pop(WIDGET_MIME, None)
    return nb


def export_html(nb):
    """The notebook as a standalone HTML page, widgets replaced by their static form."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(strip_widgets(nb))
    return body


def run_all(paths, out_dir, cell_timeout=600, progress=True):
    """Run every notebook of ``paths`` in order, with a progress bar; return the results."""
    from tqdm.auto import tqdm

    results = []
    with tqdm(paths, unit="notebook", disable=not progress) as bar:
        for path in bar:
            bar.set_postfix_str(Path(path).name)
            results.append(run_notebook(path, out_dir, cell_timeout))
    return results


def format_table(results):
    """A table of the runs: notebook, status and time in seconds."""
    width = max([len("notebook")] + [len(r.notebook.name) for r in results])
    lines = [f"{'notebook':<{width}}  {'status':<6}  {'time (s)':>8}"]
    lines += [f"{r.notebook.name:<{width}}  {r.status:<6}  {r.seconds:>8.1f}" for r in results]
    return "\n".join(lines)
