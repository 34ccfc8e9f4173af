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
from web_helpers import add_role_users, login

from fixtures_demo import build_small_demo
from kpibridge.web import WebSettings, create_app

AppFactory = Callable[..., FastAPI]


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "web-demo")


@pytest.fixture(scope="session")
def make_app(demo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppFactory]:
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
    """The shared app; its login limit is out of the way (tests of the limit build their own)."""
    return make_app(login_attempts_per_ip=100_000)


@pytest.fixture
def client(web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def signed_in(web_app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    """A client signed in as the user named after a role (one per role, for reading only)."""
    clients: dict[str, TestClient] = {}

    def sign_in(username: str) -> TestClient:
        if username not in clients:
            test_client = TestClient(web_app)
            response = login(test_client, username)
            assert response.status_code == 303, response.text
            clients[username] = test_client
        return clients[username]

    yield sign_in
    for test_client in clients.values():
        test_client.close()
