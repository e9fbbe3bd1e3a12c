"""Fixtures that drive a real JupyterLab in headless Chromium.

One ``jupyter lab`` server runs per test session, from this environment's
Python, on a free port of 127.0.0.1 with a random token, over a temporary copy
of ``notebooks/`` and ``quizzes/``. Each test gets a fresh browser page; when
it ends, a screenshot goes to ``test-artifacts/browser/`` (``$VAELEARN_ARTIFACTS``
overrides ``test-artifacts``) and every kernel is shut down. A failing test's
report carries the JupyterLab log.

Chromium is Debian's ``/usr/bin/chromium`` (``$CHROMIUM`` overrides); nothing
downloads a browser. When it or Playwright is missing the tests are skipped,
or fail under ``CI=true``.
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

try:
    from playwright import sync_api as playwright
except ImportError:
    playwright = None

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# axe-core from npm (`make test` installs it into .axe/): the accessibility audit run in pages.
AXE = Path(os.environ.get("VAELEARN_AXE") or REPO / ".axe/node_modules/axe-core/axe.min.js")
# What the audit counts: violations that axe-core rates serious or critical.
BLOCKING = ("serious", "critical")
ARTIFACTS = Path(os.environ.get("VAELEARN_ARTIFACTS") or REPO / "test-artifacts") / "browser"
# Keep Chromium off the network: no updates, sync or telemetry.
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI containers run as root
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
LAB_SETTINGS = {
    # No news toast or update banner over the page.
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    # Render every cell: with windowing, off-screen outputs are detached and locators miss them.
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}
STARTUP_TIMEOUT_S = 60
EXPECT_TIMEOUT_MS = 20_000  # a widget update is a kernel round trip; the first decode may trace a model
KERNEL_TIMEOUT_MS = 90_000
RUN_TIMEOUT_MS = 180_000

_skip_reasons = set()


def _missing_requirement():
    if playwright is None:
        return "Playwright not importable: pip install -e '.[test]'"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium not found at {CHROMIUM}: apt-get install chromium"
    return None


def _skip_or_fail(problem):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(problem, pytrace=False)
    _skip_reasons.add(problem)
    pytest.skip(problem)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab server over a temporary course tree."""

    url: str
    token: str
    root: Path
    home: Path
    log: Path

    def open(self, page, relpath):
        """Open a notebook, run all its cells and wait until every one has run."""
        self.start(page, relpath)
        self.wait_until_run(page)

    def start(self, page, relpath):
        """Open a notebook and start Run All Cells; return once the first cell has started."""
        assert (self.root / relpath).is_file(), f"{relpath} is missing from the course"
        # ?reset: a fresh workspace, without the notebooks that earlier tests opened.
        page.goto(f"{self.url}/lab/tree/{relpath}?reset&token={self.token}")
        _wait_idle(page)
        prompts = _prompts(page)
        # A click can land before the kernel session is usable: retry Run All once.
        for attempt in range(2):
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            try:
                playwright.expect(prompts.first).not_to_have_text(re.compile(r"\[\s\]"), timeout=15_000)
                break
            except AssertionError:
                if attempt:
                    raise

    def wait_until_run(self, page):
        """Wait until every cell that Run All started has run."""
        prompts = _prompts(page)
        # Cells run in order and Run All stops at an error: the last one running means all did.
        ran = re.compile(r"\[\d+\]:")
        playwright.expect(prompts.last).to_have_text(ran, timeout=RUN_TIMEOUT_MS)
        playwright.expect(prompts).to_have_text([ran] * prompts.count())
        _wait_idle(page)

    def attempts(self):
        """Return the quiz attempts in the learner's progress file (none if it does not exist)."""
        path = self.home / "progress.json"
        return json.loads(path.read_text(encoding="utf-8"))["attempts"] if path.exists() else []

    def api(self, method, path):
        request = urllib.request.Request(
            f"{self.url}/api/{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")


def _prompts(page):
    return page.locator(".jp-CodeCell .jp-InputArea .jp-InputPrompt")


def _wait_idle(page):
    # The toolbar indicator says idle before the session is usable; the status bar is later.
    page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for(timeout=KERNEL_TIMEOUT_MS)
    playwright.expect(page.locator("#jp-main-statusbar")).to_contain_text("Idle", timeout=KERNEL_TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser():
    problem = _missing_requirement()
    if problem:
        _skip_or_fail(problem)
    playwright.expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def lab(browser, tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    for folder in ("notebooks", "quizzes"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = root / ".lab-settings"
    for name, values in LAB_SETTINGS.items():
        path = settings / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    home = root / ".vaelearn"
    env = dict(
        os.environ,
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(root / ".lab-workspaces"),
        JUPYTER_RUNTIME_DIR=str(root / ".jupyter-runtime"),
        VAELEARN_HOME=str(home),
        VAELEARN_QUIZ_DIR=str(root / "quizzes"),
        VAELEARN_DATASET="digits",
    )
    # As on a learner's machine: the kernel's inline plots, and TensorFlow's start-up log left
    # to `import vaelearn` (a TF_CPP_MIN_LOG_LEVEL of ours would switch that off).
    for name in ("MPLBACKEND", "TF_CPP_MIN_LOG_LEVEL", "VAELEARN_TRAINING_DISPLAY",
                 "VAELEARN_PROGRESS"):
        env.pop(name, None)
    token, port = secrets.token_hex(16), _free_port()
    log_path = root / "jupyterlab.log"
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--ServerApp.allow_root=True",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT)
    try:
        server = Lab(f"http://127.0.0.1:{port}", token, root, home, log_path)
        _wait_for_server(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_server(server, process):
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        try:
            server.api("GET", "status")
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"jupyter lab did not start within {STARTUP_TIMEOUT_S} s; its log:\n"
                    + server.log.read_text(errors="replace")
                ) from None
            time.sleep(0.3)


@pytest.fixture
def expect(browser):
    """Playwright's ``expect`` (a fixture, so that a missing Playwright skips instead of erroring)."""
    return playwright.expect


@pytest.fixture(scope="session")
def axe(browser):
    """``axe(page, **options)``: run axe-core in the page; returns its violations, each a dict
    with ``id``, ``impact``, ``help`` and ``nodes`` (see axe-core's ``axe.run``)."""
    if not AXE.is_file():
        _skip_or_fail(f"axe-core not found at {AXE}: npm install --prefix .axe axe-core@4")
    source = AXE.read_text(encoding="utf-8")

    def run(page, context=None, **options):
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.add_script_tag(content=source)
        return page.evaluate("([context, options]) => axe.run(context || document, options)"
                             ".then(result => result.violations)", [context, options])

    return run


@pytest.fixture
def artifacts(browser):
    """The folder for screenshots a test keeps besides the one taken when it ends."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page(browser, lab, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{_safe_name(request.node.name)}.png")
    context.close()
    lab.shutdown_kernels()


def _safe_name(name):
    return re.sub(r"[^\w.-]+", "_", name)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    server = getattr(item, "funcargs", {}).get("lab")
    if report.failed and isinstance(server, Lab):
        report.sections.append(("JupyterLab log", server.log.read_text(errors="replace")))


def pytest_terminal_summary(terminalreporter):
    for reason in sorted(_skip_reasons):
        terminalreporter.write_line(f"browser tests SKIPPED: {reason}", yellow=True, bold=True)
