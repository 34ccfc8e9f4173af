"""The workshop tests run the web app over real HTTP (TestClient) on the small demo workspace,
with one user per role (the web tests' helpers), and a round to hold the workshop."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from fixtures_demo import build_small_demo
from kpibridge.web import WebSettings, create_app

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))  # the web tests' helpers
from web_helpers import add_role_users

AppFactory = Callable[..., FastAPI]


@pytest.fixture(scope="session")
def workshop_demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "workshop-demo")


@pytest.fixture(scope="session")
def make_workshop_app(
    workshop_demo_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppFactory]:
    """An app on the demo workspace with its own fresh SQLite store (or ``database_url``)."""
    built: list[FastAPI] = []

    def make(**settings: Any) -> FastAPI:
        store = tmp_path_factory.mktemp("store") / "app.db"
        settings.setdefault("database_url", f"sqlite:///{store}")
        settings.setdefault("secret_key", "test-secret")
        settings.setdefault("login_attempts_per_ip", 100_000)
        app = create_app(WebSettings(workspace=workshop_demo_root, **settings))
        app.state.tokens = add_role_users(app)
        built.append(app)
        return app

    yield make
    for app in built:
        app.state.context.store.close()
        app.state.context.live.close()


@pytest.fixture
def app(make_workshop_app: AppFactory) -> FastAPI:
    """A fresh app per test: workshops change state."""
    return make_workshop_app()
