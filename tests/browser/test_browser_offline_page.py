"""`vaelearn run`'s HTML pages, opened in Chromium with every request that is not a local
file refused: formulas typeset, no TensorFlow start-up log, the training summary and figure.

A page must not even try the network: the tests fail on any request that is not file://.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from vaelearn.classroom.pages import export_html

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
COURSE = sorted((REPO / "notebooks").glob("*.ipynb"))
# Every construct the course's formulas use, inline and displayed.
FORMULAS = r"""# Formulas, offline

The encoder gives $q(z \mid x) = \mathcal{N}(\mu(x), \sigma^2(x))$, and a sample costs
$\tfrac{1}{2}\lVert z \rVert^2$ nats under $p(z)$, with $\operatorname{KL} \geq 0$ and
$\mathrm{KL}$ in nats.

$$\text{loss} = \underbrace{-\mathbb{E}_{q(z\mid x)}[\log p(x \mid z)]}_{\text{reconstruction\_loss}}
+ \beta\,\underbrace{\mathrm{KL}\big(q(z\mid x)\,\|\,\mathcal{N}(0, I)\big)}_{\text{kl\_loss}}$$

$$
\begin{aligned}
\log p(x) &= \mathrm{ELBO}(x) + \mathrm{KL}\big(q(z \mid x) \,\|\, p(z \mid x)\big) \\
          &\geq \mathrm{ELBO}(x)
\end{aligned}
$$
"""
INLINE, DISPLAYED = 5, 2
RAW_TEX = re.compile(r"\$[^$]+\$|\\(begin|mathbb|mathrm|operatorname|underbrace|tfrac|lVert)\b")


def open_offline(browser, path):
    """A page showing the HTML file ``path``, every non-file request refused and recorded;
    returns (page, refused URLs) once MathJax has typeset the page."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    refused = []

    def only_files(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", only_files)
    page.goto(path.as_uri())
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise.then(() => true)")
    return page, refused


def markdown_text(page):
    return "\n".join(page.locator(".jp-MarkdownCell").all_inner_texts())


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """`vaelearn run` on a notebook with formulas and a short training, as a teacher runs it:
    in a shell (a kernel that passes C++ stderr on to the cell), no TF_CPP_MIN_LOG_LEVEL."""
    folder = tmp_path_factory.mktemp("offline")
    nbformat.write(new_notebook(cells=[
        new_markdown_cell(FORMULAS),
        new_code_cell("import keras  # before vaelearn: TensorFlow logs at start-up\n"
                      "import vaelearn as vl\n\ndata = vl.data.load('digits')"),
        new_code_cell("vae = vl.models.make_vae(data.example_shape, latent_dim=2, seed=0)\n"
                      "history = vae.fit(data.x_train, epochs=3, batch_size=64,\n"
                      "                  callbacks=[vl.training_display.LiveCurves()])"),
    ]), folder / "formulas.ipynb")
    env = {k: v for k, v in os.environ.items()
           if k not in ("TF_CPP_MIN_LOG_LEVEL", "PYTEST_CURRENT_TEST", "VAELEARN_TRAINING_DISPLAY",
                         "VAELEARN_PROGRESS")}
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from vaelearn.classroom.cli import main; "
         "sys.exit(main())", "run", "formulas.ipynb", "--out", "site"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return folder / "site" / "formulas.html"


def test_an_exported_page_renders_its_formulas_with_no_network(browser, exported, artifacts):
    page, refused = open_offline(browser, exported)
    try:
        assert refused == [], f"the page tried the network: {refused}"
        assert not RAW_TEX.search(markdown_text(page)), markdown_text(page)
        math = page.locator(".jp-MarkdownCell mjx-container")
        assert math.count() == INLINE + DISPLAYED
        assert page.locator('.jp-MarkdownCell mjx-container[display="true"]').count() == DISPLAYED
        assert page.locator(".jp-MarkdownCell mjx-container > svg").count() == INLINE + DISPLAYED
        assert page.locator("mjx-merror, [data-mjx-error]").count() == 0

        body = page.locator("body").inner_text()
        assert "oneDNN" not in body and "absl" not in body and "cuda" not in body.lower()
        summary = page.locator(".vaelearn-fit-summary")
        assert re.match(r"vae: 3 epochs, 69 steps in \d+\.\d s · loss ", summary.inner_text())
        assert page.locator('.jp-OutputArea-output img[src^="data:image/png"]').count() == 1
        page.screenshot(path=artifacts / "exported_page_offline.png")
    finally:
        page.context.close()


@pytest.mark.parametrize("notebook", COURSE, ids=[p.stem for p in COURSE])
def test_every_formula_of_the_course_renders_offline(browser, notebook, tmp_path):
    path = tmp_path / f"{notebook.stem}.html"
    path.write_text(export_html(nbformat.read(notebook, as_version=4)), encoding="utf-8")
    page, refused = open_offline(browser, path)
    try:
        assert refused == []
        assert not RAW_TEX.search(markdown_text(page))
        assert page.locator(".jp-MarkdownCell mjx-container > svg").count() > 0
        assert page.locator("mjx-merror, [data-mjx-error]").count() == 0
    finally:
        page.context.close()
