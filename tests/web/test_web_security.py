"""CSRF on every form, login rate limiting, cookie flags, no open redirect."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, login

from kpibridge.web.security import LoginLimiter

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


def test_failed_logins_hold_back_the_guesser_not_the_owner(
    make_app: Callable[..., FastAPI],
) -> None:
    """Wrong passwords from one address delay that (address, user) pair only: the owner
    signs in from their own address at once, and the guesser may still sign in as others."""
    app = make_app(login_failures_per_user=3, login_window_seconds=60)
    with TestClient(app, client=("203.0.113.7", 5000)) as guesser:
        for _ in range(3):
            assert login(guesser, "viewer", "wrong password").status_code == 401
        held = login(guesser, "viewer", PASSWORD)
        assert held.status_code == 429
        assert 25 <= int(held.headers["retry-after"]) <= 31
        assert login(guesser, "member").status_code == 303  # other users are not held back
    with TestClient(app, client=("198.51.100.20", 5000)) as owner:
        assert login(owner, "viewer").status_code == 303


def test_the_delay_grows_with_each_further_failure() -> None:
    now = [1000.0]
    limiter = LoginLimiter(100, 3, 60, first_delay=30, max_delay=3600, clock=lambda: now[0])
    waits = []
    for _ in range(10):
        while (wait := limiter.check("203.0.113.7", "Viewer")) is not None:
            now[0] += wait
        limiter.failed("203.0.113.7", "viewer")
        waits.append(limiter.check("203.0.113.7", "VIEWER") or 0.0)
    assert waits == [0, 0, 30, 60, 120, 240, 480, 960, 1920, 3600]
    assert limiter.check("198.51.100.20", "viewer") is None
    now[0] += 3600
    limiter.succeeded("203.0.113.7", "viewer")
    assert limiter.check("203.0.113.7", "viewer") is None


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


def test_cookies_are_secure_and_hsts_sent_over_https(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(trusted_proxies=())
    with TestClient(app, base_url="https://testserver") as client:
        response = login(client, "viewer")
        assert "Secure" in response.headers["set-cookie"]
        assert client.get("/login").headers["strict-transport-security"] == "max-age=31536000"
    with TestClient(app) as plain:
        response = login(plain, "viewer")
        assert "Secure" not in response.headers["set-cookie"]
        assert "strict-transport-security" not in plain.get("/login").headers


def proxied_login(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    """Sign in through a TLS-terminating proxy: the cookies are Secure, so the (plain HTTP)
    test client would not send them back on its own; the proxy's browser would."""
    form = client.get("/login")
    csrf = form.cookies["kpibridge_csrf"]
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf, "next": "/"},
        headers={"Cookie": f"kpibridge_csrf={csrf}"},
        follow_redirects=False,
    )
    client.cookies.clear()
    return form, response


def test_a_trusted_proxy_says_https_and_who_the_client_is(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(trusted_proxies=("10.0.0.0/8",), login_failures_per_user=1)
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7, 10.0.0.3"}
    with TestClient(app, client=("10.0.0.2", 5000), headers=forwarded) as proxied:
        form, response = proxied_login(proxied, "viewer")
        assert response.status_code == 303
        assert "Secure" in form.headers["set-cookie"]
        assert "Secure" in response.headers["set-cookie"]
        assert form.headers["strict-transport-security"] == "max-age=31536000"
        assert proxied_login(proxied, "member", "wrong password")[1].status_code == 401
        assert proxied_login(proxied, "member")[1].status_code == 429  # 203.0.113.7 + member
    other = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.20"}
    with TestClient(app, client=("10.0.0.2", 5000), headers=other) as second:
        assert proxied_login(second, "member")[1].status_code == 303  # another client
    with TestClient(app, client=("192.0.2.9", 5000), headers=forwarded) as spoofer:
        response = login(spoofer, "viewer")
        assert response.status_code == 303
        assert "Secure" not in response.headers["set-cookie"]
        assert "strict-transport-security" not in spoofer.get("/").headers


def test_the_sqlite_store_is_created_private(
    make_app: Callable[..., FastAPI], tmp_path: Path
) -> None:
    database = tmp_path / "fresh" / "app.db"
    make_app(database_url=f"sqlite:///{database}")
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
