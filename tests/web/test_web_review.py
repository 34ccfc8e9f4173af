"""The review pack page over real HTTP: the same self-contained document as the command's,
for every signed-in role, computed once per data version."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import login

from conftest import AppFactory
from kpibridge.services.reviews.review_pack import SECTIONS

WAIT_SECONDS = 600


def ready_review(client: TestClient) -> Any:
    """GET /review until the background build is done (202 until then)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while (response := client.get("/review")).status_code == 202:
        assert time.monotonic() < deadline, "the review pack was not built in time"
        time.sleep(0.5)
    return response


def test_review_page_has_every_section_and_no_external_resource(
    signed_in: Callable[[str], TestClient], web_app: FastAPI
) -> None:
    live = web_app.state.context.live
    response = ready_review(signed_in("viewer"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    for key, heading in SECTIONS:
        assert f'<section id="{key}">' in html
        assert f"<h2>{heading}</h2>" in html.replace("&amp;", "&")
    assert 'src="http' not in html
    assert "<script" not in html
    assert '<a href="/">' in html
    assert "No open proposal." in html  # the test store is empty, and it is read
    computed = live.computed
    assert signed_in("member").get("/review").status_code == 200
    assert live.computed == computed, "the pack is remembered for the same data"


def test_the_first_request_gets_a_progress_page_then_the_pack(make_app: AppFactory) -> None:
    """The pack is built in the background: the first request answers at once with what is
    being built, a page that refreshes itself, and the pack once it is ready."""
    app = make_app(login_attempts_per_ip=100_000)
    with TestClient(app) as client:
        assert login(client, "viewer").status_code == 303
        started = time.monotonic()
        first = client.get("/review")
        assert time.monotonic() - started < 5
        assert first.status_code == 202
        assert "Building the review pack" in first.text
        assert '<meta http-equiv="refresh" content="3">' in first.text
        assert "<progress" in first.text
        pack = ready_review(client)
        assert pack.status_code == 200
        assert f'<section id="{SECTIONS[0][0]}">' in pack.text
        assert app.state.context.live.computed >= 1
