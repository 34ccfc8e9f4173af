"""The workshop pages over HTTP: joining by form, answering, escaping, refusals that change
nothing, keeping one's place, the facilitator's controls and the projector page."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import login
from workshop_helpers import bearer, control, guest, open_workshop, seed

from kpibridge.store import audit


def _csrf(client: TestClient) -> str:
    return str(client.cookies.get("kpibridge_csrf"))


def _join_by_form(app: FastAPI, code: str, name: str) -> TestClient:
    client = TestClient(app)
    page = client.get(f"/w/{code}")
    assert page.status_code == 200
    assert 'name="display_name"' in page.text
    joined = client.post(
        f"/w/{code}/join",
        data={"display_name": name, "group": "volunteer", "csrf_token": _csrf(client)},
        follow_redirects=False,
    )
    assert joined.status_code == 303, joined.text
    return client


def _votes(client: TestClient, code: str) -> int:
    return int(client.get(f"/api/v1/workshops/{code}/figures").json()["votes"])


HOSTILE = [
    "<script>alert('x')</script> CAC is enough",
    "🙂 Engagement hides churn 🚀",
    "מדד ה-NPS משקף את הלקוחות",  # right-to-left text
    "x" * 280,
]


def test_a_guest_joins_answers_by_form_and_keeps_their_place(app: FastAPI) -> None:
    with TestClient(app) as facilitator:
        code = open_workshop(app, facilitator)
        first = seed(app, facilitator, code, "ROAS is enough for paid media")
        second = seed(app, facilitator, code, "NPS should be a KPI")
        ann = _join_by_form(app, code, "Ann")
        page = ann.get(f"/w/{code}")
        assert "ROAS is enough for paid media" in page.text  # fewest votes, oldest first
        answered = ann.post(
            f"/w/{code}/react",
            data={"statement": first, "reaction": "agree", "csrf_token": _csrf(ann)},
            follow_redirects=False,
        )
        assert answered.status_code == 303
        # a reload (or a new tab with the same cookie) continues where Ann was
        again = TestClient(app, cookies=dict(ann.cookies)).get(f"/w/{code}")
        assert "NPS should be a KPI" in again.text
        assert "2 of 2" in again.text
        assert str(second) in again.text
        # the cookie of this workshop opens no other workshop
        other = open_workshop_again(app, facilitator)
        stranger = TestClient(app, cookies=dict(ann.cookies)).get(f"/api/v1/workshops/{other}/me")
        assert stranger.status_code == 403


def open_workshop_again(app: FastAPI, client: TestClient) -> str:
    response = client.post(
        "/api/v1/workshops", json={"round": "workshop-round"}, headers=bearer(app)
    )
    assert response.status_code == 201
    return str(response.json()["code"])


def test_statement_text_is_escaped_on_every_page(app: FastAPI) -> None:
    with TestClient(app) as facilitator:
        code = open_workshop(app, facilitator)
        author = guest(app, code, "<b>Mallory</b>", "<i>ops</i>")
        for index, text in enumerate(HOSTILE):
            sent = author.post(
                f"/api/v1/workshops/{code}/statements", json={"text": text, "key": f"k{index}"}
            )
            assert sent.status_code == 201, sent.text
        too_long = author.post(
            f"/api/v1/workshops/{code}/statements", json={"text": "y" * 281, "key": "long"}
        )
        assert too_long.status_code == 400
        assert "281 characters" in too_long.json()["error"]["message"]
        reader = guest(app, code, "Bo")
        login(facilitator, "facilitator")
        pages = {
            "participant": author.get(f"/w/{code}").text,
            "facilitator": facilitator.get(f"/w/{code}/facilitate").text,
            "screen": reader.get(f"/w/{code}/screen").text,
        }
        for name, html in pages.items():
            assert "<script>alert" not in html, name
            assert "<b>Mallory</b>" not in html, name
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in pages["facilitator"]
        assert "&lt;b&gt;Mallory&lt;/b&gt;" in pages["facilitator"]
        assert "🙂 Engagement hides churn 🚀" in pages["facilitator"]
        assert "מדד ה-NPS משקף את הלקוחות" in pages["facilitator"]
        assert "x" * 280 in pages["facilitator"]
        # the JSON carries the text as given; the projector sets it as text, never as HTML
        texts = {
            s["text"]
            for s in facilitator.get(f"/api/v1/workshops/{code}/export").json()["statements"]
        }
        assert set(HOSTILE) <= texts


def test_reactions_to_rejected_statements_or_after_lock_change_nothing(app: FastAPI) -> None:
    with TestClient(app) as facilitator:
        code = open_workshop(app, facilitator, moderation=True)
        author, voter = guest(app, code, "Ann"), guest(app, code, "Bo")
        pending = author.post(
            f"/api/v1/workshops/{code}/statements", json={"text": "Drop CAC", "key": "a"}
        ).json()
        assert pending["status"] == "pending"
        early = voter.post(
            f"/api/v1/workshops/{code}/reactions",
            json={"statement": pending["id"], "reaction": "agree"},
        )
        assert early.status_code == 409
        assert "waiting for the facilitator" in early.json()["error"]["message"]
        rejected = facilitator.post(
            f"/api/v1/workshops/{code}/statements/{pending['id']}/moderate",
            json={"accept": False, "reason": "off topic"},
            headers=bearer(app),
        )
        assert rejected.json()["status"] == "rejected"
        refused = voter.post(
            f"/api/v1/workshops/{code}/reactions",
            json={"statement": pending["id"], "reaction": "agree"},
        )
        assert refused.status_code == 409
        assert "rejected by the facilitator (off topic)" in refused.json()["error"]["message"]
        accepted = seed(app, facilitator, code, "Keep CAC")
        assert (
            voter.post(
                f"/api/v1/workshops/{code}/reactions",
                json={"statement": accepted, "reaction": "agree"},
            ).status_code
            == 200
        )
        before = _votes(facilitator, code)
        control(app, facilitator, code, locked=True)
        locked = voter.post(
            f"/api/v1/workshops/{code}/reactions",
            json={"statement": accepted, "reaction": "disagree"},
        )
        assert locked.status_code == 409
        assert "locked" in locked.json()["error"]["message"]
        page = voter.post(
            f"/w/{code}/react",
            data={"statement": accepted, "reaction": "disagree", "csrf_token": "test-csrf-token"},
        )
        assert page.status_code == 409
        assert "locked by the facilitator" in page.text
        assert _votes(facilitator, code) == before
        exported = facilitator.get(f"/api/v1/workshops/{code}/export", headers=bearer(app)).json()
        assert [r["reaction"] for r in exported["reactions"] if r["statement"] == accepted] == [
            "agree"
        ]


def test_removed_participant_leaves_the_results_with_a_note(app: FastAPI) -> None:
    with TestClient(app) as facilitator:
        code = open_workshop(app, facilitator)
        statement = seed(app, facilitator, code, "Brand awareness matters")
        ann, troll = guest(app, code, "Ann"), guest(app, code, "Troll")
        for person, reaction in ((ann, "agree"), (troll, "disagree")):
            person.post(
                f"/api/v1/workshops/{code}/reactions",
                json={"statement": statement, "reaction": reaction},
            )
        troll_id = next(
            p["id"]
            for p in facilitator.get(
                f"/api/v1/workshops/{code}/participants", headers=bearer(app)
            ).json()
            if p["display_name"] == "Troll"
        )
        removed = facilitator.post(
            f"/api/v1/workshops/{code}/participants/{troll_id}/remove",
            json={"note": "posted insults"},
            headers=bearer(app),
        )
        assert removed.json()["removed"] is True
        figures = facilitator.get(f"/api/v1/workshops/{code}/figures").json()
        assert figures["votes"] == 1
        assert figures["participants"] == {"active": 1, "removed": 1}
        assert figures["removed_notes"] == ["Troll was removed by the facilitator: posted insults"]
        assert troll.get(f"/api/v1/workshops/{code}/me").status_code == 403
        with app.state.context.store.transaction() as session:  # the audit log keeps it all
            removal = [
                e
                for e in audit.read(session, entity="workshop")
                if e.action.endswith("remove_participant")
            ]
        assert removal[0].detail["reactions"] == {str(statement): "disagree"}
        assert removal[0].detail["note"] == "posted insults"


def test_facilitator_controls_from_the_round_page_and_roles(app: FastAPI) -> None:
    with TestClient(app) as facilitator:
        open_workshop(app, facilitator)
        login(facilitator, "facilitator")
        round_page = facilitator.get("/rounds/workshop-round")
        assert "/rounds/workshop-round/workshops" in round_page.text
        opened = facilitator.post(
            "/rounds/workshop-round/workshops",
            data={"csrf_token": _csrf(facilitator)},
            follow_redirects=False,
        )
        assert opened.status_code == 303
        code = re.search(r"/w/([A-Z0-9]+)/facilitate", opened.headers["location"]).group(1)
        moved = facilitator.post(
            f"/w/{code}/control",
            data={"phase": "react", "csrf_token": _csrf(facilitator)},
            follow_redirects=False,
        )
        assert moved.status_code == 303
        assert facilitator.get(f"/api/v1/workshops/{code}").json()["phase"] == "react"
        member = TestClient(app)
        login(member, "member")
        assert member.get(f"/w/{code}/facilitate").status_code == 403
        guest_client = guest(app, code, "Ann")
        assert (
            guest_client.post(
                f"/api/v1/workshops/{code}/control", json={"phase": "closed"}
            ).status_code
            == 401
        )
