"""The course's website, built by ``make test`` from the notebooks its nbval run executed
(``tools/build_site.py``), served from 127.0.0.1 to Chromium.

``VAELEARN_SITE`` names the built site's html/ folder; without it these tests are not collected
(``make test`` sets it once the site is built, after the notebooks' runs).
"""

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

SITE = Path(os.environ["VAELEARN_SITE"]).resolve() if os.environ.get("VAELEARN_SITE") else None
if SITE is None:
    collect_ignore_glob = ["test_*.py"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def site_url():
    """The site's address on a local HTTP server, for as long as the session runs."""
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
