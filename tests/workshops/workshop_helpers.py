"""Helpers of the workshop tests: a round and a workshop opened in an app, guests joined
through the real API, and bearer headers for the role users."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from kpibridge.services.rounds.round_checks import parse_round
from kpibridge.services.rounds.stored_rounds import create_round

ROUND: dict[str, Any] = {
    "id": "workshop-round",
    "question": "Which two KPIs should marketing steer by?",
    "candidates": ["cac", "roas", "nps", "conversion_rate"],
    "participants": ["cmo", "analytics-lead", "cfo"],
    "criteria": ["goal_alignment", "measurability", "actionability"],
    "select": 2,
}
CSRF = "test-csrf-token"


def open_round(app: FastAPI, **changes: Any) -> str:
    context = app.state.context
    spec = parse_round({**ROUND, **changes})
    create_round(context.store, context.live.workspace, spec, actor="facilitator")
    return spec.id


def bearer(app: FastAPI, username: str = "facilitator") -> dict[str, str]:
    return {"Authorization": f"Bearer {app.state.tokens[username]}"}


def open_workshop(app: FastAPI, client: TestClient, **body: Any) -> str:
    """Open a round and a workshop on it through the API; returns the join code."""
    round_name = open_round(app)
    response = client.post(
        "/api/v1/workshops", json={"round": round_name, **body}, headers=bearer(app)
    )
    assert response.status_code == 201, response.text
    return str(response.json()["code"])


def guest(app: FastAPI, code: str, name: str, group: str | None = None) -> TestClient:
    """A new browser-like client that joined ``code`` as a guest (with a CSRF cookie)."""
    client = TestClient(app)
    client.cookies.set("kpibridge_csrf", CSRF)
    client.headers["X-CSRF-Token"] = CSRF
    response = client.post(
        f"/api/v1/workshops/{code}/join", json={"display_name": name, "group": group}
    )
    assert response.status_code == 200, response.text
    return client


def control(app: FastAPI, client: TestClient, code: str, **body: Any) -> Any:
    response = client.post(f"/api/v1/workshops/{code}/control", json=body, headers=bearer(app))
    assert response.status_code == 200, response.text
    return response.json()


def seed(app: FastAPI, client: TestClient, code: str, text: str) -> int:
    response = client.post(
        f"/api/v1/workshops/{code}/statements/seed",
        json={"text": text, "key": secrets.token_hex(8)},
        headers=bearer(app),
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])
