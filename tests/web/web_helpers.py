"""Helpers of the web tests: users per role, and signing in as a browser does."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from kpibridge.model.access import AccessRole
from kpibridge.services.accounts.tokens import create_token
from kpibridge.services.accounts.users import add_user

PASSWORD = "correct horse battery"
ROLE_USERS = {
    "admin": (AccessRole.ADMIN, "ceo"),
    "facilitator": (AccessRole.FACILITATOR, "analytics-lead"),
    "member": (AccessRole.MEMBER, "cmo"),
    "viewer": (AccessRole.VIEWER, None),
}
"""One user per access role; the username is the role's name."""


def add_role_users(app: FastAPI) -> dict[str, str]:
    """Create the users of ``ROLE_USERS``; return an API token per username."""
    context = app.state.context
    stakeholders = context.live.workspace.stakeholders
    tokens = {}
    for username, (role, stakeholder) in ROLE_USERS.items():
        add_user(context.store, username, PASSWORD, role, stakeholder, stakeholders)
        tokens[username] = create_token(context.store, username, "tests")[0]
    return tokens


def login(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    """Sign in through the login form, as a browser does (CSRF cookie, then the form)."""
    client.get("/login")
    return client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": client.cookies.get("kpibridge_csrf"),
            "next": "/",
        },
        follow_redirects=False,
    )
