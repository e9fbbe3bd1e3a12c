"""The training display in a real kernel: what `vaelearn run` (nbclient) saves and exports,
and that nbval runs a notebook that trains without unexpected output.

One small notebook trains a VAE on the 8x8 digits for 2 epochs with live curves; it runs
once through ``vaelearn run`` and once through nbval (each imports TensorFlow in a kernel).
"""

import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from vaelearn.classroom.pages import WIDGET_MIME
from vaelearn.classroom.runner import run_notebook

pytestmark = pytest.mark.slow  # two kernels import TensorFlow: about 20 s each on 2 cores

TRAIN = """\
vae = vl.models.make_vae(data.example_shape, latent_dim=2, seed=0)
history = vae.fit(data.x_train, epochs=2, batch_size=64, validation_data=data.x_test,
                  callbacks=[vl.training_display.LiveCurves()])"""


@pytest.fixture(scope="module")
def notebook(tmp_path_factory):
    path = tmp_path_factory.mktemp("progress") / "train.ipynb"
    checked = new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(len(history.history['loss']))",
                            execution_count=3, outputs=[new_output("stream", name="stdout",
                                                                   text="2\n")])
    nbformat.write(new_notebook(cells=[
        # Keras before vaelearn: TensorFlow's start-up log reaches the cell, for the runner to drop.
        new_code_cell("import keras\nimport vaelearn as vl\ndata = vl.data.load('digits')"),
        new_code_cell(TRAIN),
        checked,
    ]), path)
    return path


def test_vaelearn_run_keeps_the_summary_line_and_the_final_curves(notebook, tmp_path,
                                                                   monkeypatch):
    # As a teacher runs it: no log level of ours, and a kernel that passes what C++ code
    # writes to its stderr on to the cell (ipykernel does not while pytest runs a test).
    for name in ("TF_CPP_MIN_LOG_LEVEL", "PYTEST_CURRENT_TEST"):
        monkeypatch.delenv(name, raising=False)
    result = run_notebook(notebook, tmp_path)
    assert result.error is None

    executed = nbformat.read(tmp_path / "train.ipynb", as_version=4)
    assert executed.cells[0].outputs == []  # TensorFlow's start-up log dropped
    summary, curves = executed.cells[1].outputs
    assert summary.output_type == curves.output_type == "display_data"
    line = summary.data["text/plain"]
    assert line.startswith("vae: 2 epochs, 46 steps in ") and "\n" not in line
    assert " · loss " in line and " · val_kl_loss " in line
    assert 'class="vaelearn-fit-summary"' in summary.data["text/html"]
    assert set(curves.data) == {"image/png", "text/html", "text/plain"}
    assert 'alt="Training curves over 2 epochs' in curves.data["text/html"]  # JupyterLab's <img>
    assert curves.data["text/plain"] == "<CourseFigure size 864x216 with 3 Axes>"

    page = (tmp_path / "train.html").read_text(encoding="utf-8")
    assert page.count('class="vaelearn-fit-summary"') == 1 and WIDGET_MIME not in page
    assert line.split(" · ")[0] in page


def test_nbval_runs_a_training_notebook_and_checks_the_cell_after_it(notebook):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
         "-p", "no:cacheprovider", "-q", str(notebook)],
        cwd=notebook.parent, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "3 passed" in result.stdout
