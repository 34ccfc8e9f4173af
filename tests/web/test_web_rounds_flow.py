"""Rounds on the web from start to end, over real HTTP on a real SQLite store: open a round,
vote (and vote again: one live ballot, the history kept), propose, read the results, close,
adopt — and what must not happen: a half-written change, a ballot in a closed round, a name
in anonymous results. Expected values come from hand-written SQL on the store or from the
alignment engine run on the same round read from its YAML file."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from web_helpers import login
from web_round_helpers import SMALL_ROUND, open_small_round

from kpibridge.services.rounds import stored_rounds
from kpibridge.services.rounds.stored_rounds import import_workspace_rounds
from kpibridge.services.rounds.workspace_rounds import analyze_round
from kpibridge.store import audit
from kpibridge.web import WebSettings, create_app

AppFactory = Callable[..., FastAPI]


@pytest.fixture
def app(make_app: AppFactory) -> FastAPI:
    built = make_app()
    open_small_round(built)
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


def sql(app: FastAPI, query: str, **params: Any) -> list[tuple[Any, ...]]:
    with app.state.context.store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(query), params)]


def csrf(client: TestClient) -> str:
    return client.cookies.get("kpibridge_csrf") or ""


def post_form(client: TestClient, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data={"csrf_token": csrf(client), **data}, follow_redirects=False)


def test_open_a_round_with_the_form(sign_in: Callable[[str], TestClient], app: FastAPI) -> None:
    client = sign_in("facilitator")
    response = post_form(
        client,
        "/rounds",
        {
            "name": "brand-2027",
            "question": "Which brand KPIs?",
            "candidates": ["brand_awareness", "share_of_voice", "nps"],
            "participants": ["cmo", "brand-manager"],
            "criteria": "goal_alignment, timeliness",
            "select": "2",
            "deadline": "2099-12-31",
            "anonymous": "on",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/rounds/brand-2027"
    assert sql(
        app,
        "SELECT question, select_count, deadline, anonymous, status, created_by FROM rounds "
        "WHERE name = 'brand-2027'",
    ) == [("Which brand KPIs?", 2, "2099-12-31", 1, "open", "facilitator")]
    assert sql(
        app,
        "SELECT criterion FROM round_criteria JOIN rounds ON rounds.id = round_id "
        "WHERE name = 'brand-2027' ORDER BY position",
    ) == [("goal_alignment",), ("timeliness",)]
    listing = client.get("/rounds").text
    assert "brand-2027" in listing
    assert "Which brand KPIs?" in listing
    actions = sql(app, "SELECT actor, action FROM audit_log WHERE entity_id = 'brand-2027'")
    assert actions == [("facilitator", "round.create")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"candidates": ["cac", "rosa"]}, "unknown KPI 'rosa'. Did you mean 'roas'?"),
        ({"participants": ["cmo", "cfoo"]}, "unknown stakeholder 'cfoo'. Did you mean 'cfo'?"),
        ({"select": "9"}, "select is 9 but the round has only 2 candidates"),
        ({"name": "Not An Id"}, "is not a valid id"),
        ({"name": "small"}, "a round named 'small' exists already"),
        ({"deadline": "tomorrow"}, "deadline 'tomorrow' is not a date"),
        ({"deadline": "2001-01-31"}, "deadline 2001-01-31 has passed already"),
    ],
)
def test_a_bad_round_is_refused_with_every_reason(
    sign_in: Callable[[str], TestClient], app: FastAPI, change: dict[str, Any], message: str
) -> None:
    form = {
        "name": "new-one",
        "question": "Q?",
        "candidates": ["cac", "roas"],
        "participants": ["cmo"],
        "criteria": "measurability",
        "select": "1",
        **change,
    }
    response = post_form(sign_in("facilitator"), "/rounds", form)
    assert response.status_code == 400
    assert message in response.text.replace("&#39;", "'")
    assert sql(app, "SELECT count(*) FROM rounds") == [(2,)]  # small and kpis-2027


def test_one_live_ballot_per_participant_with_history(
    sign_in: Callable[[str], TestClient], app: FastAPI
) -> None:
    member = sign_in("member")  # the cmo
    first = post_form(
        member,
        "/rounds/small/ballot",
        {
            "position.cac": "1",
            "position.roas": "2",
            "position.nps": "2",
            "rationale.cac": "cheap growth",
            "score.cac.measurability": "5",
            "weight.goal_alignment": "3",
            "weight.measurability": "1",
        },
    )
    assert first.status_code == 303
    assert first.headers["location"] == "/rounds/small?saved=1"
    second = post_form(member, "/rounds/small/ballot", {"position.nps": "1", "position.cac": "2"})
    assert second.status_code == 303
    rows = sql(
        app,
        "SELECT participant, submitted_by, replaced_at IS NULL, content FROM ballots "
        "JOIN rounds ON rounds.id = round_id WHERE name = 'small' ORDER BY ballots.id",
    )
    assert [row[:3] for row in rows] == [("cmo", "member", 0), ("cmo", "member", 1)]
    assert json.loads(rows[0][3])["ranking"] == [["cac"], ["roas", "nps"]]  # equal = tie
    assert json.loads(rows[0][3])["criteria_weights"] == {
        "goal_alignment": 3.0,
        "measurability": 1.0,
    }
    assert json.loads(rows[1][3])["ranking"] == [["nps"], ["cac"]]
    mine = member.get("/api/v1/rounds/small/ballot").json()
    assert mine["live"]["ballot"]["ranking"] == [["nps"], ["cac"]]
    assert [v["live"] for v in mine["history"]] == [True, False]
    results = member.get("/api/v1/rounds/small/results").json()
    assert results["participation"]["rankers"] == ["cmo"]  # counted once
    assert results["consensus"]["kemeny"]["order"][:2] == ["nps", "cac"]
    page = member.get("/rounds/small").text
    assert "Your earlier ballots (1)" in page
    assert [a for (a,) in sql(app, "SELECT action FROM audit_log WHERE entity_id='small'")] == [
        "round.create",
        "ballot.submit",
        "ballot.submit",
    ]


def test_the_ballot_api_replaces_too(app: FastAPI, sign_in: Callable[[str], TestClient]) -> None:
    token = app.state.tokens["facilitator"]  # the analytics lead, a participant
    with TestClient(app) as client:
        for ranking in (["roas", "cac"], [["cac", "nps"], "roas"]):
            response = client.put(
                "/api/v1/rounds/small/ballot",
                json={"ranking": ranking, "rationale": {"roas": "spend must pay"}},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == 200, response.text
    live = sql(
        app,
        "SELECT content FROM ballots JOIN rounds ON rounds.id = round_id "
        "WHERE name = 'small' AND replaced_at IS NULL",
    )
    assert [json.loads(c)["ranking"] for (c,) in live] == [[["cac", "nps"], ["roas"]]]
    assert sql(
        app,
        "SELECT count(*) FROM ballots JOIN rounds ON rounds.id = round_id "
        "WHERE name = 'small' AND participant = 'analytics-lead'",
    ) == [(2,)]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"position.cac": "first"}, "position of cac: 'first' is not a number"),
        ({"score.cac.measurability": "7"}, "score of cac on measurability: 7 is not 1-5"),
        ({"weight.measurability": "-1"}, "criteria_weights.measurability: -1.0 is negative"),
        ({"position.churn": "1"}, "position.churn: no such candidate or criterion"),
        ({"score.cac.speed": "3"}, "score.cac.speed: no such candidate or criterion"),
    ],
)
def test_a_bad_ballot_is_refused_and_nothing_stored(
    sign_in: Callable[[str], TestClient], app: FastAPI, form: dict[str, str], message: str
) -> None:
    response = post_form(sign_in("member"), "/rounds/small/ballot", form)
    assert response.status_code == 400
    assert message in response.text.replace("&#39;", "'")
    assert sql(
        app, "SELECT count(*) FROM ballots JOIN rounds ON rounds.id = round_id WHERE name = 'small'"
    ) == [(0,)]


def test_the_api_names_unknown_candidates(app: FastAPI) -> None:
    with TestClient(app) as client:
        response = client.put(
            "/api/v1/rounds/small/ballot",
            json={"ranking": ["cac", "nsp"], "scores": {"cac": {"speed": 3}}},
            headers={"Authorization": f"Bearer {app.state.tokens['member']}"},
        )
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert "unknown candidate 'nsp'. Did you mean 'nps'?" in message
    assert "unknown criterion 'speed'" in message


def test_a_failure_mid_write_leaves_nothing(
    sign_in: Callable[[str], TestClient], app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit record is the last write of a ballot (after the earlier ballot was stamped
    replaced and the new one flushed): making it fail must roll back both."""
    member = sign_in("member")
    assert post_form(member, "/rounds/small/ballot", {"position.cac": "1"}).status_code == 303
    before = sql(app, "SELECT id, replaced_at, content FROM ballots ORDER BY id")
    audit_before = sql(app, "SELECT count(*) FROM audit_log")
    candidates_before = sql(app, "SELECT count(*) FROM round_candidates")

    def crash(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr(audit, "record", crash)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert login(client, "member").status_code == 303
        response = post_form(client, "/rounds/small/ballot", {"position.roas": "1"})
        assert response.status_code == 500
        assert "Traceback" not in response.text
        assert "disk unplugged" not in response.text
        client.cookies.clear()
        assert login(client, "facilitator").status_code == 303
        created = post_form(
            client,
            "/rounds",
            {
                "name": "never",
                "question": "Q?",
                "candidates": ["cac", "roas"],
                "participants": ["cmo"],
                "criteria": "measurability",
                "select": "1",
            },
        )
        assert created.status_code == 500
    assert sql(app, "SELECT id, replaced_at, content FROM ballots ORDER BY id") == before
    assert sql(app, "SELECT count(*) FROM audit_log") == audit_before
    assert sql(app, "SELECT count(*) FROM rounds WHERE name = 'never'") == [(0,)]
    assert sql(app, "SELECT count(*) FROM round_candidates") == candidates_before


def test_propose_then_rank_the_proposal(sign_in: Callable[[str], TestClient], app: FastAPI) -> None:
    member = sign_in("member")
    response = post_form(
        member,
        "/rounds/small/proposals",
        {
            "id": "branded_search",
            "name": "Branded search volume",
            "rationale": "brand pull",
            "goal": "brand-strength",
        },
    )
    assert response.status_code == 303
    assert sql(
        app,
        "SELECT candidate, name, proposed_by, goal FROM round_candidates "
        "WHERE candidate = 'branded_search'",
    ) == [("branded_search", "Branded search volume", "cmo", "brand-strength")]
    again = post_form(member, "/rounds/small/proposals", {"id": "cac", "name": "CAC again"})
    assert again.status_code == 400
    assert "already a KPI or a candidate" in again.text
    assert (
        post_form(member, "/rounds/small/ballot", {"position.branded_search": "1"}).status_code
        == 303
    )
    results = member.get("/api/v1/rounds/small/results").json()
    assert results["consensus"]["kemeny"]["order"][0] == "branded_search"
    proposed = [c for c in results["candidates"] if c["id"] == "branded_search"]
    assert proposed[0]["proposed_by"] == "cmo"


def test_close_then_adopt(sign_in: Callable[[str], TestClient], app: FastAPI) -> None:
    member, facilitator = sign_in("member"), sign_in("facilitator")
    post_form(member, "/rounds/small/ballot", {"position.nps": "1", "position.cac": "2"})
    closed = post_form(facilitator, "/rounds/small/close", {})
    assert closed.status_code == 303
    late = post_form(member, "/rounds/small/ballot", {"position.cac": "1"})
    assert late.status_code == 409
    late_api = member.put(
        "/api/v1/rounds/small/ballot",
        json={"ranking": ["cac"]},
        headers={"X-CSRF-Token": csrf(member)},
    )
    assert late_api.status_code == 409
    assert late_api.json()["error"]["code"] == "conflict"
    assert post_form(facilitator, "/rounds/small/close", {}).status_code == 409
    recommended = facilitator.get("/api/v1/rounds/small/results").json()["recommendation"]
    adopted = facilitator.post(
        "/api/v1/rounds/small/adopt", headers={"X-CSRF-Token": csrf(facilitator)}
    )
    assert adopted.status_code == 200
    assert adopted.json()["adopted"] == recommended["selected"]
    assert sql(app, "SELECT status, adopted_by FROM rounds WHERE name='small'") == [
        ("adopted", "facilitator")
    ]
    again = post_form(facilitator, "/rounds/small/adopt", {"selected": ["cac"]})
    assert again.status_code == 409
    assert "Adopted" in sign_in("viewer").get("/rounds/small/results").text


def test_adopt_a_chosen_set_from_the_results_page(
    sign_in: Callable[[str], TestClient], app: FastAPI
) -> None:
    facilitator = sign_in("facilitator")
    empty = post_form(facilitator, "/rounds/small/adopt", {"selected": ["roas", "cac"]})
    assert empty.status_code == 409  # no ballot yet: nothing to adopt
    vote = {"position.cac": "1", "position.roas": "2"}
    assert post_form(sign_in("member"), "/rounds/small/ballot", vote).status_code == 303
    response = post_form(facilitator, "/rounds/small/adopt", {"selected": ["roas", "cac"]})
    assert response.status_code == 303
    assert sql(app, "SELECT status, adopted FROM rounds WHERE name='small'") == [
        ("adopted", '["roas", "cac"]')
    ]
    unknown = facilitator.post(
        "/api/v1/rounds/kpis-2027/adopt",
        json={"selected": ["cacc"]},
        headers={"X-CSRF-Token": csrf(facilitator)},
    )
    assert unknown.status_code == 404
    assert "Did you mean 'cac'" in unknown.json()["error"]["message"]


def test_anonymous_results_name_people_only_for_facilitators(
    app: FastAPI, sign_in: Callable[[str], TestClient]
) -> None:
    open_small_round(app, id="secret", anonymous=True)
    for role in ("member", "facilitator"):
        client = sign_in(role)
        client.put(
            "/api/v1/rounds/secret/ballot",
            json={"ranking": ["cac", "roas"], "rationale": {"nps": "not now"}},
            headers={"X-CSRF-Token": csrf(client)},
        )
    people = set(SMALL_ROUND["participants"]) | {"member", "facilitator"}
    for role in ("viewer", "member"):
        client = sign_in(role)
        body = client.get("/api/v1/rounds/secret/results").json()
        assert body["named"] is False
        text_json = json.dumps(body)
        assert not [p for p in people if f'"{p}"' in text_json], role
        page = client.get("/rounds/secret/results").text
        assert "analytics-lead" not in page
        assert "cmo" not in page
        assert body["participation"]["rankers"] == ["marketing 1", "analytics 1"]
    named = sign_in("facilitator").get("/api/v1/rounds/secret/results").json()
    assert named["named"] is True
    assert named["participation"]["rankers"] == ["cmo", "analytics-lead"]


def test_the_demo_round_is_imported_once_and_analysed_as_from_yaml(
    app: FastAPI, make_app: AppFactory
) -> None:
    context = app.state.context
    assert import_workspace_rounds(context.store, context.live.workspace) == []
    assert sql(app, "SELECT source, status FROM rounds WHERE name = 'kpis-2027'") == [
        ("workspace", "open")
    ]
    with TestClient(app) as client:
        body = client.get(
            "/api/v1/rounds/kpis-2027/results",
            headers={"Authorization": f"Bearer {app.state.tokens['viewer']}"},
        ).json()
    expected = context.live.run(lambda ws: analyze_round(ws, "kpis-2027").to_json())
    for key in ("status", "adopted", "named"):
        body.pop(key)
    assert body == json.loads(json.dumps(expected))
    # a round changed in the store is not overwritten by its YAML file on the next start
    stored_rounds.close_round(context.store, "kpis-2027", actor="facilitator")
    url = str(context.store.engine.url.render_as_string(hide_password=False))
    again = create_app(
        WebSettings(workspace=context.live.root, database_url=url, secret_key="test-secret")
    )
    try:
        assert sql(again, "SELECT count(*), max(status) FROM rounds WHERE name = 'kpis-2027'") == [
            (1, "closed")
        ]
    finally:
        again.state.context.store.close()
        again.state.context.live.close()


def test_results_are_remembered_until_a_ballot_changes(
    app: FastAPI, sign_in: Callable[[str], TestClient]
) -> None:
    live = app.state.context.live
    viewer, member = sign_in("viewer"), sign_in("member")
    viewer.get("/rounds/small/results")
    computed = live.computed
    viewer.get("/rounds/small/results")
    viewer.get("/api/v1/rounds/small/results")
    assert live.computed == computed
    post_form(member, "/rounds/small/ballot", {"position.cac": "1"})
    viewer.get("/rounds/small/results")
    assert live.computed == computed + 2  # the analysis, and the page's JSON and maps
    viewer.get("/rounds/small/results")
    assert live.computed == computed + 2


def test_results_page_shows_every_view_of_the_demo_round(
    sign_in: Callable[[str], TestClient],
) -> None:
    page = sign_in("viewer").get("/rounds/kpis-2027/results").text
    for heading in (
        "Recommended set",
        "Consensus ranking, by method",
        "Agreement",
        "Contested KPIs",
        "Opinion groups",
        "Common ground",
        "By department",
        "Dissent",
    ):
        assert heading in page, heading
    assert page.count('class="vega chart"') == 2  # rankings and reactions maps
    assert "built-in method" not in page
    analysis = live_analysis(sign_in)
    w = analysis["agreement"]["kendall_w"]
    assert f"({w['raters']} rankers, {w['items']} candidates;" in page
    assert "Kendall" in page
    assert "schulze" in page
    assert "borda" in page


def test_no_ballot_after_the_deadline(sign_in: Callable[[str], TestClient], app: FastAPI) -> None:
    member = sign_in("member")
    assert post_form(member, "/rounds/small/ballot", {"position.cac": "1"}).status_code == 303
    with app.state.context.store.engine.begin() as connection:  # the deadline went by
        connection.execute(text("UPDATE rounds SET deadline = '2001-01-31' WHERE name='small'"))
    late = post_form(member, "/rounds/small/ballot", {"position.nps": "1"})
    assert late.status_code == 409
    assert "closed for ballots on its deadline 2001-01-31" in late.text
    page = member.get("/rounds/small").text
    assert 'id="ballot-form"' not in page
    assert "The deadline for ballots (2001-01-31) has passed." in page
    assert sql(
        app, "SELECT count(*) FROM ballots JOIN rounds ON rounds.id = round_id WHERE name = 'small'"
    ) == [(1,)]


def live_analysis(sign_in: Callable[[str], TestClient]) -> dict[str, Any]:
    body: dict[str, Any] = sign_in("viewer").get("/api/v1/rounds/kpis-2027/results").json()
    return body
