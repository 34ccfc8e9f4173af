"""A guest's cookie reaches nothing outside their own workshop: every route of the app is
called with it (and a valid CSRF token, so that CSRF is not what stops it)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from workshop_helpers import guest, open_workshop, seed

PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/api/v1/health"),
    ("GET", "/healthz"),
}
"""Open to anyone, signed in or not."""
OWN_WORKSHOP = {
    # what anyone holding the join code may read (the projector shows it to the room)
    ("GET", "/w/{code}"),
    ("GET", "/w/{code}/screen"),
    ("GET", "/api/v1/workshops/{code}"),
    ("GET", "/api/v1/workshops/{code}/figures"),
    ("GET", "/api/v1/workshops/{code}/qr.svg"),
    ("GET", "/api/v1/workshops/{code}/events"),
    ("POST", "/api/v1/workshops/{code}/ahp"),
    ("POST", "/api/v1/workshops/{code}/join"),
    ("POST", "/w/{code}/join"),
    # what the participant does, in their own workshop only
    ("GET", "/api/v1/workshops/{code}/me"),
    ("GET", "/api/v1/workshops/{code}/next"),
    ("POST", "/api/v1/workshops/{code}/statements"),
    ("POST", "/api/v1/workshops/{code}/reactions"),
    ("PUT", "/api/v1/workshops/{code}/ranking"),
    ("POST", "/w/{code}/statements"),
    ("POST", "/w/{code}/react"),
    ("POST", "/w/{code}/ranking"),
}
REFUSED = {401, 403, 404, 405}
BODIES = {
    "/api/v1/workshops/{code}/statements": {"text": "Hello", "key": "k"},
    "/api/v1/workshops/{code}/reactions": {"statement": 1, "reaction": "agree"},
    "/api/v1/workshops/{code}/ranking": {"ranking": ["cac"]},
}
"""Valid bodies, so that the refusal is about who asks, not about the body."""


def endpoints(routes: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path) of every endpoint; recent FastAPI keeps included routers nested (see
    ``tests/web/test_web_permissions.route_paths``)."""
    for route in routes:
        if isinstance(route, APIRoute):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, prefix + route.path
        elif hasattr(route, "original_router"):
            yield from endpoints(
                route.original_router.routes, prefix + route.include_context.prefix
            )


def _fill(path: str, code: str) -> str:
    values = {"code": code, "name": "workshop-round", "username": "admin", "path": "x"}
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m.group(1), "1"), path)


def test_a_guest_cookie_opens_nothing_outside_its_workshop(app: FastAPI) -> None:
    with TestClient(app) as facilitator:
        code = open_workshop(app, facilitator)
        other = open_workshop_on_same_round(app, facilitator)
        seed(app, facilitator, code, "A statement")
        visitor = guest(app, code, "Eve")
        checked = 0
        for method, path in endpoints(app.routes):
            if (method, path) in PUBLIC or path.endswith("/events"):
                continue  # an event stream never ends: its access is the figures' access
            if (method, path) in OWN_WORKSHOP:
                # the same route for another workshop: refused, unless anyone may use it
                if path.endswith(("/join", "/ahp")) or (
                    method == "GET" and not path.endswith(("/me", "/next"))
                ):
                    continue
                url = _fill(path, other)
            else:
                url = _fill(path, code)
            response = visitor.request(
                method, url, json=BODIES.get(path, {}), follow_redirects=False
            )
            checked += 1
            allowed = response.status_code in REFUSED or (
                response.status_code == 303 and response.headers["location"].startswith("/login")
            )
            assert allowed, f"{method} {url} → {response.status_code}: {response.text[:200]}"
        assert checked > 60  # every route of the app, not a handful


def open_workshop_on_same_round(app: FastAPI, client: TestClient) -> str:
    from workshop_helpers import bearer

    response = client.post(
        "/api/v1/workshops", json={"round": "workshop-round"}, headers=bearer(app)
    )
    assert response.status_code == 201
    return str(response.json()["code"])
