"""Competing proposals side by side on the web (``/proposals/compare?kpi=K``) and in the API
(``GET /api/v1/proposals/compare?kpi=K``): every number equals the impact preview computed
afresh by the service for each proposal, and — for CAC on the small demo — hand-written SQL;
every role reads, only facilitators and admins get *Put to an alignment round*; bad input is
a clear 400 / 404, never a trace.

Oracles: CAC per month with and without display written by hand in SQL (monthly spend / new
customers, as in tests/governance/test_impact_preview.py); statuses from the documented rule
(lower is better: shortfall = (value − target) / target; on track up to 5%, at risk up to
15%, off track beyond); everything else must equal what ``services.impact.impact_preview``
and ``services.proposals.show_proposal`` return.
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
    apply_as,
    build_governance_app,
    chart_in,
    chart_rows,
    edit_kpi,
    expected_status,
    hand_cac,
    post_form,
    signed_in,
    table_rows,
)

from kpibridge.model.governance import Restatement
from kpibridge.report.formatting import format_value
from kpibridge.services.governance.impact import ImpactPreview, impact_preview
from kpibridge.services.governance.proposal_views import ProposalView
from kpibridge.services.governance.proposals import show_proposal
from kpibridge.workspace.governance_file import load_governance

USERS = ("admin", "facilitator", "member", "viewer", "growth", "brand")
MAY_PUT_TO_ROUND = {"admin", "facilitator"}


@pytest.fixture(scope="module")
def gov_app(demo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """Two competing CAC proposals: marketing's (user ``member``, the cmo) drops display
    spend and sets a target of 45 from 2026-06-01, earlier periods kept as reported;
    ``brand``'s keeps the definition and sets a target of 60. Each starts from the YAML in
    force (the file is put back in between)."""
    app = build_governance_app(demo_root, tmp_path_factory.mktemp("gov-compare"))
    path = Path(app.state.context.live.root) / "kpis" / "cac.yaml"
    original = path.read_text(encoding="utf-8")
    edit_kpi(
        app,
        "cac",
        filter="channel != 'display'",
        targets=[{"value": 45.0, "at_risk": 0.05, "off_track": 0.15}],
    )
    marketing = apply_as(
        app,
        "member",
        "display is brand, not acquisition",
        only="cac",
        effective=date(2026, 6, 1),
        restatement=Restatement.AS_REPORTED,
    )
    path.write_text(original, encoding="utf-8")
    edit_kpi(app, "cac", targets=[{"value": 60.0, "at_risk": 0.05, "off_track": 0.15}])
    brand = apply_as(app, "brand", "brand campaigns acquire too", only="cac")
    path.write_text(original, encoding="utf-8")
    app.state.competing = tuple(
        int(result.applied[0].outcome.split()[1]) for result in (marketing, brand)
    )
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


def fresh(app: FastAPI, number: int) -> tuple[ProposalView, ImpactPreview]:
    """The proposal and its impact preview computed now by the services, not by the page's
    cache."""
    context = app.state.context
    ws = context.live.workspace
    view = show_proposal(context.store, number, ws.definition, load_governance(ws.definition))
    return view, context.live.run(lambda w: impact_preview(w, view))


def test_json_equals_the_impact_previews_and_hand_sql(
    gov_app: FastAPI, as_user: Callable[[str], TestClient]
) -> None:
    marketing, brand = gov_app.state.competing
    response = as_user("viewer").get("/api/v1/proposals/compare?kpi=cac")
    assert response.status_code == 200, response.text
    record = response.json()
    assert [p["id"] for p in record["proposals"]] == [marketing, brand]
    assert record["now_from"] == marketing
    assert record["current"]["definition"]["version"] == 1
    assert all(p["against_current"] for p in record["proposals"])
    previews = {number: fresh(gov_app, number)[1] for number in (marketing, brand)}
    for proposal in record["proposals"]:
        assert proposal["impact"] == previews[proposal["id"]].to_json()
    periods = {date.fromisoformat(p["period"]): p for p in record["periods"]}
    assert len(periods) == 13
    now = hand_cac(gov_app, without_display=False)
    without_display = hand_cac(gov_app, without_display=True)
    for period, row in periods.items():
        assert row["now"]["value"] == pytest.approx(now[period], rel=1e-9)
        assert row["now"]["status"] == expected_status(now[period], 50.0)
        first, second = row["proposals"]
        assert (first["id"], second["id"]) == (marketing, brand)
        assert first["value"] == pytest.approx(without_display[period], rel=1e-9)
        assert first["status"] == expected_status(without_display[period], 45.0)
        assert first["reported"] == (
            row["now"]["value"] if period < date(2026, 6, 1) else first["value"]
        )
        assert second["value"] == pytest.approx(now[period], rel=1e-9)
        assert second["status"] == expected_status(now[period], 60.0)
        for cell, number in ((first, marketing), (second, brand)):
            (expected,) = [r for r in previews[number].rows if r.period == period]
            assert cell["value"] == expected.after
            assert cell["flipped"] is expected.flipped
            assert cell["flipped"] is (cell["status"] != row["now"]["status"])
    # both proposals flip some month, or the comparison shows nothing worth seeing
    assert any(row["proposals"][0]["flipped"] for row in record["periods"])
    assert any(row["proposals"][1]["flipped"] for row in record["periods"])


def test_page_shows_each_proposal_and_the_preview_numbers(
    gov_app: FastAPI, as_user: Callable[[str], TestClient]
) -> None:
    marketing, brand = gov_app.state.competing
    html = as_user("viewer").get("/proposals/compare?kpi=cac").text
    (view_m, preview_m), (view_b, preview_b) = fresh(gov_app, marketing), fresh(gov_app, brand)
    for view in (view_m, view_b):
        assert f'data-proposal="{view.id}"' in html
        assert f"by {view.author}" in html
        assert view.rationale in html
        assert f'<b class="effective">{view.effective_from}</b>' in html
        for sentence in view.words:
            assert sentence.replace("'", "&#39;") in html
        assert f"Still needed: {', '.join(view.missing)}." in html
        for state in view.seats:
            assert f'data-seat="{view.id}:{state.seat.name}"' in html
    assert '<span class="add">+filter: channel != &#39;display&#39;</span>' in html
    assert html.count('class="restatement">earlier periods kept as reported<') == 1
    assert html.count('class="restatement">history restated<') == 1
    assert "Definition version 1 by <b>admin</b>" in html
    table = table_rows(html, "period")
    assert len(table) == len(preview_m.rows) == 13
    for row_m, row_b in zip(preview_m.rows, preview_b.rows, strict=True):
        cells = table[row_m.period.isoformat()]
        assert cells[0] == row_m.label
        assert cells[1] == format_value(row_m.before, "currency", "USD")
        assert cells[2] == row_m.status_before.value
        assert cells[3] == format_value(row_m.after, "currency", "USD")
        flip_m = f"{row_m.status_before.value} → {row_m.status_after.value}"
        assert cells[4] == (flip_m if row_m.flipped else row_m.status_after.value)
        assert cells[5] == format_value(row_b.after, "currency", "USD")
        flip_b = f"{row_b.status_before.value} → {row_b.status_after.value}"
        assert cells[6] == (flip_b if row_b.flipped else row_b.status_after.value)
    drawn = chart_rows(chart_in(html, "compare-chart"))
    lines = {(r["period"], r["definition"]): r["value"] for r in drawn if "value" in r}
    assert len(lines) == 3 * 13
    for row_m, row_b in zip(preview_m.rows, preview_b.rows, strict=True):
        day = row_m.period.isoformat()
        assert lines[(day, "now")] == pytest.approx(row_m.before)
        assert lines[(day, f"#{marketing} by member")] == pytest.approx(row_m.after)
        assert lines[(day, f"#{brand} by brand")] == pytest.approx(row_b.after)
    rules = [r for r in drawn if "effective" in r]
    assert {(r["definition"], r["effective"]) for r in rules} >= {
        (f"#{marketing} by member", "2026-06-01")
    }


@pytest.mark.parametrize("username", USERS)
def test_every_role_reads_and_only_facilitators_get_the_round_button(
    as_user: Callable[[str], TestClient], username: str
) -> None:
    page = as_user(username).get("/proposals/compare?kpi=cac")
    assert page.status_code == 200
    assert ('action="/proposals/round"' in page.text) is (username in MAY_PUT_TO_ROUND)
    api = as_user(username).get("/api/v1/proposals/compare?kpi=cac")
    assert api.status_code == 200
    assert api.json()["you_may_put_to_round"] is (username in MAY_PUT_TO_ROUND)


def test_bearer_token_reads_the_api(gov_app: FastAPI) -> None:
    with TestClient(gov_app) as client:
        token = {"Authorization": f"Bearer {gov_app.state.tokens['viewer']}"}
        assert client.get("/api/v1/proposals/compare?kpi=cac", headers=token).status_code == 200


def test_anonymous_people_are_sent_to_sign_in(gov_app: FastAPI) -> None:
    with TestClient(gov_app) as client:
        page = client.get("/proposals/compare?kpi=cac", follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"].startswith("/login?next=%2Fproposals%2Fcompare")
        api = client.get("/api/v1/proposals/compare?kpi=cac")
        assert api.status_code == 401
        assert api.json()["error"]["code"] == "not_authenticated"


def test_links_to_the_comparison(gov_app: FastAPI, as_user: Callable[[str], TestClient]) -> None:
    marketing, _ = gov_app.state.competing
    link = 'href="/proposals/compare?kpi=cac"'
    assert link in as_user("viewer").get("/proposals?kpi=cac").text
    assert link in as_user("viewer").get(f"/proposals/{marketing}").text
    assert "/proposals/compare" not in as_user("viewer").get("/proposals").text  # no KPI picked


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/proposals/compare?kpi=cacc", 404, "Did you mean &#39;cac&#39;?"),
        ("/proposals/compare?kpi=ctr", 400, "KPI &#39;ctr&#39; has 0 open proposal(s)"),
        ("/proposals/compare", 400, "say which KPI"),
        ("/proposals/compare?kpi=", 400, "say which KPI"),
        ("/api/v1/proposals/compare?kpi=cacc", 404, "Did you mean 'cac'?"),
        ("/api/v1/proposals/compare?kpi=ctr", 400, "needs at least two competing ones"),
        ("/api/v1/proposals/compare", 422, "kpi"),
    ],
)
def test_bad_kpi_is_a_clear_error(
    as_user: Callable[[str], TestClient], path: str, status: int, says: str
) -> None:
    response = as_user("member").get(path)
    assert response.status_code == status
    assert "Traceback" not in response.text
    if path.startswith("/api/"):
        error = response.json()["error"]
        assert set(error) == {"status", "code", "message"}
        assert says in error["message"]
    else:
        assert says in response.text


def test_one_open_proposal_is_not_a_comparison(
    gov_app: FastAPI, as_user: Callable[[str], TestClient]
) -> None:
    path = Path(gov_app.state.context.live.root) / "kpis" / "ctr.yaml"
    original = path.read_text(encoding="utf-8")
    edit_kpi(gov_app, "ctr", unit="clicks")
    result = apply_as(gov_app, "brand", "count clicks", only="ctr")
    path.write_text(original, encoding="utf-8")
    number = int(result.applied[0].outcome.split()[1])
    page = as_user("viewer").get("/proposals/compare?kpi=ctr")
    assert page.status_code == 400
    assert f"has 1 open proposal(s) (#{number})" in page.text
    assert "/proposals/compare" not in as_user("viewer").get("/proposals?kpi=ctr").text
    assert "/proposals/compare" not in as_user("viewer").get(f"/proposals/{number}").text


def test_openapi_lists_the_comparison(as_user: Callable[[str], TestClient]) -> None:
    paths = as_user("viewer").get("/openapi.json").json()["paths"]
    operation = paths["/api/v1/proposals/compare"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["kpi"]
    assert operation["tags"] == ["proposals"]


def test_put_to_round_from_the_comparison(
    gov_app: FastAPI, as_user: Callable[[str], TestClient]
) -> None:
    """A refusal by the rules comes back on the comparison page; then the round opens and
    the page says the proposals are in it (no button any more). Runs last: it changes state."""
    client = as_user("facilitator")
    form = {"kpi": "cac", "from": "compare", "name": "Not A Name!"}
    refused = post_form(client, "/proposals/round", form)
    assert refused.status_code == 400, refused.text
    assert "&#39;Not A Name!&#39; is not a valid id" in refused.text  # the service's words
    assert 'id="compare-chart"' in refused.text  # the comparison, not a bare error page
    assert "/rounds/" not in refused.headers.get("location", "")
    opened = post_form(client, "/proposals/round", {**form, "name": "cac-compared"})
    assert opened.status_code == 303
    assert opened.headers["location"] == "/rounds/cac-compared"
    html = client.get("/proposals/compare?kpi=cac").text
    marketing, brand = gov_app.state.competing
    assert f'#{marketing} in <a href="/rounds/cac-compared">' in html
    assert f'#{brand} in <a href="/rounds/cac-compared">' in html
    assert 'action="/proposals/round"' not in html
    record: dict[str, Any] = client.get("/api/v1/proposals/compare?kpi=cac").json()
    assert record["you_may_put_to_round"] is False
    assert {entry["round"] for entry in record["in_open_round"]} == {"cac-compared"}


def test_proposals_made_against_an_earlier_version_are_flagged(
    gov_app: FastAPI, as_user: Callable[[str], TestClient]
) -> None:
    """The admin records CAC version 2 directly while both proposals are open: neither was
    made against the versions in force any more, and the page says so for each."""
    path = Path(gov_app.state.context.live.root) / "kpis" / "cac.yaml"
    original = path.read_text(encoding="utf-8")
    edit_kpi(gov_app, "cac", description="Paid media spend per new customer, all channels.")
    result = apply_as(gov_app, "admin", "clearer description", only="cac")
    path.write_text(original, encoding="utf-8")
    assert result.direct
    record = as_user("viewer").get("/api/v1/proposals/compare?kpi=cac").json()
    assert record["current"]["definition"]["version"] == 2
    assert [p["against_current"] for p in record["proposals"]] == [False, False]
    html = as_user("viewer").get("/proposals/compare?kpi=cac").text
    assert html.count("Proposed against an earlier version of cac") == 2
    assert "Definition version 2 by <b>admin</b>" in html
