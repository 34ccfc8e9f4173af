"""Who may do what, on every route: anonymous people are sent to sign in (pages) or get 401
(API); every role reads. Routes are listed from the app itself, so a new route without an
entry here fails ``test_every_route_is_in_the_table``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from web_gov_helpers import GOV_READ_ROUTES, PROPOSAL_ROUTES
from web_helpers import login
from web_round_helpers import ROUND_ROUTES

from kpibridge.model.access import AccessRole
from kpibridge.services.accounts.users import set_role

ROLES = ("admin", "facilitator", "member", "viewer")
READ_ROUTES = {
    "/": "page",
    "/kpis/{kpi_id}": "page",
    "/goals": "page",
    "/docs": "page",
    "/openapi.json": "api",
    "/api/v1/me": "api",
    "/api/v1/kpis": "api",
    "/api/v1/kpis/{kpi_id}": "api",
    "/api/v1/kpis/{kpi_id}/values": "api",
    "/kpis/{kpi_id}/monitor": "page",
    "/kpis/{kpi_id}/evidence": "page",
    "/api/v1/kpis/{kpi_id}/monitor": "api",
    "/api/v1/kpis/{kpi_id}/drivers": "api",
    "/api/v1/kpis/{kpi_id}/evidence": "api",
    "/api/v1/scorecard": "api",
    "/api/v1/goals": "api",
    **GOV_READ_ROUTES,
    "/review": "page",
    "/tree": "page",
    "/api/v1/tree": "api",
}
"""Routes every signed-in role may read; ``page`` redirects anonymous people to sign in."""
PUBLIC_ROUTES = {"/login", "/logout", "/healthz"}
WORKSHOP_ROUTES = {
    # live workshops: who may use each is tested in tests/workshops (the join code is the key
    # to the participant routes; a guest's cookie opens nothing else: test_guest_isolation)
    "/w/{code}",
    "/w/{code}/join",
    "/w/{code}/statements",
    "/w/{code}/react",
    "/w/{code}/ranking",
    "/w/{code}/screen",
    "/w/{code}/facilitate",
    "/w/{code}/control",
    "/w/{code}/seed",
    "/w/{code}/moderate/{statement}",
    "/w/{code}/remove/{participant}",
    "/rounds/{name}/workshops",
    "/rounds/{name}/dissent",
    "/api/v1/rounds/{name}/dissent",
    "/api/v1/workshops",
    "/api/v1/workshops/{code}",
    "/api/v1/workshops/{code}/figures",
    "/api/v1/workshops/{code}/figures/full",
    "/api/v1/workshops/{code}/qr.svg",
    "/api/v1/workshops/{code}/events",
    "/api/v1/workshops/{code}/control",
    "/api/v1/workshops/{code}/participants",
    "/api/v1/workshops/{code}/participants/{participant}/remove",
    "/api/v1/workshops/{code}/statements",
    "/api/v1/workshops/{code}/statements/seed",
    "/api/v1/workshops/{code}/statements/{statement}/moderate",
    "/api/v1/workshops/{code}/export",
    "/api/v1/workshops/{code}/join",
    "/api/v1/workshops/{code}/me",
    "/api/v1/workshops/{code}/next",
    "/api/v1/workshops/{code}/reactions",
    "/api/v1/workshops/{code}/ranking",
    "/api/v1/workshops/{code}/ahp",
}
EXAMPLE = {"{kpi_id}": "cac"}
QUERIES = {
    "/api/v1/kpis/{kpi_id}/drivers": "?from=2026-08&to=2026-09&by=channel",
    "/api/v1/kpis/{kpi_id}/evidence": "?driver=spend",
}
"""Required query parameters of routes that have them."""


def concrete(path: str) -> str:
    query = QUERIES.get(path, "")
    for placeholder, value in EXAMPLE.items():
        path = path.replace(placeholder, value)
    return path + query


def route_paths(routes: Iterable[Any], prefix: str = "") -> Iterator[str]:
    """Paths of every endpoint. Recent FastAPI keeps included routers nested (an internal
    ``_IncludedRouter`` with ``original_router`` and ``include_context.prefix``); older ones
    copy their routes into the app as ``APIRoute``s. Both are walked."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path
        elif hasattr(route, "original_router"):
            yield from route_paths(
                route.original_router.routes, prefix + route.include_context.prefix
            )


def test_every_route_is_in_the_table(web_app: FastAPI) -> None:
    proposal_routes = {path for _, path in PROPOSAL_ROUTES}
    assert (
        set(route_paths(web_app.routes))
        == set(READ_ROUTES) | PUBLIC_ROUTES | ROUND_ROUTES | proposal_routes | WORKSHOP_ROUTES
    )


@pytest.mark.parametrize(("path", "kind"), READ_ROUTES.items())
def test_anonymous_is_refused(client: TestClient, path: str, kind: str) -> None:
    response = client.get(concrete(path), follow_redirects=False)
    if kind == "page":
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
    else:
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
        assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", READ_ROUTES)
def test_every_role_reads_with_a_session(
    signed_in: Callable[[str], TestClient], role: str, path: str
) -> None:
    response = signed_in(role).get(concrete(path), follow_redirects=False)
    # 202: a page built in the background (the review pack) answering "being built"
    assert response.status_code in ((200, 202) if path == "/review" else (200,)), response.text[
        :300
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", [p for p, kind in READ_ROUTES.items() if kind == "api"])
def test_every_role_reads_the_api_with_a_token(
    web_app: FastAPI, client: TestClient, role: str, path: str
) -> None:
    token = web_app.state.tokens[role]
    response = client.get(concrete(path), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text[:300]


@pytest.mark.parametrize(
    "header", ["Bearer kpb_not-a-token", "Bearer ", "Basic dXNlcjpwYXNz", "token"]
)
def test_a_bad_authorization_header_is_401_not_anonymous(client: TestClient, header: str) -> None:
    response = client.get("/api/v1/kpis", headers={"Authorization": header})
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"status", "code", "message"}


def test_a_tampered_session_cookie_is_anonymous(client: TestClient) -> None:
    client.cookies.set("kpibridge_session", "eyJ1c2VyIjoxfQ.forged.signature")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_role_change_applies_at_once(make_app: Callable[..., FastAPI]) -> None:
    """Sessions carry the user id only: the role is read from the store on each request."""

    app = make_app()
    with TestClient(app) as client:
        assert login(client, "admin").status_code == 303
        assert client.get("/api/v1/me").json()["role"] == "admin"
        set_role(app.state.context.store, "admin", AccessRole.VIEWER)
        assert client.get("/api/v1/me").json()["role"] == "viewer"
