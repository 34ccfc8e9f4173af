"""A workshop over the JSON API: open, join, statements, reactions, figures, ranking."""

from __future__ import annotations

import numpy as np
from fastapi import FastAPI
from fastapi.testclient import TestClient
from workshop_helpers import bearer, control, guest, open_workshop, seed

from kpibridge.align.kemeny import kemeny
from kpibridge.align.profile import Profile


def test_open_gives_a_short_code_a_link_and_a_qr_code(app: FastAPI) -> None:
    with TestClient(app) as client:
        code = open_workshop(app, client)
        assert len(code) == 6
        assert code.isalnum()
        assert code.isupper()
        assert not set(code) & set("0O1IL")
        detail = client.get(f"/api/v1/workshops/{code.lower()}").json()  # case does not matter
        assert detail["join_url"].endswith(f"/w/{code}")
        assert detail["phase"] == "brainstorm"
        svg = client.get(f"/api/v1/workshops/{code}/qr.svg")
        assert svg.headers["content-type"].startswith("image/svg+xml")
        assert svg.text.lstrip().startswith("<svg")
        assert "<path" in svg.text


def test_unknown_code_is_a_clear_404(app: FastAPI) -> None:
    with TestClient(app) as client:
        response = client.get("/api/v1/workshops/ZZZZZZ/figures")
        assert response.status_code == 404
        assert "ZZZZZZ" in response.json()["error"]["message"]


def test_guests_write_react_and_the_figures_count_them(app: FastAPI) -> None:
    with TestClient(app) as client:
        code = open_workshop(app, client)
        ann, bo = guest(app, code, "Ann", "finance"), guest(app, code, "Bo", "customer")
        written = ann.post(
            f"/api/v1/workshops/{code}/statements",
            json={"text": "CAC hides the brand effect of display", "key": "k1"},
        )
        assert written.status_code == 201, written.text
        statement = written.json()["id"]
        again = ann.post(
            f"/api/v1/workshops/{code}/statements",
            json={"text": "CAC hides the brand effect of display", "key": "k1"},
        )
        assert again.status_code == 200
        assert again.json()["id"] == statement
        # the author agrees with their own statement (Pol.is); Bo sees it next
        upcoming = bo.get(f"/api/v1/workshops/{code}/next").json()
        assert upcoming["statement"]["id"] == statement
        assert upcoming["total"] == 1
        for _ in range(3):  # a triple click is stored once
            answer = bo.post(
                f"/api/v1/workshops/{code}/reactions",
                json={"statement": statement, "reaction": "disagree"},
            )
            assert answer.status_code == 200, answer.text
        assert answer.json()["next"] == {"statement": None, "answered": 1, "total": 1}
        figures = client.get(f"/api/v1/workshops/{code}/figures").json()
        assert figures["participants"] == {"active": 2, "removed": 0}
        assert figures["votes"] == 2
        assert figures["statements"]["accepted"] == 1
        exported = client.get(f"/api/v1/workshops/{code}/export", headers=bearer(app)).json()
        assert sorted(r["reaction"] for r in exported["reactions"]) == ["agree", "disagree"]


def test_rank_phase_consensus_matches_kemeny_of_the_rankings(app: FastAPI) -> None:
    orders = [
        ["cac", "roas", "nps", "conversion_rate"],
        ["roas", "cac", "conversion_rate", "nps"],
        ["cac", "nps", "roas", "conversion_rate"],
    ]
    with TestClient(app) as client:
        code = open_workshop(app, client)
        people = [guest(app, code, f"P{i}") for i in range(3)]
        early = people[0].put(f"/api/v1/workshops/{code}/ranking", json={"ranking": orders[0]})
        assert early.status_code == 409
        assert "rank phase" in early.json()["error"]["message"]
        control(app, client, code, phase="rank")
        for person, order in zip(people, orders, strict=True):
            sent = person.put(f"/api/v1/workshops/{code}/ranking", json={"ranking": order})
            assert sent.status_code == 200, sent.text
        figures = client.get(f"/api/v1/workshops/{code}/figures").json()
        expected = kemeny(Profile.from_orders(orders[0], orders)).order
        assert [item["id"] for item in figures["consensus"]["order"]] == list(expected)
        assert figures["consensus"]["top"] == list(expected[:2])
        # cac above roas: 2 of 3 people → share 0.667 → "leaning"
        first = figures["consensus"]["steps"][0]
        assert (first["upper"], first["lower"]) == ("cac", "roas")
        assert np.isclose(first["share"], 2 / 3, atol=1e-3)
        assert figures["consensus"]["certainty"] in {"leaning", "open"}


def test_ahp_check_names_the_most_inconsistent_judgement(app: FastAPI) -> None:
    with TestClient(app) as client:
        code = open_workshop(app, client)
        client = guest(app, code, "Ann")  # a browser: sends the CSRF token
        consistent = client.post(
            f"/api/v1/workshops/{code}/ahp",
            json={
                "comparisons": [
                    ["goal_alignment", "measurability", 2],
                    ["measurability", "actionability", 2],
                    ["goal_alignment", "actionability", 4],
                ]
            },
        ).json()
        assert consistent["ahp"]["consistency_ratio"] < 1e-9
        assert consistent["warning"] is None
        circular = client.post(
            f"/api/v1/workshops/{code}/ahp",
            json={
                "comparisons": [
                    ["goal_alignment", "measurability", 7],
                    ["measurability", "actionability", 7],
                    ["actionability", "goal_alignment", 7],
                ]
            },
        ).json()
        assert circular["ahp"]["consistency_ratio"] > 0.1
        assert circular["warning"].startswith("You rated ")
        assert "but your other answers imply about" in circular["warning"]
        bad = client.post(
            f"/api/v1/workshops/{code}/ahp", json={"comparisons": [["goal_alignment", "speed", 3]]}
        )
        assert bad.status_code == 400
        assert "speed" in bad.json()["error"]["message"]


def test_seeded_statements_and_opinion_groups_on_planted_factions(app: FastAPI) -> None:
    """Two planted factions of 6 disagreeing on every statement: the map finds 2 groups and
    the most divisive statements are the planted ones."""
    with TestClient(app) as client:
        code = open_workshop(app, client)
        ids = [seed(app, client, code, f"Statement {i}") for i in range(8)]
        people = [guest(app, code, f"G{i}") for i in range(12)]
        for index, person in enumerate(people):
            side = index % 2  # side 0 agrees with 0-3 and rejects 4-5; side 1 the opposite
            for position, statement in enumerate(ids):
                agree = ((position < 4) == (side == 0)) if position < 6 else True
                person.post(
                    f"/api/v1/workshops/{code}/reactions",
                    json={"statement": statement, "reaction": "agree" if agree else "disagree"},
                )
        figures = client.get(f"/api/v1/workshops/{code}/figures").json()
        assert figures["votes"] == 12 * 8
        assert figures["map"]["k"] == 2
        assert sorted(g["size"] for g in figures["groups"]) == [6, 6]
        # statements 6 and 7 are agreed by all: common ground of both groups
        assert {s["id"] for s in figures["common_ground"]} == {ids[6], ids[7]}
        assert {s["id"] for s in figures["divisive"]} <= set(ids[:6])
        assert all(s["divisiveness"] > 0.5 for s in figures["divisive"])
