"""Helpers of the round web tests: the round routes and who may use them, and a small round
opened in a fresh app."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kpibridge.services.stored_rounds import create_round, parse_round

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
    ("POST", "/api/v1/rounds"): "facilitator",
    ("POST", "/api/v1/rounds/{name}/close"): "facilitator",
    ("POST", "/api/v1/rounds/{name}/adopt"): "facilitator",
    ("GET", "/api/v1/rounds/{name}/ballot"): "member",
    ("PUT", "/api/v1/rounds/{name}/ballot"): "member",
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


POSTGRES_ENV = "KPIBRIDGE_TEST_POSTGRES_URL"


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty database on the test server of scripts/postgres.sh, dropped afterwards.
    Without ``$KPIBRIDGE_TEST_POSTGRES_URL`` the test fails (it never skips)."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.fail(f"${POSTGRES_ENV} is not set: run `bash scripts/test.sh`")
    admin_url = make_url(url).set(drivername="postgresql+psycopg")
    name = f"kpibridge_web_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
