"""Who may do what on the round pages, the round API and the accounts page, for every role:
reading is open to every signed-in role; ballots and proposals need the member role;
opening, closing and adopting need the facilitator role; accounts need the admin role.
Refusals are 403 (401 or a redirect to sign in when anonymous), never a stack trace.

Requests by allowed roles name a round that does not exist (404) or carry an empty form
(400/422), so that the matrix changes nothing; the flows themselves are in
test_web_rounds_flow.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import login
from web_round_helpers import ROUND_READ_ROUTES, ROUND_ROLE_ROUTES, open_small_round

ROLES = ("admin", "facilitator", "member", "viewer")
RANK = {"viewer": 0, "member": 1, "facilitator": 2, "admin": 3}
MISSING = {"{name}": "no-such-round", "{username}": "nobody", "{token_id}": "999999"}


def concrete(path: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        path = path.replace(placeholder, value)
    return path


@pytest.fixture(scope="module")
def rounds_app(make_app: Callable[..., FastAPI]) -> FastAPI:
    app = make_app(login_attempts_per_ip=100_000)
    open_small_round(app)
    return app


@pytest.fixture(scope="module")
def as_role(rounds_app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    clients: dict[str, TestClient] = {}

    def sign_in(role: str) -> TestClient:
        if role not in clients:
            client = TestClient(rounds_app)
            assert login(client, role).status_code == 303
            clients[role] = client
        return clients[role]

    yield sign_in
    for client in clients.values():
        client.close()


def send(client: TestClient, method: str, path: str) -> object:
    csrf = client.cookies.get("kpibridge_csrf") or ""
    if path.startswith("/api/"):
        return client.request(
            method,
            path,
            headers={"X-CSRF-Token": csrf},
            json={} if method in ("POST", "PUT") else None,
        )
    data = {"csrf_token": csrf} if method == "POST" else None
    return client.request(method, path, data=data, follow_redirects=False)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ROUND_READ_ROUTES)
def test_every_role_reads_rounds(
    as_role: Callable[[str], TestClient], role: str, path: str
) -> None:
    for name in ("small", "kpis-2027"):
        response = as_role(role).get(concrete(path, {"{name}": name}))
        assert response.status_code == 200, response.text[:300]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "lowest"), [(m, p, r) for (m, p), r in ROUND_ROLE_ROUTES.items()]
)
def test_roles_below_the_lowest_are_refused(
    as_role: Callable[[str], TestClient], role: str, method: str, path: str, lowest: str
) -> None:
    response = send(as_role(role), method, concrete(path, MISSING))
    if RANK[role] >= RANK[lowest]:
        assert response.status_code in {200, 400, 404, 422}, response.text[:300]  # type: ignore[attr-defined]
    else:
        assert response.status_code == 403, response.text[:300]  # type: ignore[attr-defined]
        if path.startswith("/api/"):
            assert response.json()["error"]["code"] == "forbidden"  # type: ignore[attr-defined]
        else:
            assert "Traceback" not in response.text  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("method", "path"),
    [(m, p) for (m, p) in ROUND_ROLE_ROUTES] + [("GET", p) for p in ROUND_READ_ROUTES],
)
def test_anonymous_is_sent_to_sign_in(rounds_app: FastAPI, method: str, path: str) -> None:
    with TestClient(rounds_app) as client:
        client.get("/login")  # a CSRF cookie, as a browser has
        response = send(client, method, concrete(path, {"{name}": "small", "{username}": "x"}))
    if path.startswith("/api/"):
        assert response.status_code == 401  # type: ignore[attr-defined]
    else:
        assert response.status_code == 303  # type: ignore[attr-defined]
        assert response.headers["location"].startswith("/login?next=")  # type: ignore[attr-defined]


def test_a_member_outside_the_round_cannot_vote(
    rounds_app: FastAPI, as_role: Callable[[str], TestClient]
) -> None:
    """The admin (the ceo) has every role right but is not a participant of 'small'."""
    client = as_role("admin")
    csrf = client.cookies.get("kpibridge_csrf")
    page = client.post(
        "/rounds/small/ballot",
        data={"csrf_token": csrf, "position.cac": "1"},
        follow_redirects=False,
    )
    assert page.status_code == 403
    assert "not a participant" in page.text
    token = rounds_app.state.tokens["admin"]
    api = client.put(
        "/api/v1/rounds/small/ballot",
        json={"ranking": ["cac"]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 403
    assert "not a participant" in api.json()["error"]["message"]
    assert 'id="ballot-form"' not in client.get("/rounds/small").text


def test_a_viewer_linked_to_a_participant_still_only_reads(
    make_app: Callable[..., FastAPI],
) -> None:
    """Viewers read: even a viewer whose stakeholder is invited gets 403 on a ballot."""
    app = make_app()
    open_small_round(app, participants=["cmo", "analytics-lead", "cfo"])
    from kpibridge.model.access import AccessRole
    from kpibridge.services.accounts.users import add_user

    context = app.state.context
    add_user(
        context.store,
        "cfo-viewer",
        "long enough!",
        AccessRole.VIEWER,
        "cfo",
        context.live.workspace.stakeholders,
    )
    with TestClient(app) as client:
        assert login(client, "cfo-viewer", "long enough!").status_code == 303
        csrf = client.cookies.get("kpibridge_csrf")
        response = client.put(
            "/api/v1/rounds/small/ballot",
            json={"ranking": ["cac"]},
            headers={"X-CSRF-Token": csrf},
        )
        assert response.status_code == 403
        assert "member role" in response.json()["error"]["message"]


def test_unsafe_api_calls_with_a_session_need_the_csrf_header(
    as_role: Callable[[str], TestClient],
) -> None:
    client = as_role("member")
    response = client.put("/api/v1/rounds/small/ballot", json={"ranking": ["cac"]})
    assert response.status_code == 403
    assert "X-CSRF-Token" in response.json()["error"]["message"]
    wrong = client.put(
        "/api/v1/rounds/small/ballot",
        json={"ranking": ["cac"]},
        headers={"X-CSRF-Token": "not-the-token"},
    )
    assert wrong.status_code == 403


def test_page_forms_need_the_csrf_token(as_role: Callable[[str], TestClient]) -> None:
    client = as_role("facilitator")
    response = client.post("/rounds/small/close", follow_redirects=False)
    assert response.status_code == 403
    assert client.get("/api/v1/rounds/small").json()["status"] == "open"
