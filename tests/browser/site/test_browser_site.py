"""Every page of the course's website in Chromium: it loads with the network refused and no
failed request, its formulas are typeset (no raw LaTeX left), every image has alt text, and
axe-core finds no serious or critical accessibility violation. Search finds a lesson, the HTML
quiz is answered with the keyboard alone, the exercises' hints open from the keyboard, and no
page shows an exercise's solution.

The audit's findings per page go to ``test-artifacts/browser/site-axe.json``.
"""

import html
import json
import os
import re
from pathlib import Path

import pytest

import vaelearn
from vaelearn import exercises, quiz
from vaelearn.quiz.grading import grade

pytestmark = pytest.mark.browser

SITE = Path(os.environ["VAELEARN_SITE"])  # tests/browser/site/conftest.py: collected only when set
BLOCKING = ("serious", "critical")  # what the audit counts, of axe-core's impact levels
PAGES = sorted(path.name for path in SITE.glob("*.html"))
NOTEBOOK_PAGES = [name for name in PAGES if re.match(r"\d\d_", name)]
# Math that MathJax left untypeset: dollars, \( or \[, or a TeX command.
RAW_TEX = re.compile(r"\$[^$\s][^$]*\$|\\[(\[]|\\(frac|mathbb|mathcal|mathrm|operatorname|log|sum|beta)\b")
# The text of the page's main part, outside code, program output and typeset math.
PROSE = """() => {
  const skip = "pre, code, script, style, mjx-container, .highlight";
  const walker = document.createTreeWalker(document.querySelector("main") || document.body,
                                           NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    if (!walker.currentNode.parentElement.closest(skip)) parts.push(walker.currentNode.data);
  }
  return parts.join(" ");
}"""


def open_offline(browser, url):
    """Open a page, every request outside the local site refused, and wait for MathJax.

    Returns the page and what went wrong while loading it: refused and failed requests,
    error responses and script errors."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    origin = url.split("/")[2]
    problems = []

    def local_only(route):
        if route.request.url.split("/")[2] == origin:
            route.continue_()
        else:
            problems.append(f"refused {route.request.url}")
            route.abort()

    page.route("**/*", local_only)
    page.on("requestfailed", lambda request: problems.append(f"failed {request.url}"))
    page.on("response", lambda response: response.status < 400 or problems.append(
        f"{response.status} {response.url}"))
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.goto(url, wait_until="load")
    if page.evaluate("() => !!(window.MathJax && MathJax.startup)"):
        page.evaluate("() => MathJax.startup.promise.then(() => true)")
    return page, problems


def raw_tex(page):
    """The first piece of untypeset LaTeX in the page's prose, or None."""
    found = RAW_TEX.search(page.evaluate(PROSE))
    return found and found.group(0)


def test_the_site_has_the_whole_course_in_order():
    from vaelearn.course import notebooks

    assert NOTEBOOK_PAGES == [path.with_suffix(".html").name for path in notebooks()]
    index = (SITE / "index.html").read_text(encoding="utf-8")
    linked = re.findall(r'class="reference internal" href="(\d\d_[^"#]+)"', index)
    assert list(dict.fromkeys(linked)) == NOTEBOOK_PAGES  # the table of contents, in course order


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_typeset_described_and_accessible(name, browser, site_url, axe,
                                                             artifacts):
    page, problems = open_offline(browser, f"{site_url}/{name}")
    untypeset = raw_tex(page)
    images = page.evaluate("() => Array.from(document.images, i => [i.getAttribute('src'), i.alt])")
    violations = axe(page)
    page.context.close()
    _record_audit(artifacts / "site-axe.json", name, violations)

    assert not problems, problems
    assert untypeset is None, f"raw LaTeX on the page: {untypeset!r}"
    undescribed = [src for src, alt in images if not alt.strip() or alt.strip() in src]
    assert not undescribed, f"images without alt text: {undescribed}"
    blocking = [f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} elements, first "
                f"{v['nodes'][0]['target']})" for v in violations if v["impact"] in BLOCKING]
    assert not blocking, "\n".join(blocking)


def _record_audit(path, name, violations):
    audit = json.loads(path.read_text()) if path.exists() else {}
    audit[name] = {v["id"]: {"impact": v["impact"], "elements": len(v["nodes"])}
                   for v in violations}
    path.write_text(json.dumps(audit, indent=1, sort_keys=True))


def test_the_raw_latex_check_sees_formulas_that_mathjax_did_not_typeset(browser, site_url):
    page, _ = open_offline(browser, f"{site_url}/03_kl_divergence.html")
    assert raw_tex(page) is None
    page.context.close()
    page = browser.new_context().new_page()
    page.route("**/tex-svg-full.js*", lambda route: route.abort())  # the impostor: no MathJax
    page.goto(f"{site_url}/03_kl_divergence.html", wait_until="load")
    assert raw_tex(page)
    page.context.close()


