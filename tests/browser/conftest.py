"""Browser tests: the real service on a loopback port, driven by Debian's Chromium.

Playwright drives /usr/bin/chromium (scripts/test installs it with apt when it runs as
root; `playwright install` is never used). Every page a journey passes through is
checked with axe-core for WCAG 2.2 A and AA, for one <h1> that starts the <title>, and
saved as a screenshot under tests/artifacts/ for a person to look at.

Without Chromium or node_modules/axe-core the tests are skipped with the reason, unless
ENCOMPASS_REQUIRE_BROWSER=1 (scripts/test sets it in CI), when they fail instead.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from encompass import policies
from tests.browser.pages import AXE, CHROMIUM, CHROMIUM_ARGS, DESKTOP, GOVUK_CSS

# The local SMTP server (aiosmtpd) of the e2e tests, for journeys that read their e-mail.
from tests.e2e.conftest import smtp_server  # noqa: F401


def _missing() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[dev]')"
    if not CHROMIUM.exists():
        return (
            f"Chromium is not at {CHROMIUM}: run scripts/test as root (it installs it with "
            "apt), or `apt-get install chromium`"
        )
    if not AXE.exists() or not GOVUK_CSS.exists():
        return "node_modules or static/govuk is missing: run scripts/bootstrap (npm ci)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason:
        if os.environ.get("ENCOMPASS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests cannot run: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class _QuietHandler(WSGIRequestHandler):
    """No access log: a journey's hundred requests would bury a failure's message."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass
class LiveServer:
    app: Any
    url: str


@contextmanager
def serving(
    app: Any, request_handler: type[WSGIRequestHandler] | None = None
) -> Iterator[LiveServer]:
    """`app` served by werkzeug on 127.0.0.1 in a thread, until the block ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=request_handler)
    url = f"http://127.0.0.1:{server.server_port}"
    # Links in alerts must lead back to this server.
    app.config["PUBLIC_BASE_URL"] = url
    policies.install(app)  # the links the policies make must lead here too
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, url)
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture
def live_server(make_app: Any) -> Iterator[LiveServer]:
    """The app on the test database, served by werkzeug on 127.0.0.1 in a thread."""
    with serving(make_app(), _QuietHandler) as server:
        yield server


@pytest.fixture
def app(live_server: LiveServer) -> Any:
    """`db` and friends use the same app (and database) as the server."""
    return live_server.app


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """new_page(viewport=PHONE) -> a page in its own browser context (its own cookies);
    other keywords go to the context (java_script_enabled=False: a page without scripts)."""
    contexts = []

    def open_page(viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
        context = browser.new_context(viewport=viewport, base_url=live_server.url, **options)
        context.set_default_timeout(15_000)
        # axe-core goes in as an init script: the pages' Content-Security-Policy refuses
        # an injected <script> (as it should), and init scripts are not subject to it.
        context.add_init_script(path=str(AXE))
        contexts.append(context)
        page = context.new_page()
        # The service must never ask for the GDS Transport font files.
        page.fonts_requested = []
        # Anything the Content-Security-Policy blocked (a script without the nonce, an
        # inline style or handler) shows as a console error; check_page fails on it.
        page.csp_violations = []
        page.on(
            "console",
            lambda m: (
                page.csp_violations.append(m.text) if "Content Security Policy" in m.text else None
            ),
        )
        page.on(
            "request",
            lambda r: page.fonts_requested.append(r.url) if "/assets/fonts/" in r.url else None,
        )
        # A script that throws, or a stylesheet, script or image that is not there.
        page.script_errors = []
        page.on("pageerror", lambda e: page.script_errors.append(str(e)))
        page.on(
            "response",
            lambda r: (
                page.script_errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and ("/static/" in r.url or "/assets/" in r.url)
                else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
