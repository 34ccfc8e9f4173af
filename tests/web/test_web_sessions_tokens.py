"""Sessions end when they should, tokens expire and can be revoked, admins manage users.

* A session cookie captured before ``POST /logout`` stops working at once, as do the cookies
  of a user whose password is reset, who is signed out everywhere, or who is disabled.
* Tokens carry an expiry (90 days by default), record their last use, and can be revoked,
  from the command line and from the accounts page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner
from web_helpers import PASSWORD, login

from kpibridge.cli import accounts
from kpibridge.errors import AccountError
from kpibridge.services.accounts.tokens import (
    account_for_token,
    create_token,
    list_tokens,
    parse_expiry,
)
from kpibridge.services.accounts.users import end_sessions, set_disabled, set_password
from kpibridge.store import Store

AppFactory = Callable[..., FastAPI]


def signed_in_as(app: FastAPI, username: str) -> TestClient:
    client = TestClient(app)
    assert login(client, username).status_code == 303
    return client


def replay(app: FastAPI, cookie: str) -> int:
    """What a stolen copy of the session cookie gets from /api/v1/me."""
    with TestClient(app) as thief:
        thief.cookies.set("kpibridge_session", cookie)
        return thief.get("/api/v1/me").status_code


def test_a_cookie_captured_before_logout_stops_working(make_app: AppFactory) -> None:
    app = make_app()
    with signed_in_as(app, "viewer") as client:
        captured = client.cookies["kpibridge_session"]
        assert replay(app, captured) == 200
        csrf = client.cookies["kpibridge_csrf"]
        assert (
            client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code
            == 303
        )
    assert replay(app, captured) == 401
    with signed_in_as(app, "viewer") as again:  # signing in again works
        assert again.get("/api/v1/me").status_code == 200


@pytest.mark.parametrize("how", ["password", "sign_out", "disable"])
def test_a_password_reset_sign_out_everywhere_or_disable_ends_sessions(
    make_app: AppFactory, how: str
) -> None:
    app = make_app()
    store = app.state.context.store
    with signed_in_as(app, "member") as client:
        captured = client.cookies["kpibridge_session"]
        if how == "password":
            set_password(store, "member", "a brand new password", actor="admin")
        elif how == "sign_out":
            end_sessions(store, "member", actor="admin")
        else:
            set_disabled(store, "member", True, actor="admin")
        assert client.get("/api/v1/me").status_code == 401
    assert replay(app, captured) == 401
    with TestClient(app) as fresh:
        expected = {"password": 401, "sign_out": 303, "disable": 401}[how]
        assert login(fresh, "member").status_code == expected
        if how == "password":
            assert login(fresh, "member", "a brand new password").status_code == 303


def test_a_disabled_users_tokens_stop_and_enabling_restores_them(make_app: AppFactory) -> None:
    app = make_app()
    store = app.state.context.store
    headers = {"Authorization": f"Bearer {app.state.tokens['member']}"}
    with TestClient(app) as client:
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        set_disabled(store, "member", True, actor="admin")
        assert client.get("/api/v1/me", headers=headers).status_code == 401
        set_disabled(store, "member", False, actor="admin")
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    with pytest.raises(AccountError, match="your own"):
        set_disabled(store, "admin", True, actor="admin")


def test_tokens_expire_and_record_their_last_use(make_app: AppFactory) -> None:
    app = make_app()
    store: Store = app.state.context.store
    token, _ = create_token(store, "viewer", "short", expires_in=timedelta(hours=1))
    info = next(t for t in list_tokens(store, "viewer") if t.name == "short")
    assert info.last_used_at is None
    assert info.expires_at is not None
    assert timedelta(minutes=59) < info.expires_at - datetime.now(UTC) <= timedelta(hours=1)
    default = next(t for t in list_tokens(store, "viewer") if t.name == "tests")
    assert default.expires_at is not None
    assert default.expires_at - default.created_at == pytest.approx(
        timedelta(days=90), abs=timedelta(seconds=5)
    )
    assert account_for_token(store, token) is not None
    used = next(t for t in list_tokens(store, "viewer") if t.name == "short")
    assert used.last_used_at is not None
    with store.engine.begin() as connection:
        connection.execute(
            text("UPDATE api_tokens SET expires_at = :past WHERE id = :id"),
            {"past": datetime.now(UTC) - timedelta(seconds=1), "id": info.id},
        )
    assert account_for_token(store, token) is None
    assert next(t for t in list_tokens(store, "viewer") if t.id == info.id).state == "expired"


@pytest.mark.parametrize(
    ("text_", "expected"),
    [
        ("90d", timedelta(days=90)),
        ("12h", timedelta(hours=12)),
        ("4w", timedelta(weeks=4)),
        ("never", None),
    ],
)
def test_expiry_durations(text_: str, expected: timedelta | None) -> None:
    assert parse_expiry(text_) == expected


@pytest.mark.parametrize("bad", ["0d", "90", "-1d", "1y", "", "99999999d"])
def test_bad_expiry_durations_are_refused(bad: str) -> None:
    with pytest.raises(AccountError, match="expiry"):
        parse_expiry(bad)


def test_token_list_and_revoke_on_the_command_line(
    demo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = typer.Typer()
    accounts.register(cli)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("KPIBRIDGE_DATABASE_URL", url)
    monkeypatch.setenv("KPIBRIDGE_PASSWORD", "a long password")
    runner = CliRunner()
    ws = ["-w", str(demo_root)]
    assert runner.invoke(cli, ["user", "add", "ruth", *ws]).exit_code == 0
    created = runner.invoke(
        cli, ["token", "create", "ruth", "--name", "ci", "--expires", "30d", *ws]
    )
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[0]
    assert "expires in 30d" in created.stderr
    listed = runner.invoke(cli, ["token", "list", "--format", "json", *ws])
    rows = json.loads(listed.stdout)
    assert [(r["user"], r["name"], r["state"]) for r in rows] == [("ruth", "ci", "active")]
    assert token not in listed.stdout
    store = Store.open(url)
    try:
        assert account_for_token(store, token) is not None
        revoked = runner.invoke(cli, ["token", "revoke", str(rows[0]["id"]), *ws])
        assert revoked.exit_code == 0, revoked.output
        assert account_for_token(store, token) is None
        again = runner.invoke(cli, ["token", "revoke", str(rows[0]["id"]), *ws])
        assert again.exit_code == 1
        assert "revoked already" in again.output
        assert runner.invoke(cli, ["user", "disable", "ruth", *ws]).exit_code == 0
        assert "disabled" in runner.invoke(cli, ["user", "list", *ws]).output
        assert runner.invoke(cli, ["user", "delete", "ruth", "--yes", *ws]).exit_code == 0
        assert "ruth" not in runner.invoke(cli, ["user", "list", *ws]).output
    finally:
        store.close()


def test_the_accounts_page_manages_users_and_tokens(make_app: AppFactory) -> None:
    app = make_app()
    with signed_in_as(app, "admin") as admin, signed_in_as(app, "viewer") as viewer:
        csrf = admin.cookies["kpibridge_csrf"]

        def post(path: str, **data: str) -> object:
            return admin.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)

        page = post("/accounts/viewer/tokens", name="dashboards", expires="30d")
        assert page.status_code == 200  # type: ignore[attr-defined]
        assert "shown this once" in page.text  # type: ignore[attr-defined]
        listed = admin.get("/accounts").text
        assert "dashboards" in listed
        tokens = {t.name: t for t in list_tokens(app.state.context.store, "viewer")}
        assert post(f"/accounts/tokens/{tokens['dashboards'].id}/revoke").status_code == 303  # type: ignore[attr-defined]
        assert {t.name: t.state for t in list_tokens(app.state.context.store, "viewer")}[
            "dashboards"
        ] == "revoked"
        assert post("/accounts/viewer/sign-out").status_code == 303  # type: ignore[attr-defined]
        assert viewer.get("/api/v1/me").status_code == 401
        assert post("/accounts/viewer/password", password="short").status_code == 400  # type: ignore[attr-defined]
        assert post("/accounts/viewer/password", password="another long one").status_code == 303  # type: ignore[attr-defined]
        assert post("/accounts/viewer/disable", disabled="1").status_code == 303  # type: ignore[attr-defined]
        assert "(disabled)" in admin.get("/accounts").text
        assert post("/accounts/admin/delete").status_code == 400  # type: ignore[attr-defined]
        assert post("/accounts/viewer/delete").status_code == 303  # type: ignore[attr-defined]
        assert 'data-user="viewer"' not in admin.get("/accounts").text
    with TestClient(app) as gone:
        assert login(gone, "viewer", PASSWORD).status_code == 401
