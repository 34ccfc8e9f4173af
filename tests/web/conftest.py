"""The web app over real HTTP (FastAPI's TestClient runs the ASGI app in-process), on the
small demo workspace, with one user per role.

``web_app`` is built once per session (the demo build and the first scorecard take a few
seconds); tests that change state (rate limits, roles) build their own app with ``make_app``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fixtures_demo import build_small_demo
from kpibridge.model.access import AccessRole
from kpibridge.services.accounts import add_user, create_token
from kpibridge.web import WebSettings, create_app

PASSWORD = "correct horse battery"
ROLE_USERS = {
    "admin": (AccessRole.ADMIN, "ceo"),
    "facilitator": (AccessRole.FACILITATOR, "analytics-lead"),
    "member": (AccessRole.MEMBER, "cmo"),
    "viewer": (AccessRole.VIEWER, None),
}
"""One user per access role; the username is the role's name."""

AppFactory = Callable[..., FastAPI]


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "web-demo")


def add_role_users(app: FastAPI) -> dict[str, str]:
    """Create the users of ``ROLE_USERS``; return an API token per username."""
    context = app.state.context
    stakeholders = context.live.workspace.stakeholders
    tokens = {}
    for username, (role, stakeholder) in ROLE_USERS.items():
        add_user(context.store, username, PASSWORD, role, stakeholder, stakeholders)
        tokens[username] = create_token(context.store, username, "tests")[0]
    return tokens


@pytest.fixture(scope="session")
def make_app(
    demo_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppFactory]:
    """Build an app on the demo workspace with its own fresh SQLite store."""
    built: list[FastAPI] = []

    def make(**settings: Any) -> FastAPI:
        store = tmp_path_factory.mktemp("store") / "app.db"
        settings.setdefault("database_url", f"sqlite:///{store}")
        settings.setdefault("secret_key", "test-secret")
        app = create_app(WebSettings(workspace=demo_root, **settings))
        app.state.tokens = add_role_users(app)
        built.append(app)
        return app

    yield make
    for app in built:
        app.state.context.store.close()
        app.state.context.live.close()


@pytest.fixture(scope="session")
def web_app(make_app: AppFactory) -> FastAPI:
    return make_app()


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


@pytest.fixture
def client(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app) as test_client:
        yield test_client


@pytest.fixture
def signed_in(web_app: FastAPI) -> Callable[[str], TestClient]:
    """A client signed in as the user named after a role."""
    clients: list[TestClient] = []

    def sign_in(username: str) -> TestClient:
        test_client = TestClient(web_app)
        response = login(test_client, username)
        assert response.status_code == 303, response.text
        clients.append(test_client)
        return test_client

    yield sign_in  # type: ignore[misc]
    for test_client in clients:
        test_client.close()
