"""vaelearn run's HTML pages load nothing: MathJax inside, no CDN script or stylesheet; a
figure's alt text reaches its <img>.

tests/browser/test_browser_offline_page.py opens such pages in Chromium with the network
refused and checks that the formulas are typeset.
"""

import html
import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from vaelearn.classroom import pages
from vaelearn.classroom.cli import main

PAGE = pages.export_html(new_notebook(cells=[
    new_markdown_cell(r"The prior is $\mathcal{N}(0, I)$: $$\mathbb{E}[z] = 0.$$"),
    new_code_cell("x = 1"),
]))


def test_a_page_carries_mathjax_and_loads_nothing():
    assert not re.search(r"<script[^>]*\ssrc=", PAGE), "a script loaded from elsewhere"
    assert not re.search(r"<link[^>]*\shref=\"?https?:", PAGE), "a stylesheet from the web"
    assert "cdnjs" not in PAGE and "require.js" not in PAGE
    assert pages.mathjax_source() in PAGE
    assert r"$\mathcal{N}(0, I)$" in PAGE  # left for MathJax to typeset in the browser


def test_the_inlined_mathjax_cannot_end_its_script_element_early():
    source = pages.mathjax_source()
    assert len(source) > 1_000_000 and "</script" not in source.lower()
    assert PAGE.count("</script>") == PAGE.count("<script")


def test_vaelearn_run_stops_before_running_when_mathjax_is_missing(tmp_path, monkeypatch,
                                                                   capsys):
    def missing():
        raise ModuleNotFoundError("No module named 'mathjax'")

    monkeypatch.setattr(pages, "mathjax_source", missing)
    notebook = tmp_path / "a.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), notebook)

    assert main(["run", str(notebook), "--out", str(tmp_path / "site")]) == 1

    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install --force-reinstall django-static-mathjax" in err[0]
    assert not (tmp_path / "site").exists()


def test_a_pngs_alt_text_becomes_its_images_alt_attribute():
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    figure = new_output("display_data", data={"image/png": png, "text/plain": "<figure>"},
                        metadata={"image/png": {"alt": 'A row of 2 "grey-level" images & <more>'}})
    page = pages.export_html(new_notebook(cells=[new_code_cell("fig", outputs=[figure])]))

    (img,) = re.findall(r"<img[^>]*>", page)
    assert html.unescape(re.search(r"alt=(['\"])(.*?)\1", img).group(2)) == \
        'A row of 2 "grey-level" images & <more>'
    assert f"data:image/png;base64,{png}" in img
