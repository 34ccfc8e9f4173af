"""CSRF on every form, login rate limiting, cookie flags, no open redirect."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, login

FORMS = [("/login", {"username": "viewer", "password": PASSWORD}), ("/logout", {})]


@pytest.mark.parametrize(("path", "fields"), FORMS)
@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_forms_without_the_csrf_token_are_refused(
    client: TestClient, path: str, fields: dict[str, str], token: str | None
) -> None:
    client.get("/login")
    data = dict(fields, **({"csrf_token": token} if token else {}))
    response = client.post(path, data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "security token" in response.text
    assert "kpibridge_session" not in response.cookies


def test_csrf_header_is_accepted_for_htmx(client: TestClient) -> None:
    client.get("/login")
    response = client.post(
        "/logout",
        headers={"X-CSRF-Token": client.cookies["kpibridge_csrf"]},
        follow_redirects=False,
    )
    assert response.status_code == 303


def test_login_sets_a_signed_httponly_samesite_cookie(client: TestClient) -> None:
    response = login(client, "viewer")
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "kpibridge_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert client.get("/").status_code == 200


def test_wrong_password_is_401_and_says_nothing_more(client: TestClient) -> None:
    assert login(client, "viewer", "not the password").status_code == 401
    assert login(client, "no-such-user", "not the password").status_code == 401


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_no_open_redirect_after_login(client: TestClient, target: str) -> None:
    client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": "viewer",
            "password": PASSWORD,
            "next": target,
            "csrf_token": client.cookies["kpibridge_csrf"],
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_failed_logins_for_one_user_are_rate_limited(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(login_failures_per_user=3, login_window_seconds=60)
    with TestClient(app) as client:
        for _ in range(3):
            assert login(client, "viewer", "wrong password").status_code == 401
        held = login(client, "viewer", PASSWORD)
        assert held.status_code == 429
        assert int(held.headers["retry-after"]) > 0
        assert login(client, "member").status_code == 303  # other users are not held back


def test_attempts_from_one_address_are_rate_limited(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(login_attempts_per_ip=4, login_window_seconds=60)
    with TestClient(app) as client:
        statuses = [login(client, name).status_code for name in ["a", "b", "c", "d", "viewer"]]
    assert statuses == [401, 401, 401, 401, 429]


def test_pages_are_served_with_a_strict_policy(
    signed_in: Callable[[str], TestClient],
) -> None:
    response = signed_in("viewer").get("/")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "http" not in policy
    assert response.headers["x-frame-options"] == "DENY"
