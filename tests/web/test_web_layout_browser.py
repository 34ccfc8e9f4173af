"""Every page fits a phone (issue 21, item 11): in Chromium at 390 px (a phone) and 1366 px (a
laptop), no page is wider than the window, and a screenshot of each goes to
``docs/screenshots/PAGE-WIDTH.png`` so that a reviewer sees what users see.

The pages are those of a governance app on the demo (two competing proposals on CAC, a small
round the facilitator takes part in); the facilitator reads them, the admin the accounts page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page
from web_gov_helpers import build_governance_app, propose
from web_helpers import PASSWORD
from web_round_helpers import open_small_round

from browser_support import launch_chromium, open_page, serve, sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {390: 844, 1366: 900}
"""Viewport width → height: a phone and a laptop."""
BUILD_SECONDS = 600


@pytest.fixture(scope="module")
def layout_app(demo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    app = build_governance_app(demo_root, tmp_path_factory.mktemp("layout"))
    app.state.proposal = propose(app, "member", "cac", "marketing's CAC", targets=[{"value": 40.0}])
    propose(app, "brand", "cac", "brand's CAC", targets=[{"value": 60.0}])
    app.state.round = open_small_round(app)
    yield app
    app.state.context.store.close()
    app.state.context.live.close()


@pytest.fixture(scope="module")
def server(layout_app: FastAPI) -> Iterator[str]:
    with serve(layout_app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as launched:
        yield launched


def pages(app: FastAPI) -> dict[str, tuple[str | None, str]]:
    """Screenshot name → (user, path); user None: signed out."""
    round_name = app.state.round
    return {
        "login": (None, "/login"),
        "scorecard": ("facilitator", "/"),
        "goals": ("facilitator", "/goals"),
        "kpi": ("facilitator", "/kpis/cac"),
        "rounds": ("facilitator", "/rounds"),
        "round-new": ("facilitator", "/rounds/new"),
        "ballot": ("facilitator", f"/rounds/{round_name}"),
        "results": ("facilitator", f"/rounds/{round_name}/results"),
        "voice": ("facilitator", "/voice"),
        "proposals": ("facilitator", "/proposals"),
        "proposal": ("facilitator", f"/proposals/{app.state.proposal}"),
        "compare": ("facilitator", "/proposals/compare?kpi=cac"),
        "review": ("facilitator", "/review"),
        "accounts": ("admin", "/accounts"),
        "api-docs": ("facilitator", "/docs"),
        "not-found": ("facilitator", "/kpis/no_such_kpi"),
    }


def overflow(page: Page) -> int:
    """How many CSS pixels the document is wider than the window (0: it fits)."""
    width: int = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return width


WIDEST = """() => {
  const past = e => e.getBoundingClientRect().right > window.innerWidth + 1;
  const clipped = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
      if (getComputedStyle(a).overflowX !== "visible") return true;
    return false;
  };
  return [...document.querySelectorAll("body *")]
    .filter(e => past(e) && !clipped(e) && ![...e.children].some(past))
    .slice(0, 6)
    .map(e => e.tagName.toLowerCase() + (typeof e.className === "string" && e.className
      ? "." + e.className.trim().split(/\\s+/).join(".") : "")
      + " →" + Math.round(e.getBoundingClientRect().right));
}"""
"""The innermost elements that reach past the window's right edge (and are not inside a box
that scrolls or clips them), to name in a failure."""


def visit(page: Page, url: str) -> int:
    """Open ``url`` and wait until what the page loads after itself is there: the review pack
    built (202 while it is being built), htmx panels in, charts drawn. Returns the status."""
    response = page.goto(url)
    assert response is not None
    status = response.status
    if status == 202:  # the page refreshes itself until the pack is built
        assert page.locator("section.building progress").count() == 1
        page.wait_for_selector("section.building", state="detached", timeout=BUILD_SECONDS * 1000)
        page.wait_for_load_state("load")
        assert page.locator("section.error-page").count() == 0
        status = 200
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "[...document.querySelectorAll('div.vega')].every(d => d.dataset.rendered)",
        timeout=30_000,
    )
    return status


def assert_move_buttons_line_up(page: Page) -> None:
    """The ballot's ↑ and ↓ buttons: one column each, every button the same size."""
    for kind in ("up", "down"):
        boxes = [b.bounding_box() for b in page.locator(f"button.move.{kind}").all()]
        assert len(boxes) >= 2
        places = {(round(b["x"]), round(b["width"]), round(b["height"])) for b in boxes if b}
        assert len(places) == 1, places


BESIDE = """() => [...document.querySelectorAll("label.check")].filter(label => {
  const box = label.querySelector("input").getBoundingClientRect();
  const text = [...label.childNodes].find(n => n.nodeType === 3 && n.textContent.trim());
  const range = document.createRange();
  range.selectNodeContents(text);
  const line = range.getClientRects()[0];
  const middle = box.top + box.height / 2;
  return !(box.right <= line.left + 1 && middle > line.top && middle < line.bottom);
}).map(label => label.textContent.trim())"""
"""Labels of check boxes whose box is not on the first line of their text, left of it."""


def assert_boxes_beside_labels(page: Page) -> None:
    """Every check box of /rounds/new sits left of its label's text, on its first line."""
    assert page.locator("label.check").count() > 10
    assert page.evaluate(BESIDE) == []


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_page_fits_the_window(
    layout_app: FastAPI, server: str, browser: Browser, width: int
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    viewport = {"width": width, "height": WIDTHS[width]}
    too_wide: dict[str, str] = {}
    seen: list[str] = []
    by_user: dict[str | None, list[tuple[str, str]]] = {}
    for name, (user, path) in pages(layout_app).items():
        by_user.setdefault(user, []).append((name, path))
    for user, visits in by_user.items():
        with open_page(browser, viewport=viewport) as (page, problems):
            if user is not None:
                sign_in(page, server + "/login", user, PASSWORD, server + "/")
            for name, path in visits:
                status = visit(page, server + path)
                assert status == (404 if name == "not-found" else 200), f"{path}: {status}"
                if name == "ballot":
                    assert_move_buttons_line_up(page)
                if name == "round-new":
                    assert_boxes_beside_labels(page)
                if (extra := overflow(page)) > 0:
                    too_wide[name] = f"{extra} px: {', '.join(page.evaluate(WIDEST))}"
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
                seen.append(name)
            assert [p for p in problems if "404" not in p] == [], problems
    assert sorted(seen) == sorted(pages(layout_app))
    assert too_wide == {}, f"pages wider than {width} px: {too_wide}"
