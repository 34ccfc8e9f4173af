"""The real-browser test scaffolding, in one place: the app served by a real uvicorn on
loopback, Debian's Chromium launched by Playwright, and pages that note every console error,
page error and off-site request (a test asserts the list stays empty).

Each browser test module keeps its own thin fixtures over these (its own app, its own scope),
so the launch flags and the checks on a page cannot drift apart between modules::

    @pytest.fixture(scope="module")
    def server(web_app: FastAPI) -> Iterator[str]:
        with serve(web_app) as url:
            yield url

scripts/test.sh installs /usr/bin/chromium; without it these tests fail (they never skip).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# the full set every browser test uses: no sandbox and no GPU (headless on a bare machine),
# and nothing Chromium fetches on its own, so that every request seen is the app's
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
START_SECONDS = 20


def free_port() -> int:
    """A port free on loopback right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port in a daemon thread; yield its base
    URL once it accepts connections, and stop it on the way out."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_SECONDS
        while not server.started:
            assert thread.is_alive(), f"uvicorn stopped before it started on port {port}"
            assert time.monotonic() < deadline, f"uvicorn did not start in {START_SECONDS} s"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def launch_chromium() -> Iterator[Browser]:
    """Debian's headless Chromium under Playwright, with ``CHROMIUM_ARGS``."""
    assert CHROMIUM.exists(), (
        f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does)"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def is_off_site(url: str) -> bool:
    """Whether a request leaves the machine (``data:`` and ``blob:`` URLs stay in the page)."""
    return urlparse(url).hostname not in LOCAL_HOSTS and not url.startswith(("data:", "blob:"))


@contextmanager
def open_page(browser: Browser, **context_options: Any) -> Iterator[tuple[Page, list[str]]]:
    """A page in a fresh browser context (``context_options`` go to ``new_context``) and the
    list of problems seen on it so far: console errors, uncaught page errors, and requests
    off localhost."""
    context = browser.new_context(**context_options)
    try:
        page = context.new_page()
        problems: list[str] = []

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                problems.append(f"console error: {message.text}")

        def on_request(request: Request) -> None:
            if is_off_site(request.url):
                problems.append(f"off-site request: {request.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("request", on_request)
        yield page, problems
    finally:
        context.close()


def submit_sign_in(page: Page, username: str, password: str) -> None:
    """Fill in and submit the sign-in form the page shows."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def sign_in(page: Page, start: str, username: str, password: str, landing: str) -> None:
    """Open ``start`` (the sign-in page, or a page that sends there), sign in, and wait until
    the app lands on ``landing``."""
    page.goto(start)
    submit_sign_in(page, username, password)
    page.wait_for_url(landing)
