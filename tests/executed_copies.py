"""Executed copies of the notebooks that nbval runs, for the site to reuse.

nbval keeps no executed notebook, and what it collects of a cell's output leaves out display
updates (the course's training cells end by replacing their live view with a summary). This
plugin listens to the same kernel messages and builds each notebook's outputs as Jupyter does
(``nbformat.v4.output_from_msg``, display updates applied, streams joined), and writes the
notebook to ``FOLDER/<name>.ipynb`` when all its cells passed, its cells numbered in order.
"""

import copy
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import output_from_msg
from nbval.kernel import RunningKernel
from nbval.plugin import IPyNbCell, coalesce_streams

_OUTPUTS = {"stream", "display_data", "execute_result", "error"}


class _Recording:
    """One notebook's outputs, built from its kernel's messages."""

    def __init__(self, nb):
        self.nb = copy.deepcopy(nb)
        for cell in self.nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        self.code_cells = [cell for cell in self.nb.cells if cell.cell_type == "code"]
        self.cell_by_message = {}
        self.by_display_id = {}
        self.passed = True

    def on_message(self, msg):
        cell = self.cell_by_message.get(msg["parent_header"].get("msg_id"))
        kind, content = msg["msg_type"], msg["content"]
        if cell is None:
            return
        if kind == "execute_input":
            cell.execution_count = content["execution_count"]
        elif kind == "clear_output":
            cell.outputs = []
        elif kind == "update_display_data":
            for output in self.by_display_id.get(content.get("transient", {}).get("display_id"), ()):
                output.data, output.metadata = content["data"], content["metadata"]
        elif kind in _OUTPUTS:
            output = output_from_msg(msg)
            cell.outputs.append(output)
            display_id = content.get("transient", {}).get("display_id")
            if display_id:
                self.by_display_id.setdefault(display_id, []).append(output)

    def write(self, path):
        for count, cell in enumerate(self.code_cells, 1):  # nbval runs cells outside the history
            cell.outputs, cell.execution_count = coalesce_streams(cell.outputs), count
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(self.nb, path)


class ExecutedCopies:
    """The pytest plugin: registered by the root conftest when VAELEARN_EXECUTED is set."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.recordings = {}
        self._patch_kernel()

    def _patch_kernel(self):
        plugin = self
        nbval_execute, nbval_get_message = RunningKernel.execute_cell_input, RunningKernel.get_message

        def execute_cell_input(kernel, cell_input, allow_stdin=None):
            msg_id = nbval_execute(kernel, cell_input, allow_stdin=allow_stdin)
            recording, cell = plugin.current
            recording.cell_by_message[msg_id] = cell
            return msg_id

        def get_message(kernel, stream, timeout=None):
            msg = nbval_get_message(kernel, stream, timeout=timeout)
            if stream == "iopub" and getattr(plugin, "current", None):
                plugin.current[0].on_message(msg)
            return msg

        RunningKernel.execute_cell_input = execute_cell_input
        RunningKernel.get_message = get_message

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        if not isinstance(item, IPyNbCell):
            yield
            return
        notebook = item.parent
        recording = self.recordings.get(notebook.nodeid)
        if recording is None:
            recording = self.recordings[notebook.nodeid] = _Recording(notebook.nb)
        self.current = (recording, recording.code_cells[item.cell_num])
        try:
            outcome = yield
            if outcome.excinfo is not None:
                recording.passed = False
        finally:
            self.current = None
        if item.cell_num == len(recording.code_cells) - 1 and recording.passed:
            recording.write(self.folder / Path(str(notebook.fspath)).name)
            del self.recordings[notebook.nodeid]
