"""A whole workshop in real headless Chromium against a real uvicorn server: a facilitator,
two guests on phone-sized screens (390 × 844) and the projector (1366 × 768) go through every
phase. The projector updates without a reload (a marker set in its window survives); guests
answer by keyboard; no page logs a console error or sends a request off localhost.
Screenshots of the participant view and the projector go to docs/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page
from web_helpers import PASSWORD
from workshop_helpers import open_round

import browser_support
from browser_support import launch_chromium, open_page, serve

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as launched:
        yield launched


def _text(page: Page, selector: str) -> str:
    return page.inner_text(selector).strip()


def _wait_text(page: Page, selector: str, expected: str) -> None:
    page.wait_for_function(
        "([s, e]) => (document.querySelector(s)?.textContent || '').trim() === e",
        arg=[selector, expected],
        timeout=60_000,
    )


def _phase(facilitator: Page, phase: str) -> None:
    facilitator.click(f"form.phase-buttons button[value={phase}]")
    facilitator.wait_for_selector(f"form.phase-buttons button.current[value={phase}]")


def _join(page: Page, url: str, name: str, group: str) -> None:
    page.goto(url)
    page.fill("input[name=display_name]", name)
    page.fill("input[name=group]", group)
    page.click("button.primary")
    page.wait_for_selector(".phases li.current")


def _answer_all(page: Page, keys: str) -> list[str]:
    """Answer every statement shown by keyboard (A / D / P), one key each; returns the
    statements as the page showed them (text, not markup)."""
    seen = []
    for key in keys:
        page.wait_for_selector(".reactions button")
        seen.append(page.inner_text(".statement"))
        shown = page.inner_text(".progress")
        page.keyboard.press(key)
        page.wait_for_function(
            "p => document.querySelector('.progress')?.textContent !== p",
            arg=shown,
        )
    page.wait_for_selector("text=You have answered all")
    return seen


def test_a_workshop_through_every_phase(browser: Browser, make_workshop_app: object) -> None:
    app: FastAPI = make_workshop_app()  # type: ignore[operator]
    open_round(app)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with (
        serve(app) as server,
        open_page(browser, viewport=PROJECTOR) as (facilitator, problems_f),
        open_page(browser, viewport=PROJECTOR) as (screen, problems_s),
        open_page(browser, viewport=PHONE) as (ann, problems_a),
        open_page(browser, viewport=PHONE) as (bo, problems_b),
        open_page(browser, viewport=PHONE) as (phone_screen, problems_p),
    ):
        # the facilitator opens a workshop from the round page
        browser_support.sign_in(
            facilitator,
            server + "/rounds/workshop-round",
            "facilitator",
            PASSWORD,
            server + "/rounds/workshop-round",
        )
        facilitator.click("#open-workshop")
        facilitator.wait_for_url(re.compile(r".*/w/[A-Z0-9]{6}/facilitate$"))
        code = facilitator.url.rsplit("/", 2)[-2]
        assert facilitator.inner_html(".join-box .qr").lstrip().startswith("<svg")

        screen.goto(f"{server}/w/{code}/screen")
        screen.evaluate("window.__sameScreen = true")
        _wait_text(screen, "#n-participants", "0")

        _join(ann, f"{server}/w/{code}", "Ann", "finance")
        _join(bo, f"{server}/w/{code}", "Bo", "customer")
        _wait_text(screen, "#n-participants", "2")

        # brainstorm: statements with markup, emoji and right-to-left text stay text
        ann.fill("#statement-text", "<script>alert(1)</script> CAC hides the brand effect")
        ann.click("form[action$='/statements'] button.primary")
        ann.wait_for_selector(".mine .tag-accepted")
        bo.fill("#statement-text", "🙂 NPS tells us why — מדד נאמנות")
        bo.click("form[action$='/statements'] button.primary")
        bo.wait_for_selector(".mine .tag-accepted")
        facilitator.goto(f"{server}/w/{code}/facilitate")
        facilitator.fill("form[action$='/seed'] input[name=text]", "ROAS is enough for paid media")
        facilitator.click("form[action$='/seed'] button")
        _wait_text(screen, "#n-statements", "3")

        # react: the guests' pages follow the phase by themselves; answers by keyboard
        _phase(facilitator, "react")
        for page in (ann, bo):
            page.wait_for_selector(".phases li.current:has-text('react')")
        ann.screenshot(path=str(SHOTS / "workshop-participant-react-390.png"), full_page=True)
        _answer_all(ann, "ad")
        seen = _answer_all(bo, "dp")
        assert "<script>alert(1)</script> CAC hides the brand effect" in seen  # as text
        _wait_text(screen, "#n-votes", "6")  # 2 authors agree with their own + 4 answers
        assert screen.locator("script:has-text('alert(1)')").count() == 0

        # rank and weigh, with the live consistency ratio of the sliders
        _phase(facilitator, "rank")
        orders = {
            ann: ["cac", "roas", "nps", "conversion_rate"],
            bo: ["nps", "cac", "conversion_rate", "roas"],
        }
        for page, order in orders.items():
            page.wait_for_selector("#ranking-form")
            for place, candidate in enumerate(order, start=1):
                page.select_option(f"select[name='place.{candidate}']", str(place))
        sliders = ann.locator(".ahp input[type=range]")
        # pairs in order (goal, measurability), (goal, actionability), (measurability, action.)
        for index, value in enumerate(("6", "6", "-6")):  # g 7× m, g 7× a, yet a 7× m
            sliders.nth(index).fill(value)
        ann.wait_for_function(
            "() => document.getElementById('consistency').textContent.includes('above 0.1')",
            timeout=60_000,
        )
        assert "You rated goal alignment over measurability 7" in _text(ann, "#consistency")
        ann.screenshot(path=str(SHOTS / "workshop-participant-rank-390.png"), full_page=True)
        for index, value in enumerate(("1", "3", "1")):  # g 2× m, g 4× a, m 2× a: consistent
            sliders.nth(index).fill(value)
        ann.wait_for_function(
            "() => document.getElementById('consistency').textContent.includes('fit together')",
            timeout=60_000,
        )
        for page in orders:
            page.click("#ranking-form button.primary")
            page.wait_for_selector("text=Sent:")
        _wait_text(screen, "#n-rankings", "2")

        # results: each participant sees where they stand; the projector the consensus
        _phase(facilitator, "results")
        ann.wait_for_selector(".phases li.current:has-text('results')")
        ann.wait_for_selector("table.compare")
        screen.wait_for_selector("#consensus li")
        assert screen.locator("#consensus li").count() == 4
        assert screen.evaluate("window.__sameScreen") is True  # never reloaded
        ann.screenshot(path=str(SHOTS / "workshop-participant-results-390.png"), full_page=True)
        screen.screenshot(path=str(SHOTS / "workshop-projector-1366.png"), full_page=True)
        phone_screen.goto(f"{server}/w/{code}/screen")
        phone_screen.wait_for_selector("#consensus li")
        phone_screen.screenshot(path=str(SHOTS / "workshop-projector-390.png"), full_page=True)

        # hidden results: hidden on the projector and in the participant's own view
        facilitator.click("button[name=results_visible][value=false]")
        screen.wait_for_selector("#hidden-note:not([hidden])")
        bo.wait_for_selector("text=The facilitator has hidden the results")
        facilitator.click("button[name=results_visible][value=true]")
        screen.wait_for_selector("#panels:not([hidden])")

        _phase(facilitator, "closed")
        _wait_text(screen, "#phase", "closed")
        assert screen.evaluate("window.__sameScreen") is True
        for problems in (problems_f, problems_s, problems_a, problems_b, problems_p):
            assert problems == []
