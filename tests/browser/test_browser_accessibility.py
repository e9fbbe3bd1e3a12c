"""An axe-core audit of a course notebook in JupyterLab, run and showing its quiz.

JupyterLab says of itself that it does not conform to WCAG 2.1 AA, and some of what axe-core
finds in its interface cannot be fixed by a course. Those findings are left out of the count by
rule (``JUPYTERLAB_RULES``, each with the reason), never by page or element. The course's own
part of the page, the notebook's outputs, is audited again alone with every rule: there no
serious or critical violation is allowed at all.
"""

import json

import pytest

pytestmark = pytest.mark.browser

NOTEBOOK = "notebooks/17_eli5_recap.ipynb"
BLOCKING = ("serious", "critical")
# What JupyterLab 4.5's own interface violates (axe-core 4.x), with the elements seen: nothing a
# course can change short of patching JupyterLab.
JUPYTERLAB_RULES = {
    # critical: the file browser's and the debugger's toolbar buttons (jp-button elements)
    # carry ARIA attributes that their role does not support.
    "aria-allowed-attr": "JupyterLab's toolbar buttons",
    # serious: each code cell's CodeMirror editor is a textbox without an accessible name.
    "aria-input-field-name": "JupyterLab's cell editors",
    # critical: the notebook's windowed list viewport has a list role without list items.
    "aria-required-children": "JupyterLab's notebook viewport",
    # critical: the collapse button beside a Markdown heading has no text or label.
    "button-name": "JupyterLab's heading collapse buttons",
}


def blocking(violations, *, ignored=()):
    return [f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} elements, first "
            f"{v['nodes'][0]['target']})" for v in violations
            if v["impact"] in BLOCKING and v["id"] not in ignored]


def _summary(violations):
    return {v["id"]: {"impact": v["impact"], "help": v["help"],
                      "elements": [node["target"] for node in v["nodes"]]} for v in violations}


def test_a_notebook_in_jupyterlab_has_no_serious_violation_of_ours(lab, page, axe, artifacts, expect):
    lab.open(page, NOTEBOOK)
    expect(page.locator(".vaelearn-quiz")).to_be_visible()
    whole = axe(page)
    outputs = axe(page, {"include": [[".jp-OutputArea"]]})
    (artifacts / "jupyterlab-axe.json").write_text(json.dumps(
        {"whole page": _summary(whole), "outputs": _summary(outputs)}, indent=1))

    assert not blocking(outputs), "\n".join(blocking(outputs))
    assert not blocking(whole, ignored=JUPYTERLAB_RULES), "\n".join(
        blocking(whole, ignored=JUPYTERLAB_RULES))
