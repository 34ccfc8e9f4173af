"""Change proposals on the web and in the API: the page's change, impact preview, seats and
forms; who may decide, for every role; CSRF; errors as 403 / 409 / 404 / 400, never a trace.

Oracles: CAC per month with and without display written by hand in SQL (monthly spend /
customers acquired, as in tests/governance/test_impact_preview.py), statuses from the
documented rule (lower is better: shortfall = (value − target) / target; on track up to 5%,
at risk up to 15%, off track beyond); everything else must equal what the proposals service
returns (``kpibridge proposals show --format json``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_gov_helpers import (
    PROPOSAL_ROUTES,
    apply_as,
    bearer,
    build_governance_app,
    chart_in,
    chart_rows,
    edit_kpi,
    expected_status,
    hand_cac,
    post_form,
    propose,
    signed_in,
    table_rows,
)

from kpibridge.model.governance import Restatement
from kpibridge.report.formatting import format_value
from kpibridge.services.governance.impact import impact_preview
from kpibridge.services.governance.proposals import show_proposal
from kpibridge.workspace.governance_file import load_governance

USERS = ("admin", "facilitator", "member", "viewer", "growth", "brand")


@pytest.fixture(scope="module")
def gov_app(demo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    app = build_governance_app(demo_root, tmp_path_factory.mktemp("gov-web"))
    yield app
    app.state.context.store.close()
    app.state.context.live.close()


@pytest.fixture(scope="module")
def as_user(gov_app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    clients: dict[str, TestClient] = {}

    def sign_in(username: str) -> TestClient:
        if username not in clients:
            clients[username] = signed_in(gov_app, username)
        return clients[username]

    yield sign_in
    for client in clients.values():
        client.close()


@pytest.fixture(scope="module")
def cac_proposal(gov_app: FastAPI) -> int:
    """The cmo (user ``member``) proposes CAC without display spend and a target of 45, from
    2026-06-01, earlier periods kept as reported. Seats: owner and goal owner (both
    head-of-growth, user ``growth``) and analytics (user ``facilitator``)."""
    edit_kpi(
        gov_app,
        "cac",
        filter="channel != 'display'",
        targets=[{"value": 45.0, "at_risk": 0.05, "off_track": 0.15}],
    )
    result = apply_as(
        gov_app,
        "member",
        "display is brand, not acquisition",
        only="cac",
        effective=date(2026, 6, 1),
        restatement=Restatement.AS_REPORTED,
    )
    return int(result.applied[0].outcome.split()[1])


def test_impact_preview_matches_hand_sql(
    gov_app: FastAPI, as_user: Callable[[str], TestClient], cac_proposal: int
) -> None:
    record = as_user("viewer").get(f"/api/v1/proposals/{cac_proposal}").json()
    rows = record["impact"]["rows"]
    assert len(rows) == 13
    before = hand_cac(gov_app, without_display=False)
    after = hand_cac(gov_app, without_display=True)
    for row in rows:
        period = date.fromisoformat(row["period"])
        assert row["before"] == pytest.approx(before[period], rel=1e-9)
        assert row["after"] == pytest.approx(after[period], rel=1e-9)
        assert row["reported"] == (row["before"] if period < date(2026, 6, 1) else row["after"])
        assert row["status_before"] == expected_status(before[period], 50.0)
        assert row["status_after"] == expected_status(after[period], 45.0)
    flips = [row for row in rows if row["status_before"] != row["status_after"]]
    assert record["impact"]["flips"] == len(flips) > 0


def test_page_shows_what_the_service_says(
    gov_app: FastAPI, as_user: Callable[[str], TestClient], cac_proposal: int
) -> None:
    html = as_user("viewer").get(f"/proposals/{cac_proposal}").text
    context = gov_app.state.context
    ws = context.live.workspace
    view = show_proposal(context.store, cac_proposal, ws.definition, load_governance(ws.definition))
    preview = context.live.run(lambda w: impact_preview(w, view))
    for sentence in view.words:
        assert sentence.replace("'", "&#39;") in html
    assert "filter added: channel != &#39;display&#39;" in html
    assert '<span class="add">+filter: channel != &#39;display&#39;</span>' in html
    assert "display is brand, not acquisition" in html
    table = table_rows(html, "period")
    assert len(table) == len(preview.rows)
    for row in preview.rows:
        cells = table[row.period.isoformat()]
        assert cells[0] == row.label
        assert cells[1] == format_value(row.before, "currency", "USD")
        assert cells[2] == format_value(row.after, "currency", "USD")
        assert cells[5] == format_value(row.reported, "currency", "USD")
        flipped = f"{row.status_before.value} → {row.status_after.value}"
        assert cells[7] == (flipped if row.flipped else row.status_before.value)
    assert f"{len(preview.flips)} status flip" in html
    drawn = chart_rows(chart_in(html, "impact-chart"))
    lines = {(r["period"], r["definition"]): r["value"] for r in drawn if "definition" in r}
    assert len(lines) == 2 * len(preview.rows)
    for row in preview.rows:
        assert lines[(row.period.isoformat(), "now")] == pytest.approx(row.before)
        assert lines[(row.period.isoformat(), "proposed")] == pytest.approx(row.after)
    seats = table_rows(html, "seat")
    assert set(seats) == {"owner", "goal_owner", "role:analytics"}
    assert seats["owner"][1] == "Tom Okafor"
    assert seats["role:analytics"][2] == "waiting"


@pytest.mark.parametrize(
    ("username", "decides", "comments"),
    [
        ("facilitator", True, True),  # analytics seat
        ("growth", True, True),  # owner and goal owner
        ("member", False, True),  # the author, no seat
        ("admin", False, True),  # the ceo holds no seat on cac
        ("brand", False, True),
        ("viewer", False, False),
    ],
)
def test_who_sees_which_form(
    gov_app: FastAPI,
    as_user: Callable[[str], TestClient],
    cac_proposal: int,
    username: str,
    decides: bool,
    comments: bool,
) -> None:
    html = as_user(username).get(f"/proposals/{cac_proposal}").text
    assert ('value="approve"' in html) is decides
    assert ('value="reject"' in html) is decides
    assert ('value="comment"' in html) is comments
    record = as_user(username).get(f"/api/v1/proposals/{cac_proposal}").json()
    assert (record["you_may_decide"], record["you_may_comment"]) == (decides, comments)


def decisions(app: FastAPI, number: int) -> list[dict[str, Any]]:
    with TestClient(app) as client:
        record = client.get(f"/api/v1/proposals/{number}", headers=bearer(app, "viewer")).json()
    return record["decisions"]  # type: ignore[no-any-return]


def test_deciding_follows_the_seats_for_every_role(
    gov_app: FastAPI, as_user: Callable[[str], TestClient]
) -> None:
    """ctr: owner and goal owner are the cmo (user ``member``), analytics the facilitator;
    proposed by ``brand``. Refusals change nothing; the two seat holders approve it."""
    number = propose(gov_app, "brand", "ctr", "count clicks on the new ad format", unit="clicks")
    path = f"/proposals/{number}/decisions"
    for username in ("viewer", "admin", "growth", "brand"):
        page = post_form(as_user(username), path, {"decision": "approve"})
        assert page.status_code == 403, username
        assert "Traceback" not in page.text
        with TestClient(gov_app) as client:
            api = client.post(
                f"/api/v1{path}", json={"decision": "approve"}, headers=bearer(gov_app, username)
            )
        assert api.status_code == 403, username
        assert api.json()["error"]["code"] == "forbidden"
    denied = post_form(as_user("admin"), path, {"decision": "approve"})
    assert "holds none of this proposal" in denied.text  # the service's own words
    viewer_comment = post_form(as_user("viewer"), path, {"decision": "comment", "comment": "hm"})
    assert viewer_comment.status_code == 403
    assert decisions(gov_app, number) == []

    comment = post_form(as_user("admin"), path, {"decision": "comment", "comment": "fine by me"})
    assert comment.status_code == 303
    first = post_form(as_user("member"), path, {"decision": "approve"})
    assert first.status_code == 303
    assert first.headers["location"] == f"/proposals/{number}#decisions"
    with TestClient(gov_app) as client:
        second = client.post(
            f"/api/v1{path}",
            json={"decision": "approve", "comment": "measurable"},
            headers=bearer(gov_app, "facilitator"),
        )
    assert second.status_code == 201
    assert second.json()["status"] == "approved"
    assert [(d["username"], d["decision"]) for d in decisions(gov_app, number)] == [
        ("admin", "comment"),
        ("member", "approve"),
        ("facilitator", "approve"),
    ]
    # decided: no more decisions (409), on the page and in the API
    again = post_form(as_user("member"), path, {"decision": "approve"})
    assert again.status_code == 409
    assert "approved" in again.text
    late = as_user("admin").post(
        f"/api/v1{path}",
        json={"decision": "comment", "comment": "late"},
        headers={"X-CSRF-Token": as_user("admin").cookies.get("kpibridge_csrf") or ""},
    )
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "conflict"
    # the approval wrote version 2, shown in the KPI's history with its audit entries
    history = as_user("viewer").get("/api/v1/kpis/ctr/history").json()
    assert [(v["part"], v["version"], v["proposal"]) for v in history["versions"]][-1] == (
        "definition",
        2,
        number,
    )
    actions = [entry["action"] for entry in history["audit"]]
    assert actions[-2:] == ["kpi.version", "proposal.approved"]
    panel = as_user("viewer").get("/kpis/ctr/history").text
    versions = table_rows(panel, "version")
    assert versions["2"][0] == f"definition v2 · proposal {number}"
    assert versions["2"][1] == "brand"
    assert "count clicks on the new ad format" in versions["2"][4]
    assert "proposal.approved" in panel


def test_reject_needs_a_reason_and_closes_the_proposal(
    gov_app: FastAPI, as_user: Callable[[str], TestClient]
) -> None:
    number = propose(gov_app, "growth", "share_of_voice", "count forums too", unit="mentions")
    path = f"/proposals/{number}/decisions"
    silent = post_form(as_user("facilitator"), path, {"decision": "reject"})
    assert silent.status_code == 400
    assert "say why" in silent.text
    assert decisions(gov_app, number) == []
    # the cmo owns the goal: request changes through the API with the session cookie
    client = as_user("member")
    sent_back = client.post(
        f"/api/v1{path}",
        json={"decision": "request_changes", "comment": "which forums?"},
        headers={"X-CSRF-Token": client.cookies.get("kpibridge_csrf") or ""},
    )
    assert sent_back.status_code == 201
    assert sent_back.json()["status"] == "changes_requested"
    assert post_form(client, path, {"decision": "approve"}).status_code == 409
    assert post_form(client, path, {"decision": "comment", "comment": "ok"}).status_code == 303
    proposals = as_user("viewer").get("/api/v1/proposals?status=changes_requested").json()
    assert number in [p["id"] for p in proposals]
    listing = as_user("viewer").get("/proposals?status=changes_requested").text
    assert f'<tr data-proposal="{number}">' in listing


def test_csrf_is_required(gov_app: FastAPI, as_user: Callable[[str], TestClient]) -> None:
    number = propose(gov_app, "member", "brand_awareness", "ask twice a year", unit="people")
    path = f"/proposals/{number}/decisions"
    client = as_user("facilitator")
    assert post_form(client, path, {"decision": "approve"}, csrf=False).status_code == 403
    forged = client.post(path, data={"decision": "approve", "csrf_token": "forged"})
    assert forged.status_code == 403
    api = client.post(f"/api/v1{path}", json={"decision": "approve"})  # cookie, no header
    assert api.status_code == 403
    assert decisions(gov_app, number) == []


def test_errors_are_clear(gov_app: FastAPI, as_user: Callable[[str], TestClient]) -> None:
    client = as_user("member")
    missing = client.get("/proposals/9999")
    assert missing.status_code == 404
    assert "no proposal 9999" in missing.text
    api = client.get("/api/v1/proposals/9999")
    assert api.status_code == 404
    assert set(api.json()["error"]) == {"status", "code", "message"}
    bad = post_form(client, "/proposals/1/decisions", {"decision": "veto"})
    assert bad.status_code == 400
    assert "decision must be one of" in bad.text
    token = {"X-CSRF-Token": client.cookies.get("kpibridge_csrf") or ""}
    invalid = client.post("/api/v1/proposals/1/decisions", json={"decision": "veto"}, headers=token)
    assert invalid.status_code == 422
    assert client.get("/proposals/not-a-number").status_code == 422
    assert client.get("/proposals?status=maybe").status_code == 422


def test_anonymous_people_are_sent_to_sign_in(gov_app: FastAPI, cac_proposal: int) -> None:
    with TestClient(gov_app) as client:
        page = client.get(f"/proposals/{cac_proposal}", follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"].startswith("/login?next=")
        assert client.get(f"/api/v1/proposals/{cac_proposal}").status_code == 401
        client.get("/login")
        post = post_form(client, f"/proposals/{cac_proposal}/decisions", {"decision": "approve"})
        assert post.status_code == 303
        assert post.headers["location"].startswith("/login?next=")
        token = {"X-CSRF-Token": client.cookies.get("kpibridge_csrf") or ""}
        api = client.post(
            f"/api/v1/proposals/{cac_proposal}/decisions",
            json={"decision": "approve"},
            headers=token,
        )
        assert api.status_code == 401
        assert decisions(gov_app, cac_proposal) == []


@pytest.mark.parametrize(("method", "path"), sorted(PROPOSAL_ROUTES))
def test_every_proposal_route_needs_a_sign_in(
    gov_app: FastAPI, cac_proposal: int, method: str, path: str
) -> None:
    """Anonymous callers, even with a valid CSRF token: pages send them to sign in, the API
    answers 401; nothing is recorded."""
    with TestClient(gov_app) as client:
        client.get("/login")
        token = client.cookies.get("kpibridge_csrf") or ""
        url = path.replace("{proposal_id}", str(cac_proposal))
        if method == "GET":
            response = client.get(url, follow_redirects=False)
        elif url.startswith("/api/"):
            response = client.post(
                url, json={"decision": "comment", "comment": "hi"}, headers={"X-CSRF-Token": token}
            )
        else:
            response = post_form(client, url, {"decision": "comment", "comment": "hi"})
    if url.startswith("/api/"):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
    else:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
    assert decisions(gov_app, cac_proposal) == []
