"""The round pages and API when the ballots are not enough (issue 21): with none, no
recommendation, no consensus ranking and no adopt form — and the API refuses to adopt; below
the round's quorum the page says so first and adopting needs the confirm box and a reason,
kept in the audit log. The quorum is set on the web form and stored."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from web_helpers import login
from web_round_helpers import open_small_round

AppFactory = Callable[..., FastAPI]


@pytest.fixture
def app(make_app: AppFactory) -> FastAPI:
    built = make_app()
    open_small_round(built, quorum=2)
    return built


@pytest.fixture
def sign_in(app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    clients = []

    def make(role: str) -> TestClient:
        client = TestClient(app)
        assert login(client, role).status_code == 303
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def sql(app: FastAPI, query: str) -> list[tuple[Any, ...]]:
    with app.state.context.store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(query))]


def post_form(client: TestClient, path: str, data: dict[str, Any]) -> Any:
    token = client.cookies.get("kpibridge_csrf") or ""
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def test_no_ballots_no_result(sign_in: Callable[[str], TestClient], app: FastAPI) -> None:
    facilitator = sign_in("facilitator")
    page = facilitator.get("/rounds/small/results").text
    assert 'data-state="no ballots"' in page
    assert "No ballots yet: no recommendation, no consensus, nothing to adopt." in page
    for absent in ('id="recommended"', "Consensus ranking", 'id="adopt-round"'):
        assert absent not in page, absent
    assert "Nothing to adopt: no ballot ranks the candidates yet." in page
    result = facilitator.get("/api/v1/rounds/small/results").json()
    assert result["consensus"] == {}
    assert result["recommendation"]["selected"] == []
    assert result["standing"]["state"] == "no ballots"
    token = {"X-CSRF-Token": facilitator.cookies.get("kpibridge_csrf") or ""}
    refused = facilitator.post(
        "/api/v1/rounds/small/adopt", json={"selected": ["cac"]}, headers=token
    )
    assert refused.status_code == 409
    assert "nothing to adopt" in refused.text
    refused = post_form(facilitator, "/rounds/small/adopt", {"selected": ["cac"]})
    assert refused.status_code == 409
    assert sql(app, "SELECT status FROM rounds WHERE name = 'small'") == [("open",)]


def test_below_quorum_needs_confirmation(
    sign_in: Callable[[str], TestClient], app: FastAPI
) -> None:
    member = sign_in("member")  # the cmo
    vote = {"position.cac": "1", "position.roas": "2", "position.nps": "3"}
    assert post_form(member, "/rounds/small/ballot", vote).status_code == 303
    facilitator = sign_in("facilitator")
    page = facilitator.get("/rounds/small/results").text
    assert 'data-state="below quorum"' in page
    assert (
        page.index('id="standing"') < page.index("In one minute") < page.index('id="recommended"')
    )
    assert 'id="below-quorum"' in page
    assert 'name="below_quorum_reason"' in page
    unconfirmed = post_form(facilitator, "/rounds/small/adopt", {"selected": ["cac", "roas"]})
    assert unconfirmed.status_code == 409
    assert "below its quorum (1 of 2 ballots)" in unconfirmed.text
    confirmed = post_form(
        facilitator,
        "/rounds/small/adopt",
        {
            "selected": ["cac", "roas"],
            "confirm_below_quorum": "on",
            "below_quorum_reason": "the budget is due on Friday",
        },
    )
    assert confirmed.status_code == 303
    ((detail,),) = sql(
        app, "SELECT detail FROM audit_log WHERE action = 'round.adopt' AND entity_id = 'small'"
    )
    recorded = json.loads(detail) if isinstance(detail, str) else detail
    assert recorded["below_quorum"] == {
        "ballots": 1,
        "quorum": 2,
        "reason": "the budget is due on Friday",
    }


def test_the_form_sets_a_quorum(sign_in: Callable[[str], TestClient], app: FastAPI) -> None:
    facilitator = sign_in("facilitator")
    assert 'name="quorum"' in facilitator.get("/rounds/new").text
    form = {
        "name": "with-quorum",
        "question": "Which?",
        "candidates": ["cac", "roas"],
        "participants": ["cmo", "cfo"],
        "criteria": "measurability",
        "select": "1",
        "quorum": "2",
    }
    assert post_form(facilitator, "/rounds", form).status_code == 303
    assert sql(app, "SELECT quorum FROM rounds WHERE name = 'with-quorum'") == [(2,)]
    assert "quorum 2" in facilitator.get("/rounds/with-quorum").text
    too_many = post_form(facilitator, "/rounds", {**form, "name": "too-many", "quorum": "3"})
    assert too_many.status_code == 400
    assert "quorum is 3 but the round has only 2 people who can vote" in too_many.text
