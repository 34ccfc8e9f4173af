"""Answers to dissent (issue 14, item 7): adoption waits for a written answer to each
recorded dissent — from the facilitator or the owner of a KPI left out — or a stated reason;
answers are shown on the results page and kept in the audit log."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import PASSWORD, login
from workshop_helpers import bearer, control, guest, open_round

from kpibridge.errors import RoundPermissionError, RoundStateError
from kpibridge.model.access import AccessRole
from kpibridge.model.rounds import Ballot
from kpibridge.services.accounts.users import Account, add_user
from kpibridge.services.rounds.ballots import submit_ballot
from kpibridge.services.rounds.dissent_answers import answer_dissent, list_dissent
from kpibridge.services.rounds.stored_rounds import adopt_round
from kpibridge.store import audit

ADOPTED = ["cac", "roas"]
RANKINGS = {
    "cmo": ["nps", "conversion_rate", "cac", "roas"],  # both of their top 2 are left out
    "analytics-lead": ["cac", "roas", "nps", "conversion_rate"],
    "cfo": ["roas", "cac", "conversion_rate", "nps"],
}


def _account(app: FastAPI, username: str) -> Account:
    from kpibridge.services.accounts.users import list_users

    return next(a for a in list_users(app.state.context.store) if a.username == username)


def _round_with_dissent(app: FastAPI, client: TestClient) -> tuple[str, str]:
    """The round with three ballots and a workshop guest who wanted NPS; returns the round
    name and the guest's dissenter key."""
    store = app.state.context.store
    name = open_round(app)
    for person, order in RANKINGS.items():
        ballot = Ballot(participant=person, ranking=tuple((c,) for c in order))
        submit_ballot(store, name, ballot, actor=person, participant=person)
    code = client.post("/api/v1/workshops", json={"round": name}, headers=bearer(app)).json()[
        "code"
    ]
    control(app, client, code, phase="rank")
    customer = guest(app, code, "Cara", "customer")
    sent = customer.put(
        f"/api/v1/workshops/{code}/ranking", json={"ranking": ["nps", "cac", "roas"]}
    )
    assert sent.status_code == 200, sent.text
    participant = customer.get(f"/api/v1/workshops/{code}/me").json()["participant"]["id"]
    return name, f"workshop:{code}:{participant}"


def test_adoption_waits_for_an_answer_to_each_dissent(app: FastAPI) -> None:
    store = app.state.context.store
    ws = app.state.context.live.workspace
    add_user(store, "cx", PASSWORD, AccessRole.MEMBER, "cx-lead", ws.stakeholders)
    with TestClient(app) as client:
        name, cara = _round_with_dissent(app, client)
        dissent = {d.dissenter: d for d in list_dissent(store, name, ADOPTED)}
        assert set(dissent) == {"cmo", cara}  # the others' top 2 are the adopted set
        assert dissent["cmo"].left_out == ("nps", "conversion_rate")
        assert dissent[cara].left_out == ("nps",)
        assert dissent[cara].label == f"Cara (workshop {cara.split(':')[1]}, customer)"

        with pytest.raises(RoundStateError, match="2 recorded dissent"):
            adopt_round(store, name, ADOPTED, actor="facilitator")

        # the cmo owns no KPI: may not answer; the NPS owner (cx-lead) may, for the NPS dissent
        with pytest.raises(RoundPermissionError):
            answer_dissent(store, ws, name, "cmo", "no", ADOPTED, account=_account(app, "member"))
        answer_dissent(
            store,
            ws,
            name,
            "cmo",
            "NPS stays on the dashboard as a watch metric; it has no target yet.",
            ADOPTED,
            account=_account(app, "cx"),
        )
        with pytest.raises(RoundStateError, match=r"1 recorded dissent.*Cara"):
            adopt_round(store, name, ADOPTED, actor="facilitator")

        answered = client.post(
            f"/api/v1/rounds/{name}/dissent",
            json={
                "dissenter": cara,
                "answer": "<b>Customers</b> get a quarterly NPS review.",
                "selected": ADOPTED,
            },
            headers=bearer(app),
        )
        assert answered.status_code == 200, answered.text
        adopted = client.post(
            f"/api/v1/rounds/{name}/adopt", json={"selected": ADOPTED}, headers=bearer(app)
        )
        assert adopted.status_code == 200, adopted.text

        login(client, "viewer")  # shown to everyone in the round, escaped
        page = client.get(f"/rounds/{name}/results").text
        assert "&lt;b&gt;Customers&lt;/b&gt; get a quarterly NPS review." in page
        assert "NPS stays on the dashboard as a watch metric" in page
        listed = client.get(f"/api/v1/rounds/{name}/dissent").json()
        assert {d["answered_by"] for d in listed} == {"cx", "facilitator"}

    with store.transaction() as session:
        entries = audit.read(session, entity="round", entity_id=name)
    answers = [e for e in entries if e.action == "round.dissent_answer"]
    assert [e.detail["dissenter"] for e in answers] == ["cmo", cara]
    adoption = next(e for e in entries if e.action == "round.adopt")
    assert adoption.detail["unanswered"] == []
    assert sorted(adoption.detail["dissent"]) == sorted(["cmo", cara])


def test_adoption_with_a_stated_reason_records_it(app: FastAPI) -> None:
    store = app.state.context.store
    with TestClient(app) as client:
        name, cara = _round_with_dissent(app, client)
        refused = client.post(
            f"/api/v1/rounds/{name}/adopt", json={"selected": ADOPTED}, headers=bearer(app)
        )
        assert refused.status_code == 409
        assert "no written answer" in refused.json()["error"]["message"]
        adopted = adopt_round(
            store,
            name,
            ADOPTED,
            actor="facilitator",
            unanswered_reason="the board meets tomorrow; answers follow in the minutes",
        )
        assert adopted.status == "adopted"
    with store.transaction() as session:
        adoption = next(
            e
            for e in audit.read(session, entity="round", entity_id=name)
            if e.action == "round.adopt"
        )
    assert sorted(adoption.detail["unanswered"]) == sorted(["cmo", cara])
    assert adoption.detail["unanswered_reason"].startswith("the board meets tomorrow")


def test_no_dissent_adopts_as_before(app: FastAPI) -> None:
    store = app.state.context.store
    name = open_round(app)
    ballot = Ballot(participant="cfo", ranking=(("cac",), ("roas",)))
    submit_ballot(store, name, ballot, actor="cfo", participant="cfo")
    assert adopt_round(store, name, ADOPTED, actor="facilitator").status == "adopted"
