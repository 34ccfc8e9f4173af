"""Competing proposals put to an alignment round on the web and in the API: every role (who
may, who may not), CSRF, clear errors (fewer than two open proposals: 400; already in an open
round: 409), the links both ways, the winner on the results page, and adoption that comments
on the winner without approving it.

The demo's cac: owner and goal owner head-of-growth (user ``growth``), analytics seat
analytics-lead (user ``facilitator``). The cmo (user ``member``) and the brand manager (user
``brand``) propose competing targets, so the default participants are, by hand: the seat
holders head-of-growth and analytics-lead, the KPI's owner (head-of-growth again), and the
authors' stakeholders cmo and brand-manager.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_gov_helpers import bearer, build_governance_app, post_form, propose, signed_in

from kpibridge.services.rounds.stored_rounds import close_round, list_stored_rounds

PARTICIPANTS = ["head-of-growth", "analytics-lead", "cmo", "brand-manager"]


@pytest.fixture(scope="module")
def app(demo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    built = build_governance_app(demo_root, tmp_path_factory.mktemp("proposal-rounds-web"))
    yield built
    built.state.context.store.close()
    built.state.context.live.close()


@pytest.fixture(scope="module")
def competing(app: FastAPI) -> tuple[int, int]:
    """Marketing's CAC target (40, by the cmo) against the brand manager's (60)."""
    marketing = propose(
        app,
        "member",
        "cac",
        "marketing's CAC target",
        targets=[{"value": 40.0, "at_risk": 0.05, "off_track": 0.15}],
    )
    brand = propose(
        app,
        "brand",
        "cac",
        "brand's CAC target",
        targets=[{"value": 60.0, "at_risk": 0.05, "off_track": 0.15}],
    )
    return marketing, brand


@pytest.fixture(scope="module")
def as_user(app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    clients: dict[str, TestClient] = {}

    def sign_in(username: str) -> TestClient:
        if username not in clients:
            clients[username] = signed_in(app, username)
        return clients[username]

    yield sign_in
    for client in clients.values():
        client.close()


@pytest.fixture(autouse=True)
def no_open_round_left(app: FastAPI) -> Iterator[None]:
    """Each test starts with no open round (a proposal sits in one open round at a time)."""
    yield
    store = app.state.context.store
    for stored in list_stored_rounds(store):
        if stored.is_open:
            close_round(store, stored.name, actor="tests")


def round_names(app: FastAPI) -> set[str]:
    return {stored.name for stored in list_stored_rounds(app.state.context.store)}


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("viewer", False),
        ("member", False),  # an author
        ("brand", False),  # the other author
        ("growth", False),  # holds two seats, still a member
        ("facilitator", True),
        ("admin", True),
    ],
)
def test_every_role_on_the_page(
    app: FastAPI,
    as_user: Callable[[str], TestClient],
    competing: tuple[int, int],
    username: str,
    allowed: bool,
) -> None:
    before = round_names(app)
    name = f"page-{username}"
    response = post_form(
        as_user(username),
        "/proposals/round",
        {"kpi": "cac", "name": name, "proposal": str(competing[0])},
    )
    if not allowed:
        assert response.status_code == 403
        assert "only facilitators and admins" in response.text
        assert round_names(app) == before
        return
    assert response.status_code == 303
    assert response.headers["location"] == f"/rounds/{name}"
    record = as_user("viewer").get(f"/api/v1/rounds/{name}").json()
    assert record["participants"] == PARTICIPANTS
    assert [p["id"] for p in record["proposals"]] == [f"proposal-{n}" for n in competing]
    assert record["select"] == 1


@pytest.mark.parametrize(
    ("username", "status"),
    [("viewer", 403), ("member", 403), ("growth", 403), ("facilitator", 201), ("admin", 201)],
)
def test_every_role_in_the_api(
    app: FastAPI, competing: tuple[int, int], username: str, status: int
) -> None:
    name = f"api-{username}"
    with TestClient(app) as client:
        response = client.post(
            "/api/v1/proposals/rounds",
            json={"kpi": "cac", "name": name, "deadline": "2099-06-30"},
            headers=bearer(app, username),
        )
    assert response.status_code == status, response.text
    if status == 201:
        body = response.json()
        assert (body["name"], body["kpi"], body["deadline"], body["status"]) == (
            name,
            "cac",
            "2099-06-30",
            "open",
        )
        assert [link["proposal"] for link in body["change_proposals"]] == list(competing)
    else:
        assert response.json()["error"]["code"] == "forbidden"
        assert name not in round_names(app)


def test_csrf_is_required(
    app: FastAPI, as_user: Callable[[str], TestClient], competing: tuple[int, int]
) -> None:
    client = as_user("facilitator")
    page = post_form(client, "/proposals/round", {"kpi": "cac", "name": "no-token"}, csrf=False)
    assert page.status_code == 403
    api = client.post("/api/v1/proposals/rounds", json={"kpi": "cac", "name": "no-header"})
    assert api.status_code == 403
    assert not {"no-token", "no-header"} & round_names(app)


def test_errors_are_clear(
    app: FastAPI, as_user: Callable[[str], TestClient], competing: tuple[int, int]
) -> None:
    client = as_user("facilitator")
    page = post_form(client, "/proposals/round", {"kpi": "aov", "proposal": str(competing[0])})
    assert page.status_code == 400
    assert "KPI &#39;aov&#39; has 0 open proposal(s)" in page.text
    assert "at least two competing ones" in page.text
    with TestClient(app) as api:
        too_few = api.post(
            "/api/v1/proposals/rounds", json={"kpi": "aov"}, headers=bearer(app, "admin")
        )
        assert too_few.status_code == 400
        assert too_few.json()["error"]["code"] == "bad_request"
        assert "'aov' has 0 open proposal(s)" in too_few.json()["error"]["message"]
        first = api.post(
            "/api/v1/proposals/rounds",
            json={"kpi": "cac", "name": "busy"},
            headers=bearer(app, "admin"),
        )
        assert first.status_code == 201
        again = api.post(
            "/api/v1/proposals/rounds",
            json={"kpi": "cac", "name": "busy-again"},
            headers=bearer(app, "admin"),
        )
        assert again.status_code == 409
        assert "already in the open round 'busy'" in again.json()["error"]["message"]
        bad_select = api.post(
            "/api/v1/proposals/rounds",
            json={"kpi": "cac", "select": 0},
            headers=bearer(app, "admin"),
        )
        assert bad_select.status_code == 422


def test_the_button_only_for_facilitators_and_admins(
    as_user: Callable[[str], TestClient], competing: tuple[int, int]
) -> None:
    for username, shown in (
        ("viewer", False),
        ("member", False),
        ("growth", False),
        ("facilitator", True),
        ("admin", True),
    ):
        page = as_user(username).get(f"/proposals/{competing[0]}").text
        assert ("Put to an alignment round" in page) is shown, username
        assert f'href="/proposals/{competing[1]}"' in page  # the competing proposal, linked
        listing = as_user(username).get("/proposals?kpi=cac").text
        assert ("Put to an alignment round" in listing) is shown, username


def test_round_links_winner_and_adoption(
    app: FastAPI, as_user: Callable[[str], TestClient], competing: tuple[int, int]
) -> None:
    marketing, brand = competing
    facilitator = as_user("facilitator")
    created = post_form(
        facilitator,
        "/proposals/round",
        {"kpi": "cac", "name": "cac-final", "proposal": str(marketing)},
    )
    assert created.status_code == 303
    for number in competing:  # proposal → round
        page = as_user("viewer").get(f"/proposals/{number}").text
        assert re.search(r'In round <a href="/rounds/cac-final">cac-final</a> \(open', page)
        record = as_user("viewer").get(f"/api/v1/proposals/{number}?impact=false").json()
        latest = record["rounds"][-1]  # earlier tests put them to other rounds, now closed
        assert (latest["round"], latest["candidate"], latest["round_status"]) == (
            "cac-final",
            f"proposal-{number}",
            "open",
        )
        assert {r["round_status"] for r in record["rounds"][:-1]} <= {"closed"}
    round_page = as_user("viewer").get("/rounds/cac-final").text  # round → proposals
    for number in competing:
        assert f'<a href="/proposals/{number}" data-proposal="{number}">' in round_page

    # the brand manager's target first for three of four participants
    m, b = f"proposal-{marketing}", f"proposal-{brand}"
    for username, ranking in (
        ("growth", [b, m]),
        ("facilitator", [b, m]),
        ("member", [m, b]),
        ("brand", [b, m]),
    ):
        client = as_user(username)
        token = {"X-CSRF-Token": client.cookies.get("kpibridge_csrf") or ""}
        sent = client.put(
            "/api/v1/rounds/cac-final/ballot", json={"ranking": ranking}, headers=token
        )
        assert sent.status_code == 200, sent.text
    results = as_user("viewer").get("/rounds/cac-final/results").text
    assert re.search(
        rf'id="winner">Winner so far \(not adopted yet\): <a href="/proposals/{brand}">'
        rf"proposal #{brand}</a> by brand",
        results,
    )

    refused = post_form(facilitator, "/rounds/cac-final/adopt", {})  # a dissent is unanswered
    assert refused.status_code == 409
    assert "no written answer" in refused.text
    adopted = post_form(  # the recommended set, with the reason the dissent stays unanswered
        facilitator, "/rounds/cac-final/adopt", {"unanswered_reason": "answered in the meeting"}
    )
    assert adopted.status_code == 303
    results = as_user("viewer").get("/rounds/cac-final/results").text
    assert re.search(rf'id="winner">Winner: <a href="/proposals/{brand}">', results)
    winner = as_user("viewer").get(f"/api/v1/proposals/{brand}?impact=false").json()
    assert winner["status"] == "open"  # adoption approves nothing
    assert winner["missing_approvals"] == ["owner", "goal_owner", "role:analytics"]
    assert [r["round"] for r in winner["rounds"] if r["adopted"]] == ["cac-final"]
    comment = winner["decisions"][-1]
    assert (comment["username"], comment["decision"]) == ("facilitator", "comment")
    assert "Alignment round 'cac-final' adopted this proposal as its winner" in comment["comment"]
    loser = as_user("viewer").get(f"/api/v1/proposals/{marketing}?impact=false").json()
    assert loser["decisions"] == []
    assert not any(r["adopted"] for r in loser["rounds"])
    page = as_user("viewer").get(f"/proposals/{brand}").text
    assert "adopted this proposal" in page
