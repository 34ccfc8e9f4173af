"""/tree and /api/v1/tree on the demo: shape, identity vs claimed edges, values, permissions."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import login


def test_the_api_gives_identities_claims_and_values(web_app: FastAPI, client: TestClient) -> None:
    headers = {"Authorization": f"Bearer {web_app.state.tokens['viewer']}"}
    body = client.get("/api/v1/tree?kpi=revenue", headers=headers).json()
    tree = body["tree"]
    assert tree["id"] == "revenue"
    assert [(c["id"], c["link"], c["exponent"]) for c in tree["children"]] == [
        ("aov", "identity", 1),
        ("orders", "identity", 1),
    ]
    claims = {(e["driver"], e["outcome"], e["where"]) for e in body["edges"]}
    assert ("social_engagements", "revenue", None) in claims
    assert ("spend", "orders", "channel=display") in claims  # into a node of revenue's tree
    statuses = {e["status"] for e in body["edges"]}
    assert statuses <= {"supported", "moves together", "not supported", "too little data"}
    assert set(body["values"]) == {"revenue", "aov", "orders"}
    assert body["values"]["revenue"]["value"] > 0


def test_an_unknown_kpi_is_a_404_naming_it(web_app: FastAPI, client: TestClient) -> None:
    headers = {"Authorization": f"Bearer {web_app.state.tokens['viewer']}"}
    response = client.get("/api/v1/tree?kpi=revenu", headers=headers)
    assert response.status_code == 404
    assert "unknown KPI 'revenu'" in response.text


def test_the_page_draws_identity_and_claimed_edges_differently(client: TestClient) -> None:
    assert client.get("/tree", follow_redirects=False).status_code in (302, 303, 401)
    login(client, "viewer")
    page = client.get("/tree?kpi=cac").text
    assert 'class="edge identity"' in page
    assert page.count('class="node kpi"') == 3  # cac, spend, new customers
    assert "÷" in page
    whole = client.get("/tree").text
    assert 'class="edge claimed"' in whole
    assert 'stroke-dasharray="5 4"' in whole
    assert 'href="/kpis/social_engagements"' in whole
    assert "Claims in words" in whole
