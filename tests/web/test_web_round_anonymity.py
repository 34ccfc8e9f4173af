"""Anonymity of a round holds on every route that returns it: in an anonymous round only
facilitators and admins learn who proposed a candidate; members and viewers get
``proposed_by: null`` from the round list, the round, the proposal answer and the results,
and the page never says "proposed by"."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import login
from web_round_helpers import open_small_round

ROLES = ("admin", "facilitator", "member", "viewer")
SEES_NAMES = {"admin": True, "facilitator": True, "member": False, "viewer": False}


@pytest.fixture(scope="module")
def secret_round(make_app: Callable[..., FastAPI]) -> Iterator[tuple[FastAPI, dict[str, Any]]]:
    """An anonymous round in which the member (the cmo) proposed ``branded_search``."""
    app = make_app(login_attempts_per_ip=100_000)
    open_small_round(app, id="secret", anonymous=True)
    with TestClient(app) as member:
        assert login(member, "member").status_code == 303
        answer = member.post(
            "/api/v1/rounds/secret/proposals",
            json={"id": "branded_search", "name": "Branded search share"},
            headers={"X-CSRF-Token": member.cookies.get("kpibridge_csrf") or ""},
        )
        assert answer.status_code == 201, answer.text
        yield app, answer.json()


def proposers(record: dict[str, Any]) -> list[Any]:
    return [proposal["proposed_by"] for proposal in record["proposals"]]


def test_the_proposer_does_not_learn_the_answer_names_them(
    secret_round: tuple[FastAPI, dict[str, Any]],
) -> None:
    _app, answer = secret_round
    assert proposers(answer) == [None]


@pytest.mark.parametrize("role", ROLES)
def test_every_round_route_hides_the_proposer_unless_the_caller_facilitates(
    secret_round: tuple[FastAPI, dict[str, Any]], role: str
) -> None:
    app, _ = secret_round
    expected = ["cmo"] if SEES_NAMES[role] else [None]
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {app.state.tokens[role]}"}
        listed = client.get("/api/v1/rounds", headers=headers).json()
        assert proposers(next(r for r in listed if r["name"] == "secret")) == expected
        assert proposers(client.get("/api/v1/rounds/secret", headers=headers).json()) == expected
        results = client.get("/api/v1/rounds/secret/results", headers=headers).json()
        assert results["named"] is SEES_NAMES[role]
        candidate = next(c for c in results["candidates"] if c["id"] == "branded_search")
        if not SEES_NAMES[role]:
            assert '"cmo"' not in json.dumps(candidate)
        assert login(client, role).status_code == 303
        for page in ("/rounds/secret", "/rounds/secret/results"):
            assert "proposed by cmo" not in client.get(page).text
