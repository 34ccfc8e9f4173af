"""Putting competing proposals to an alignment round in a real headless Chromium (Debian's
package, driven by Playwright) against a real uvicorn server on loopback: the facilitator's
button on a proposal page opens the round, the round page links back to each proposal, and
the proposal page then says which round it is in — with no console error and no request off
localhost. A member sees no button.

scripts/test.sh installs /usr/bin/chromium; without it these tests fail (they never skip).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page
from web_gov_helpers import build_governance_app, propose
from web_helpers import PASSWORD

import browser_support
from browser_support import launch_chromium, open_page, serve

pytestmark = pytest.mark.browser


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
    with serve(round_app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with open_page(browser, viewport={"width": 1300, "height": 900}) as (opened, problems):
        opened.problems = problems  # type: ignore[attr-defined]
        yield opened


def sign_in(page: Page, server: str, username: str) -> None:
    browser_support.sign_in(page, server + "/login", username, PASSWORD, server + "/")


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
