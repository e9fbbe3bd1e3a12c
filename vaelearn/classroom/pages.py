"""HTML pages of executed notebooks that a browser shows in full without a network.

``vaelearn run`` writes one page per notebook for classrooms on flaky networks, so each page
is a single file that requests nothing:

- widgets are replaced by their static ``text/html`` or ``text/plain`` (a widget needs its
  kernel; quizzes show their questions with the answers folded in ``<details>``);
- formulas are typeset in the browser by MathJax 3, the renderer JupyterLab uses, inlined
  from the ``django-static-mathjax`` package (its ``tex-svg-full`` component: every TeX
  extension built in, glyphs drawn as SVG paths, so no web font or further file is loaded);
- what nbconvert's template would load from a CDN is left out: MathJax 2, RequireJS (it
  serves only widget state, which the page does not carry) and Mermaid (a ``mermaid`` code
  block stays as its source text);
- a PNG output's alt text (``output.metadata["image/png"]["alt"]``, which every
  :class:`vaelearn.plots.CourseFigure` sets) becomes its image's ``alt``, as in nbconvert's
  classic template: the lab template that the pages extend drops it.
"""

import copy
from functools import lru_cache
from importlib import resources

__all__ = ["MATHJAX_COMPONENT", "WIDGET_MIME", "check_renderer", "export_html", "mathjax_source",
           "strip_widgets"]

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
MATHJAX_COMPONENT = "static/mathjax/es5/tex-svg-full.js"  # inside the `mathjax` package

# JupyterLab's MathJax 3 settings: $...$ and \(...\) inline, $$...$$ and \[...\] displayed,
# \$ for a dollar sign, \begin{...} environments outside dollars. <pre> and <code> (code
# cells, printed output) are skipped, as by default.
_MATHJAX_CONFIG = r"""window.MathJax = {
  tex: {
    inlineMath: [["$", "$"], ["\\(", "\\)"]],
    displayMath: [["$$", "$$"], ["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true
  },
  svg: {fontCache: "global"}
};"""

_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
<script>
{{ resources.vaelearn_mathjax_config }}
</script>
<script>
{{ resources.vaelearn_mathjax }}
</script>
{%- endblock html_head_js_mathjax -%}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
{%- set width=output | get_metadata('width', 'image/png') -%}
{%- if width is not none %}
width={{ width | escape_html }}
{%- endif %}
{%- set height=output | get_metadata('height', 'image/png') -%}
{%- if height is not none %}
height={{ height | escape_html }}
{%- endif %}
{%- set alttext=(output | get_metadata('alt', 'image/png')) or (cell | get_metadata('alt')) -%}
{%- if alttext %}
alt="{{ alttext | escape_html }}"
{%- endif %}
class="
{%- if output | get_metadata('unconfined', 'image/png') %}
unconfined
{%- endif %}
{%- if output | get_metadata('needs_background', 'image/png') == 'light' %}
jp-needs-light-background
{%- endif %}
{%- if output | get_metadata('needs_background', 'image/png') == 'dark' %}
jp-needs-dark-background
{%- endif %}
"
>
</div>
{%- endblock data_png %}
"""


@lru_cache(maxsize=1)
def mathjax_source():
    """The MathJax component inlined in every page, as JavaScript source text.

    Raises ModuleNotFoundError or OSError when the ``django-static-mathjax`` package is
    missing or incomplete (:func:`check_renderer` says so in one line)."""
    source = resources.files("mathjax").joinpath(MATHJAX_COMPONENT).read_text(encoding="utf-8")
    return source.replace("</script", "<\\/script")  # it must not end its <script> element


def check_renderer():
    """One line per problem that stops pages from rendering formulas (none when all is well)."""
    try:
        mathjax_source()
    except (ModuleNotFoundError, OSError) as e:
        return [f"cannot read MathJax, which the HTML pages need to show formulas offline "
                f"({type(e).__name__}: {e}). Reinstall it: pip install --force-reinstall "
                "django-static-mathjax"]
    return []


def strip_widgets(nb):
    """A copy of a notebook without widget views or widget state.

    Without a kernel a widget view renders as an empty area; removing it lets the
    output's static ``text/html`` or ``text/plain`` show instead.

    Parameters
    ----------
    nb : nbformat.NotebookNode

    Returns
    -------
    nbformat.NotebookNode
    """
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            output.get("data", {}).pop(WIDGET_MIME, None)
    return nb


def export_html(nb):
    """The notebook as one standalone HTML page that needs no network (see the module
    docstring).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    str
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(extra_loaders=[DictLoader({"vaelearn_offline.html.j2": _TEMPLATE})],
                            template_file="vaelearn_offline.html.j2")
    body, _ = exporter.from_notebook_node(
        strip_widgets(nb), resources={"vaelearn_mathjax": mathjax_source(),
                                      "vaelearn_mathjax_config": _MATHJAX_CONFIG})
    return body
