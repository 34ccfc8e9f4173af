"""An empty ballot never wipes a ranking by accident: PUT ``{}`` (or an empty form) is refused
with 400 and the live ballot stays as it was; clearing is explicit (DELETE on the API, the
"Clear my ballot" button on the page) and keeps the withdrawn ballot as history."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from web_helpers import login
from web_round_helpers import open_small_round


@pytest.fixture
def app(make_app: Any) -> FastAPI:
    built: FastAPI = make_app()
    open_small_round(built)
    return built


def live_ballots(app: FastAPI) -> list[tuple[str, str]]:
    with app.state.context.store.engine.connect() as connection:
        return [
            (row[0], row[1])
            for row in connection.execute(
                text(
                    "SELECT b.participant, b.content FROM ballots b JOIN rounds r "
                    "ON r.id = b.round_id WHERE r.name = 'small' AND b.replaced_at IS NULL "
                    "ORDER BY b.participant"
                )
            )
        ]


def test_an_empty_ballot_is_refused_and_the_ranking_kept(app: FastAPI) -> None:
    headers = {"Authorization": f"Bearer {app.state.tokens['member']}"}
    with TestClient(app) as client:
        saved = client.put(
            "/api/v1/rounds/small/ballot", json={"ranking": ["cac", "roas"]}, headers=headers
        )
        assert saved.status_code == 200, saved.text
        before = live_ballots(app)
        for body in ({}, {"ranking": [], "scores": {}, "rationale": {}}):
            refused = client.put("/api/v1/rounds/small/ballot", json=body, headers=headers)
            assert refused.status_code == 400, refused.text
            assert "empty" in refused.json()["error"]["message"]
        assert live_ballots(app) == before
        assert '"cac"' in before[0][1]


def test_an_empty_form_is_refused_and_clearing_is_explicit(app: FastAPI) -> None:
    with TestClient(app) as client:
        assert login(client, "member").status_code == 303
        csrf = client.cookies.get("kpibridge_csrf") or ""
        ranked = client.post(
            "/rounds/small/ballot",
            data={"csrf_token": csrf, "position.cac": "1", "position.roas": "2"},
            follow_redirects=False,
        )
        assert ranked.status_code == 303, ranked.text
        assert 'id="clear-ballot"' in client.get("/rounds/small").text
        empty = client.post("/rounds/small/ballot", data={"csrf_token": csrf})
        assert empty.status_code == 400
        assert "is empty" in empty.text
        assert len(live_ballots(app)) == 1
        cleared = client.post(
            "/rounds/small/ballot", data={"csrf_token": csrf, "clear": "1"}, follow_redirects=False
        )
        assert cleared.status_code == 303
        assert live_ballots(app) == []
    with app.state.context.store.engine.connect() as connection:
        kept = (
            "SELECT count(*) FROM ballots b JOIN rounds r ON r.id = b.round_id "
            "WHERE r.name = 'small'"
        )
        assert connection.execute(text(kept)).scalar() == 1


def test_delete_clears_the_ballot_through_the_api(app: FastAPI) -> None:
    headers = {"Authorization": f"Bearer {app.state.tokens['member']}"}
    with TestClient(app) as client:
        assert client.delete("/api/v1/rounds/small/ballot", headers=headers).json() == {
            "round": "small",
            "withdrawn": None,
        }
        client.put("/api/v1/rounds/small/ballot", json={"ranking": ["nps"]}, headers=headers)
        answer = client.delete("/api/v1/rounds/small/ballot", headers=headers)
        assert answer.status_code == 200
        assert answer.json()["withdrawn"]["ballot"]["ranking"] == [["nps"]]
        assert live_ballots(app) == []
        viewer = {"Authorization": f"Bearer {app.state.tokens['viewer']}"}
        assert client.delete("/api/v1/rounds/small/ballot", headers=viewer).status_code == 403
