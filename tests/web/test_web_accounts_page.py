"""The stakeholders and accounts page (admins): list, add a user, change a role — each
change checked by the account services, written with its audit record, and refused with a
reason when wrong."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from web_helpers import login

from kpibridge.services.accounts.users import authenticate


@pytest.fixture
def admin(make_app: Callable[..., FastAPI]) -> tuple[FastAPI, TestClient]:
    app = make_app()
    client = TestClient(app)
    assert login(client, "admin").status_code == 303
    return app, client


def form(client: TestClient, path: str, **data: str) -> object:
    return client.post(
        path,
        data={"csrf_token": client.cookies.get("kpibridge_csrf"), **data},
        follow_redirects=False,
    )


def test_the_page_lists_users_and_unlinked_stakeholders(admin: tuple[FastAPI, TestClient]) -> None:
    app, client = admin
    page = client.get("/accounts").text
    for username in ("admin", "facilitator", "member", "viewer"):
        assert f'data-user="{username}"' in page
    stakeholders = app.state.context.live.workspace.stakeholders
    linked = {"ceo", "analytics-lead", "cmo"}
    unlinked = [s for s in stakeholders if s not in linked]
    assert unlinked
    assert all(f"({s})" in page for s in unlinked)


def test_add_a_user_then_change_the_role(admin: tuple[FastAPI, TestClient]) -> None:
    app, client = admin
    added = form(
        client,
        "/accounts",
        username="ruth",
        password="long enough",
        role="member",
        stakeholder="cfo",
    )
    assert added.status_code == 303  # type: ignore[attr-defined]
    store = app.state.context.store
    found = authenticate(store, "ruth", "long enough")
    assert found is not None
    assert (found.role.value, found.stakeholder) == ("member", "cfo")
    changed = form(client, "/accounts/ruth/role", role="facilitator")
    assert changed.status_code == 303  # type: ignore[attr-defined]
    with store.engine.connect() as connection:
        role = connection.execute(text("SELECT role FROM users WHERE username='ruth'")).scalar()
        events = connection.execute(
            text("SELECT actor, action FROM audit_log WHERE entity_id = 'ruth' ORDER BY seq")
        ).all()
    assert role == "facilitator"
    assert [tuple(e) for e in events] == [("admin", "user.add"), ("admin", "user.set_role")]


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("/accounts", {"username": "x", "password": "short", "role": "member"}, "at least 8"),
        (
            "/accounts",
            {"username": "admin", "password": "long enough", "role": "member"},
            "exists already",
        ),
        (
            "/accounts",
            {"username": "y", "password": "long enough", "role": "boss"},
            "unknown role 'boss'",
        ),
        (
            "/accounts",
            {"username": "z", "password": "long enough", "role": "member", "stakeholder": "cfoo"},
            "Did you mean 'cfo'",
        ),
        ("/accounts/nobody/role", {"role": "viewer"}, "unknown user 'nobody'"),
    ],
)
def test_wrong_input_is_refused_with_the_reason(
    admin: tuple[FastAPI, TestClient], path: str, data: dict[str, str], message: str
) -> None:
    app, client = admin
    with app.state.context.store.engine.connect() as connection:
        before = connection.execute(text("SELECT count(*) FROM users")).scalar()
    response = form(client, path, **data)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert message in response.text.replace("&#39;", "'")  # type: ignore[attr-defined]
    with app.state.context.store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM users")).scalar() == before
