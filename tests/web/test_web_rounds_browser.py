"""Rounds in a real headless Chromium (Debian's package, driven by Playwright) against a real
uvicorn server on loopback: rank by drag and drop, rank by keyboard only, submit, read the
results with their charts, close the round. Every request stays on localhost; the console
stays free of errors. scripts/test.sh installs /usr/bin/chromium (these tests never skip)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page
from sqlalchemy import text
from web_helpers import PASSWORD
from web_round_helpers import open_small_round

import browser_support
from browser_support import launch_chromium, open_page, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def rounds_app(make_app: Callable[..., FastAPI]) -> FastAPI:
    app = make_app(login_attempts_per_ip=100_000)
    open_small_round(app)
    return app


@pytest.fixture(scope="module")
def server(rounds_app: FastAPI) -> Iterator[str]:
    with serve(rounds_app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch_chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with open_page(browser) as (opened, problems):
        opened.problems = problems  # type: ignore[attr-defined]
        yield opened


def sign_in(page: Page, server: str, username: str, then: str) -> None:
    browser_support.sign_in(page, server + then, username, PASSWORD, server + then)


def order(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "#ranking li.candidate", "items => items.map(i => i.dataset.candidate)"
    )


def live_ranking(app: FastAPI, participant: str, name: str = "small") -> list[list[str]]:
    with app.state.context.store.engine.connect() as connection:
        content = connection.execute(
            text(
                "SELECT content FROM ballots JOIN rounds ON rounds.id = round_id "
                "WHERE name = :n AND participant = :p AND replaced_at IS NULL"
            ),
            {"p": participant, "n": name},
        ).scalar_one()
    ranking: list[list[str]] = json.loads(content)["ranking"]
    return ranking


def test_rank_by_drag_and_drop_and_submit(page: Page, server: str, rounds_app: FastAPI) -> None:
    sign_in(page, server, "member", "/rounds/small")
    assert order(page) == ["cac", "roas", "nps", "conversion_rate"]
    assert page.is_hidden("#ranking li[data-candidate=cac] input[name='position.cac']")
    page.drag_and_drop(
        "#ranking li[data-candidate=nps] .handle", "#ranking li[data-candidate=cac] .name"
    )
    page.wait_for_function(
        "document.querySelector('#ranking li.candidate').dataset.candidate === 'nps'"
    )
    assert order(page)[0] == "nps"
    assert "nps moved" not in page.inner_text("#rank-status")  # names, not ids, are announced
    assert "Net Promoter Score moved to position 1" in page.inner_text("#rank-status")
    page.click("details.why >> nth=0")
    page.fill("textarea[name='rationale.nps']", "customers tell us first")
    page.click("button.primary")
    page.wait_for_url(server + "/rounds/small?saved=1")
    assert "Your ballot is saved" in page.inner_text("main")
    ranking = live_ranking(rounds_app, "cmo")
    assert ranking[0] == ["nps"]
    assert [c for tier in ranking for c in tier] == order(page)  # the saved order shows again
    assert page.problems == []  # type: ignore[attr-defined]


def test_rank_by_keyboard_only_then_results_and_close(
    page: Page, server: str, rounds_app: FastAPI
) -> None:
    sign_in(page, server, "facilitator", "/rounds/small")
    page.focus("#ranking li[data-candidate=conversion_rate]")
    page.keyboard.press("Alt+ArrowUp")
    page.keyboard.press("Alt+ArrowUp")
    page.keyboard.press("Alt+ArrowUp")
    assert order(page) == ["conversion_rate", "cac", "roas", "nps"]
    assert page.evaluate("document.activeElement.dataset.candidate") == "conversion_rate"
    assert "moved to position 1 of 4" in page.inner_text("#rank-status")
    page.keyboard.press("Tab")  # from the item to its move buttons: they work with Enter too
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "move down"
    assert order(page) == ["cac", "conversion_rate", "roas", "nps"]
    page.focus("button.primary")
    page.keyboard.press("Enter")
    page.wait_for_url(server + "/rounds/small?saved=1")
    assert live_ranking(rounds_app, "analytics-lead") == [
        ["cac"],
        ["conversion_rate"],
        ["roas"],
        ["nps"],
    ]

    page.goto(server + "/rounds/small/results")
    assert page.locator("table.methods tbody tr").count() == 4
    assert "2 ranked" in page.inner_text("p.round-meta")
    page.click("#close-round")
    page.wait_for_url(server + "/rounds/small/results")
    assert "closed" in page.inner_text("p.round-meta")
    assert page.problems == []  # type: ignore[attr-defined]


def test_demo_round_results_draw_the_groups_maps(page: Page, server: str) -> None:
    sign_in(page, server, "viewer", "/rounds/kpis-2027/results")
    page.wait_for_selector("figure.group-map div.vega[data-rendered=yes] svg", timeout=20_000)
    page.wait_for_function(
        "document.querySelectorAll('figure.group-map div.vega[data-rendered=yes]').length == 2"
    )
    assert page.locator("figure.group-map svg path, figure.group-map svg circle").count() > 0
    assert page.locator("div.vega[data-rendered=failed]").count() == 0
    assert page.problems == []  # type: ignore[attr-defined]


def test_without_javascript_the_positions_are_typed(
    browser: Browser, server: str, rounds_app: FastAPI
) -> None:
    """The plain form: position fields show, equal numbers tie, an empty one is unranked."""
    open_small_round(rounds_app, id="plain")  # its own round: the others close 'small'
    with open_page(browser, java_script_enabled=False) as (page, _):
        sign_in(page, server, "admin", "/rounds/plain")  # the ceo: not a participant
        assert page.locator("#ballot-form").count() == 0
        page.context.clear_cookies()
        sign_in(page, server, "member", "/rounds/plain")
        assert page.is_visible("input[name='position.roas']")
        assert page.is_hidden("button.move.up >> nth=0")
        for candidate in ("cac", "roas", "nps", "conversion_rate"):
            page.fill(f"input[name='position.{candidate}']", "")
        page.fill("input[name='position.roas']", "1")
        page.fill("input[name='position.cac']", "2")
        page.fill("input[name='position.conversion_rate']", "2")
        page.click("button.primary")
        page.wait_for_url(server + "/rounds/plain?saved=1")
        assert live_ranking(rounds_app, "cmo", "plain") == [["roas"], ["cac", "conversion_rate"]]
