"""The shared browser scaffolding (``browser_support``) catches what the browser tests rely on
it to catch: a console error, an uncaught page error and a request off localhost each land in
the page's problem list, while a clean local page leaves it empty; ``serve`` answers on
loopback and stops on the way out."""

from __future__ import annotations

import socket

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from browser_support import CHROMIUM_ARGS, launch_chromium, open_page, serve

pytestmark = pytest.mark.browser

CLEAN = "<!doctype html><title>clean</title><p>nothing wrong here</p>"
BROKEN = (
    "<!doctype html><title>broken</title>"
    "<script>console.error('logged on purpose')</script>"
    "<script>throw new Error('thrown on purpose')</script>"
    '<img src="http://example.invalid/off-site.png">'
)


def pages_app() -> FastAPI:
    app = FastAPI()

    @app.get("/clean", response_class=HTMLResponse)
    def clean() -> str:
        return CLEAN

    @app.get("/broken", response_class=HTMLResponse)
    def broken() -> str:
        return BROKEN

    return app


def test_the_flags_keep_chromium_from_fetching_on_its_own() -> None:
    assert set(CHROMIUM_ARGS) == {
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    }


def test_problems_are_caught_and_a_clean_page_has_none() -> None:
    with serve(pages_app()) as url, launch_chromium() as browser:
        with open_page(browser) as (page, problems):
            page.goto(url + "/clean")
            page.wait_for_load_state("load")
            assert problems == []
        with open_page(browser) as (page, problems):
            page.goto(url + "/broken")
            page.wait_for_load_state("load")
            assert "console error: logged on purpose" in problems
            assert any(p.startswith("page error:") and "thrown on purpose" in p for p in problems)
            assert "off-site request: http://example.invalid/off-site.png" in problems


def test_serve_answers_on_loopback_then_stops() -> None:
    with serve(pages_app()) as url:
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(url + "/clean").text == CLEAN
    port = int(url.rsplit(":", 1)[1])
    with socket.socket() as probe:  # the port is free again: the server let it go
        probe.bind(("127.0.0.1", port))
