"""Putting competing proposals to an alignment round in a real headless Chromium (Debian's
package, driven by Playwright) against a real uvicorn server on loopback: the facilitator's
button on a proposal page opens the round, the round page links back to each proposal, and
the proposal page then says which round it is in — with no console error and no request off
localhost. A member sees no button.

scripts/test.sh installs /usr/bin/chromium; without it these tests fail (they never skip).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright
from web_gov_helpers import build_governance_app, propose
from web_helpers import PASSWORD

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync"]


@pytest.fixture(scope="module")
def round_app(demo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    app = build_governance_app(demo_root, tmp_path_factory.mktemp("proposal-round-browser"))
    app.state.competing = (
        propose(app, "member", "cac", "marketing's CAC", targets=[{"value": 40.0}]),
        propose(app, "brand", "cac", "brand's CAC", targets=[{"value": 60.0}]),
    )
    yield app
    app.state.context.store.close()
    app.state.context.live.close()


@pytest.fixture(scope="module")
def server(round_app: FastAPI) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(round_app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "install Debian's chromium (scripts/test.sh does)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    opened = context.new_page()
    problems: list[str] = []
    opened.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    opened.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    opened.on(
        "request",
        lambda request: (
            problems.append(f"off-site request: {request.url}")
            if urlparse(request.url).hostname not in {"127.0.0.1", "localhost"}
            and not request.url.startswith(("data:", "blob:"))
            else None
        ),
    )
    opened.problems = problems  # type: ignore[attr-defined]
    yield opened
    context.close()


def sign_in(page: Page, server: str, username: str) -> None:
    page.goto(server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")


def test_members_see_no_button(page: Page, server: str, round_app: FastAPI) -> None:
    sign_in(page, server, "member")
    page.goto(f"{server}/proposals/{round_app.state.competing[0]}")
    assert page.locator("form.put-to-round").count() == 0
    assert "Other open proposals for this KPI" in page.inner_text("#rounds")


def test_facilitator_puts_the_proposals_to_a_round(
    page: Page, server: str, round_app: FastAPI, tmp_path: Path
) -> None:
    marketing, brand = round_app.state.competing
    sign_in(page, server, "facilitator")
    page.goto(f"{server}/proposals/{marketing}")
    page.locator("#rounds").screenshot(path=str(tmp_path / "button.png"))
    page.fill("form.put-to-round input[name=name]", "cac-in-browser")
    page.click("form.put-to-round button[type=submit]")
    page.wait_for_url("**/rounds/cac-in-browser")
    page.screenshot(path=str(tmp_path / "round.png"), full_page=True)
    page.click(f"a[data-proposal='{brand}']")
    page.wait_for_url(f"**/proposals/{brand}")
    assert "In round cac-in-browser (open)" in page.inner_text("#rounds")
    page.screenshot(path=str(tmp_path / "proposal.png"), full_page=True)
    assert page.problems == []  # type: ignore[attr-defined]
