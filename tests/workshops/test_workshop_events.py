"""The live screen's event stream over a real uvicorn server: the figures arrive at once and
again after each change, without the client asking."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from workshop_helpers import CSRF, bearer, open_workshop, seed

from browser_support import serve


def _events(lines: Iterator[str]) -> Iterator[dict[str, object]]:
    """The ``figures`` events of a server-sent event stream, parsed."""
    name = None
    for line in lines:
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: ") and name == "figures":
            yield json.loads(line.removeprefix("data: "))


def test_the_stream_sends_new_figures_after_each_vote_and_phase_change(app: FastAPI) -> None:
    with TestClient(app) as setup:
        code = open_workshop(app, setup)
        statement = seed(app, setup, code, "Retention matters more than reach")
    with serve(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        client.cookies.set("kpibridge_csrf", CSRF)
        joined = client.post(
            f"/api/v1/workshops/{code}/join",
            json={"display_name": "Ann"},
            headers={"X-CSRF-Token": CSRF},
        )
        assert joined.status_code == 200
        with (
            httpx.Client(base_url=url, timeout=10) as screen,
            screen.stream("GET", f"/api/v1/workshops/{code}/events") as stream,
        ):
            assert stream.headers["content-type"].startswith("text/event-stream")
            events = _events(stream.iter_lines())
            first = next(events)
            assert first["votes"] == 0
            assert first["participants"] == {"active": 1, "removed": 0}
            sent = time.monotonic()
            voted = client.post(
                f"/api/v1/workshops/{code}/reactions",
                json={"statement": statement, "reaction": "agree"},
                headers={"X-CSRF-Token": CSRF},
            )
            assert voted.status_code == 200
            second = next(events)
            assert second["votes"] == 1
            assert time.monotonic() - sent < 5  # pushed, not waiting for a reload
            with httpx.Client(base_url=url, timeout=10) as facilitator:
                moved = facilitator.post(
                    f"/api/v1/workshops/{code}/control",
                    json={"phase": "react", "results_visible": False},
                    headers=bearer(app),
                )
                assert moved.status_code == 200
            third = next(events)
            assert third["workshop"]["phase"] == "react"  # type: ignore[index]
            assert third["consensus"] is None  # results hidden: counts only
            assert third["votes"] == 1
