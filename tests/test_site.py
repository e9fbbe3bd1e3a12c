"""The course's website (`make site`): notebooks made into pages, cached executions, launch links.

tests/browser/site/ checks the whole built site in Chromium.
"""

import html
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from vaelearn import exercises
from vaelearn.classroom.site import exercise_html, site_notebook
from vaelearn.exercises.engine import MIME_TYPE as EXERCISE_MIME
from vaelearn.quiz.model import MIME_TYPE as QUIZ_MIME

ROOT = Path(__file__).resolve().parents[1]

WIDGET = "application/vnd.jupyter.widget-view+json"


def load_build_site():
    pytest.importorskip("myst_nb", reason="the site's tools: pip install -e '.[site]'")
    spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_quiz_widget_becomes_its_html_form_and_a_check_the_exercises_hints():
    quiz = new_output("execute_result", data={WIDGET: {"model_id": "abc"}, QUIZ_MIME: {"name": "eli5"},
                                              "text/plain": "the quiz"})
    check = new_output("execute_result", data={EXERCISE_MIME: {"name": "vae_loss", "status": "failed"},
                                               "text/plain": "[failed] vae_loss"})
    log = new_output("stream", name="stderr", text="I0000 00:00:1795600438.520680    9257 "
                     "cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will "
                     "not be used.\n")
    nb = new_notebook(cells=[new_code_cell("import vaelearn", outputs=[log]),
                             new_code_cell("check", outputs=[check]),
                             new_code_cell("quiz", outputs=[quiz])],
                      metadata={"widgets": {"state": {}}})

    page = site_notebook(nb)

    assert "widgets" not in page.metadata and page.cells[0].outputs == []
    (form,) = page.cells[2].outputs
    assert list(form.data) == ["text/html"] and 'data-quiz="eli5"' in form.data["text/html"]
    (hints,) = page.cells[1].outputs
    assert hints.data == {"text/html": exercise_html("vae_loss")}
    assert WIDGET in nb.cells[2].outputs[0].data  # the executed notebook is left as it was


def test_an_exercise_shows_its_hints_folded_and_never_its_solution():
    shown = exercise_html("vae_loss")
    assert re.search(r"<details><summary>Hints</summary><ul>(<li>.*?</li>){5}</ul></details>",
                     shown)
    assert "open" not in shown
    for line in exercises.reference_source("vae_loss").splitlines()[1:]:
        assert len(line.strip()) < 12 or line.strip() not in shown
    judged = exercise_html("scratch_vae")  # judged exercises give their hints as they judge
    assert "the check says what is wrong" in judged


@pytest.fixture
def tiny_course(tmp_path, monkeypatch):
    """tools/build_site.py over a course of two short notebooks: ``build(*options)`` builds
    the site and returns its html/ folder."""
    tool = load_build_site()
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name, title in (("00_first", "First"), ("01_second", "Second")):
        nbformat.write(new_notebook(cells=[
            new_markdown_cell(f"# {title}\n\nThe prior is $\\mathcal{{N}}(0, I)$."),
            new_code_cell(f"print('{title} ran')"),
        ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}}), folder / f"{name}.ipynb")
    monkeypatch.setattr(tool, "notebooks", lambda: sorted(folder.glob("*.ipynb")))
    for name in ("VAELEARN_SITE_REPOSITORY", "VAELEARN_SITE_HUB", "VAELEARN_SITE_BRANCH"):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "site"

    def build(*options):
        assert tool.main(["--out", str(out), "--timeout", "60", *options]) == 0
        return out / "html"

    build.folder = folder
    return build


def ran(capsys):
    return re.findall(r"ran (\S+\.ipynb)", capsys.readouterr().out)


def test_a_rebuild_runs_only_the_notebook_that_changed(tiny_course, capsys):
    site = tiny_course()
    assert ran(capsys) == ["00_first.ipynb", "01_second.ipynb"]
    assert "First ran" in (site / "00_first.html").read_text(encoding="utf-8")
    assert re.search(r'href="01_second.html"', (site / "index.html").read_text(encoding="utf-8"))

    tiny_course()
    assert ran(capsys) == []

    path = tiny_course.folder / "01_second.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].source = "print('Second ran again')"
    nbformat.write(nb, path)
    site = tiny_course()
    assert ran(capsys) == ["01_second.ipynb"]
    assert "Second ran again" in (site / "01_second.html").read_text(encoding="utf-8")


def test_executed_copies_made_elsewhere_are_reused(tiny_course, tmp_path, capsys):
    executed = tmp_path / "executed"
    executed.mkdir()
    for path in tiny_course.folder.glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        nb.cells[1].outputs = [new_output("stream", name="stdout", text="ran in the tests\n")]
        nb.cells[1].execution_count = 1
        nbformat.write(nb, executed / path.name)

    tiny_course("--executed", str(executed))

    assert ran(capsys) == []
    assert "ran in the tests" in (tiny_course.folder.parent / "site" / "html" / "00_first.html").read_text()


def links(page):
    return [html.unescape(link) for link in
            re.findall(r'href="(https?://[^"]+)"', page.read_text(encoding="utf-8"))]


def test_no_launch_or_source_links_unless_configured(tiny_course):
    site = tiny_course()
    assert links(site / "00_first.html") == links(site / "index.html") == []


def test_launch_and_source_links_from_the_repository_and_hub_settings(tiny_course, monkeypatch):
    monkeypatch.setenv("VAELEARN_SITE_REPOSITORY", "https://github.com/example-org/vaelearn")
    monkeypatch.setenv("VAELEARN_SITE_HUB", "https://hub.example.edu/")
    site = tiny_course()
    page = set(links(site / "01_second.html"))
    assert {
        "https://github.com/example-org/vaelearn",
        "https://github.com/example-org/vaelearn/blob/main/notebooks/01_second.ipynb?plain=1",
        "https://mybinder.org/v2/gh/example-org/vaelearn/main?urlpath=lab/tree/notebooks/"
        "01_second.ipynb",
        "https://colab.research.google.com/github/example-org/vaelearn/blob/main/notebooks/"
        "01_second.ipynb",
        # nbgitpuller clones the repository into the learner's home, then opens the notebook.
        "https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A//github.com/"
        "example-org/vaelearn&urlpath=lab/tree/vaelearn/notebooks/01_second.ipynb&branch=main",
    } <= page
    assert ("https://github.com/example-org/vaelearn/blob/main/site/index.md?plain=1"
            in links(site / "index.html"))
