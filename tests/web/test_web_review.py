"""The review pack page over real HTTP: the same self-contained document as the command's,
for every signed-in role, computed once per data version."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from kpibridge.services.reviews.review_pack import SECTIONS


def test_review_page_has_every_section_and_no_external_resource(
    signed_in: Callable[[str], TestClient], web_app: FastAPI
) -> None:
    live = web_app.state.context.live
    response = signed_in("viewer").get("/review")
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
