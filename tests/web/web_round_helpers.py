"""Helpers of the round web tests: the round routes and who may use them, and a small round
opened in a fresh app."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from kpibridge.services.rounds.round_checks import parse_round
from kpibridge.services.rounds.stored_rounds import create_round

ROUND_READ_ROUTES = {
    "/rounds": "page",
    "/rounds/{name}": "page",
    "/rounds/{name}/results": "page",
    "/api/v1/rounds": "api",
    "/api/v1/rounds/{name}": "api",
    "/api/v1/rounds/{name}/results": "api",
}
"""Every signed-in role reads these."""
ROUND_ROLE_ROUTES = {
    # (method, path): the lowest role allowed
    ("GET", "/rounds/new"): "facilitator",
    ("POST", "/rounds"): "facilitator",
    ("POST", "/rounds/{name}/close"): "facilitator",
    ("POST", "/rounds/{name}/adopt"): "facilitator",
    ("POST", "/rounds/{name}/ballot"): "member",
    ("POST", "/rounds/{name}/proposals"): "member",
    ("GET", "/accounts"): "admin",
    ("POST", "/accounts"): "admin",
    ("POST", "/accounts/{username}/role"): "admin",
    ("POST", "/accounts/{username}/password"): "admin",
    ("POST", "/accounts/{username}/sign-out"): "admin",
    ("POST", "/accounts/{username}/disable"): "admin",
    ("POST", "/accounts/{username}/delete"): "admin",
    ("POST", "/accounts/{username}/tokens"): "admin",
    ("POST", "/accounts/tokens/{token_id}/revoke"): "admin",
    ("POST", "/api/v1/rounds"): "facilitator",
    ("POST", "/api/v1/rounds/{name}/close"): "facilitator",
    ("POST", "/api/v1/rounds/{name}/adopt"): "facilitator",
    ("GET", "/api/v1/rounds/{name}/ballot"): "member",
    ("PUT", "/api/v1/rounds/{name}/ballot"): "member",
    ("DELETE", "/api/v1/rounds/{name}/ballot"): "member",
    ("POST", "/api/v1/rounds/{name}/proposals"): "member",
}
"""Routes that need more than the viewer role."""
ROUND_ROUTES = set(ROUND_READ_ROUTES) | {path for _, path in ROUND_ROLE_ROUTES}

SMALL_ROUND: dict[str, Any] = {
    "id": "small",
    "question": "Which three KPIs?",
    "candidates": ["cac", "roas", "nps", "conversion_rate"],
    "participants": ["cmo", "analytics-lead", "cfo"],
    "criteria": ["goal_alignment", "measurability"],
    "select": 2,
}
"""The member user is the cmo, the facilitator the analytics lead; the admin (ceo) and the
viewer take no part."""


def open_small_round(app: FastAPI, **changes: Any) -> str:
    context = app.state.context
    spec = parse_round({**SMALL_ROUND, **changes})
    create_round(context.store, context.live.workspace, spec, actor="facilitator")
    return spec.id