def test_search_finds_a_lesson_offline(browser, site_url, expect):
    page, problems = open_offline(browser, f"{site_url}/search.html?q=reparameterization")
    results = page.locator("#search-results li a")
    expect(results.first).to_be_visible()
    assert "04_reparameterization_trick.html" in [a.split("#")[0] for a in
                                                  results.evaluate_all("l => l.map(a => a.getAttribute('href'))")]
    assert not problems, problems
    page.context.close()


def focus_with(page, key, target, *, limit=100):
    """Press ``key`` until ``target`` has the focus."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached {target}")


def test_the_html_quiz_is_answered_with_the_keyboard_alone(browser, site_url, expect):
    question = quiz.load("eli5").questions[0]
    wrong = next(letter for letter in question.letters if letter != question.answer)
    page, problems = open_offline(browser, f"{site_url}/17_eli5_recap.html")
    fieldset = page.locator(".vaelearn-quiz-form fieldset").first
    check = fieldset.get_by_role("button", name="Check")
    explanation = fieldset.locator(".vaelearn-quiz-explanation")

    # Tab reaches the radio group (one Tab stop), the arrow keys move in it, Space chooses.
    focus_with(page, "Tab", fieldset.locator("input[type=radio]").first)
    for letter, right in ((wrong, False), (question.answer, True)):
        choice = fieldset.locator(f"input[value='{letter}']")
        focus_with(page, "ArrowDown", choice)
        page.keyboard.press("Space")
        expect(choice).to_be_checked()
        focus_with(page, "Tab", check)
        page.keyboard.press("Enter")
        expect(fieldset.locator(".vaelearn-quiz-feedback")).to_contain_text(
            grade(question, letter).feedback)
        expect(explanation).to_be_visible() if right else expect(explanation).to_be_hidden()
        focus_with(page, "Shift+Tab", choice)
    assert not problems, problems
    page.context.close()


def test_exercise_hints_open_from_the_keyboard(browser, site_url, expect):
    page, _ = open_offline(browser, f"{site_url}/02_reconstruction_loss.html")
    box = page.locator(".vaelearn-exercise").first
    hints = box.locator("details")
    expect(hints).not_to_have_attribute("open", "")
    first_hint = exercises.hints("vae_loss")[0].split(":")[0]
    expect(box.get_by_text(first_hint, exact=False)).to_be_hidden()
    focus_with(page, "Tab", box.locator("summary"))
    page.keyboard.press("Enter")
    expect(box.get_by_text(first_hint, exact=False)).to_be_visible()
    page.context.close()


def solution_lines_shown(name, text, task):
    """The lines of an exercise's reference solution that ``text`` holds and ``task`` does not:
    the notebook's own cells (its stub, its description) and the library's code, which is
    public and which a lesson may print (05 shows the course's own sampling layer)."""
    body = exercises.reference_source(name).splitlines()[1:]  # below the def or class line
    return [line.strip() for line in body if len(line.strip()) > 20
            and not line.strip().startswith(("#", '"""', "raise"))
            and line.strip() not in task and line.strip() in text]


def test_no_page_shows_an_exercise_solution():
    import nbformat

    from vaelearn.course import notebooks

    package = Path(vaelearn.__file__).parent
    library = "\n".join(path.read_text(encoding="utf-8") for path in package.rglob("*.py")
                         if "solutions" not in path.parts)
    shown = []
    for path in notebooks():
        page = (SITE / f"{path.stem}.html").read_text(encoding="utf-8")
        text = html.unescape(re.sub(r"<[^>]+>", "", page))  # what the page shows, code included
        task = "\n".join(cell.source for cell in nbformat.read(path, 4).cells) + library
        for name in exercises.all_names():
            shown += [(path.stem, name, line) for line in solution_lines_shown(name, text, task)]
    assert not shown, shown[:5]
    # The impostor: a page that showed any of the solutions would be caught.
    missed = [name for name in exercises.all_names()
              if not solution_lines_shown(name, exercises.reference_source(name), library)]
    assert not missed


def test_training_cells_show_their_summary_not_a_stale_widget():
    # A live widget's saved stand-in is its repr; the course replaces it by a summary when the
    # work ends (vaelearn.display.LiveOutput), and the site must show that summary.
    stale = re.compile(r"(Box|Progress|Output)\(children=|\w+Progress\(value=")
    summaries = 0
    for name in NOTEBOOK_PAGES:
        text = (SITE / name).read_text(encoding="utf-8")
        assert not stale.search(text), f"{name}: {stale.search(text).group(0)}"
        summaries += text.count('class="vaelearn-fit-summary"')
    assert summaries >= len(NOTEBOOK_PAGES) // 2
