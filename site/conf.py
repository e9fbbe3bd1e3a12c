"""Sphinx settings of the course's website: `make site` copies this file into build/site/src/,
beside the executed notebooks (tools/build_site.py), and builds build/site/html/ from there.

Launch and source links come from two settings, both empty by default (then the site has none):

- VAELEARN_SITE_REPOSITORY: the course's public git repository, e.g.
  https://github.com/ORG/vaelearn (its branch: VAELEARN_SITE_BRANCH, default main). Each
  notebook page then links to its source, and launches on Binder and (GitHub only) Colab.
- VAELEARN_SITE_HUB: a JupyterHub, e.g. https://hub.example.edu. With a repository too, each
  notebook page launches there through an nbgitpuller link (the hub needs nbgitpuller).

`make site REPOSITORY_URL=... HUB_URL=...` (and SITE_BRANCH=...) sets them.
"""

import os

from myst_nb.core.render import NbElementRenderer

project = "vaelearn"
author = "the vaelearn authors"
copyright = "the vaelearn authors"
html_title = "vaelearn: Variational Autoencoders, hands-on"

extensions = ["myst_nb"]
exclude_patterns = ["_static", "_templates", "**.ipynb_checkpoints"]
root_doc = "index"

# The notebooks arrive executed (tools/build_site.py caches and reuses their executions).
nb_execution_mode = "off"
nb_ipywidgets_js = {}  # no widget state in the pages: nothing to load from a CDN
# A course figure's output holds a PNG and the same image as HTML (for JupyterLab, whose image
# renderer drops alt text): the site keeps the PNG as a file, its alt text put back below.
nb_mime_priority_overrides = [("html", "image/png", 25)]
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

# MathJax 3 from the django-static-mathjax package, served from _static: formulas typeset offline.
mathjax_path = "tex-svg-full.js"
# JupyterLab's delimiters, so that a quiz or an output's HTML typesets as it does there.
mathjax3_config = {
    "tex": {"inlineMath": [["$", "$"], ["\\(", "\\)"]],
            "displayMath": [["$$", "$$"], ["\\[", "\\]"]],
            "processEscapes": True, "processEnvironments": True},
    "svg": {"fontCache": "global"},
}

html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
templates_path = ["_templates"]
html_css_files = ["vaelearn.css"]
html_js_files = [("vaelearn-quiz.js", {"defer": "defer"})]
html_context = {"default_mode": "light"}
html_use_index = False  # no API to index: the table of contents and search find the lessons
html_copy_source = False  # the notebooks are linked from the repository, not copied here

_repository = os.environ.get("VAELEARN_SITE_REPOSITORY", "").strip().rstrip("/")
_hub = os.environ.get("VAELEARN_SITE_HUB", "").strip().rstrip("/")
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
}
if _repository:
    html_theme_options.update({
        "repository_url": _repository,
        "repository_branch": os.environ.get("VAELEARN_SITE_BRANCH") or "main",
        "path_to_docs": "notebooks",
        "use_repository_button": True,
        "use_source_button": True,
        "launch_buttons": {
            "notebook_interface": "jupyterlab",
            "binderhub_url": "https://mybinder.org",
            "colab_url": "https://colab.research.google.com" if "github.com" in _repository else "",
            "jupyterhub_url": _hub,
        },
    })


def _with_alt_text(render_image):
    # MyST-NB 1.4 takes an image's width and height from its output's metadata, but not its alt
    # text (the file name stands in); the course's figures carry their alt text there.
    def render(self, data):
        nodes = render_image(self, data)
        alt = data.output_metadata.get(data.mime_type, {}).get("alt")
        if alt:
            nodes[0]["alt"] = str(alt)
        return nodes

    render.keeps_alt_text = True
    return render


# Once per process, however many builds read this file.
if not getattr(NbElementRenderer.render_image, "keeps_alt_text", False):
    NbElementRenderer.render_image = _with_alt_text(NbElementRenderer.render_image)


def _source_folder(app, pagename, templatename, context, doctree):
    # The notebooks live in notebooks/, the home page in site/ (path_to_docs names one folder).
    if pagename == root_doc:
        context["doc_path"] = "site"


def setup(app):
    app.connect("html-page-context", _source_folder, priority=400)
