"""The customer-voice page, a proposal page and the KPI page's new panels in a real headless
Chromium (Debian's package, driven by Playwright) against a real uvicorn server on loopback:
the charts are drawn (vega-embed put an SVG with marks in them), the approve form works, and
every request stays on localhost with a console free of errors.

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
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def gov_app(demo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    app = build_governance_app(demo_root, tmp_path_factory.mktemp("gov-browser"))
    app.state.proposal = propose(
        app, "member", "cac", "display is brand", filter="channel != 'display'"
    )
    yield app
    app.state.context.store.close()
    app.state.context.live.close()


@pytest.fixture(scope="module")
def server(gov_app: FastAPI) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(gov_app, host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
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
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
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


def drawn(page: Page, figure: str) -> int:
    """Wait until vega-embed drew the chart of ``figure``; return its number of SVG paths."""
    page.wait_for_selector(f"{figure} div.vega[data-rendered=yes] svg", timeout=30_000)
    assert page.locator(f"{figure} div.vega[data-rendered=failed]").count() == 0
    return page.locator(f"{figure} svg path").count()


def test_voice_page_draws_its_charts(page: Page, server: str) -> None:
    sign_in(page, server, "viewer")
    page.click("nav >> text=Voice")
    page.wait_for_url(server + "/voice")
    assert drawn(page, "#nps-chart") > 0
    assert drawn(page, "#sentiment-chart") > 0
    assert page.locator("table.themes tr[data-theme]").count() > 0
    assert "rising since" in page.inner_text(".emerging")
    page.select_option("select[name=grain]", "quarter")
    page.click("form.pickers button")
    page.wait_for_url("**/voice?grain=quarter")
    assert drawn(page, "#nps-chart") > 0
    assert page.problems == []  # type: ignore[attr-defined]


def test_proposal_page_draws_the_impact_and_takes_an_approval(
    page: Page, server: str, gov_app: FastAPI
) -> None:
    number = gov_app.state.proposal
    sign_in(page, server, "facilitator")
    page.click("nav >> text=Proposals")
    page.click(f"tr[data-proposal='{number}'] td.num a")
    page.wait_for_url(f"**/proposals/{number}")
    assert drawn(page, "#impact-chart") > 0
    assert page.locator("table.impact-table tbody tr").count() == 13
    assert "+filter: channel != 'display'" in page.inner_text("pre.yaml-diff")
    page.fill("textarea[name=comment]", "measurable as written")
    page.click("button[value=approve]")
    page.wait_for_url(f"**/proposals/{number}#decisions")
    assert "facilitator" in page.inner_text("tr[data-seat='role:analytics']")
    assert "measurable as written" in page.inner_text("#decisions")
    assert drawn(page, "#impact-chart") > 0
    assert page.problems == []  # type: ignore[attr-defined]


def test_kpi_page_loads_themes_and_history(page: Page, server: str, gov_app: FastAPI) -> None:
    sign_in(page, server, "member")
    page.goto(server + "/kpis/cac")
    page.wait_for_selector("#themes table.theme-movements tr[data-theme]", timeout=30_000)
    page.wait_for_selector("#history table.versions tr[data-part=definition]", timeout=30_000)
    assert f"#{gov_app.state.proposal}" in page.inner_text("#history")
    assert page.problems == []  # type: ignore[attr-defined]
