"""The KPI page's monitor, drivers and evidence panels, and their JSON twins, over HTTP on
the small demo: the same figures as the services (and so as the CLI)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.monitoring.drivers import kpi_drivers, last_change_drivers


@pytest.fixture
def viewer(signed_in: Callable[[str], TestClient]) -> TestClient:
    return signed_in("viewer")


def chart_specs(html: str) -> list[dict[str, object]]:
    found = re.findall(r'<script type="application/json">(.*?)</script>', html, re.S)
    return [json.loads(text) for text in found]


def test_kpi_page_loads_the_panels_after_itself(viewer: TestClient) -> None:
    page = viewer.get("/kpis/revenue")
    assert page.status_code == 200
    assert 'hx-get="/kpis/revenue/monitor"' in page.text
    assert 'hx-get="/kpis/revenue/evidence"' in page.text


def test_monitor_panel_shows_trend_forecast_chart_and_last_change(
    viewer: TestClient, demo_root: Path
) -> None:
    response = viewer.get("/kpis/revenue/monitor")
    assert response.status_code == 200, response.text[:300]
    html = response.text
    assert "What the monitor sees" in html
    assert "Theil–Sen" in html
    assert "simulated paths" in html
    (spec,) = chart_specs(html)
    assert "layer" in spec
    with Workspace.open(demo_root) as ws:
        split = last_change_drivers(ws, "revenue")
    assert split.dimension == "channel"
    assert f"{split.before_period} → {split.after_period}" in html
    for segment in split.result.segments[:3]:
        assert f"<td>{segment.segment}</td>" in html


def test_monitor_panel_says_why_a_derived_kpi_has_no_driver_split(viewer: TestClient) -> None:
    response = viewer.get("/kpis/nps/monitor")
    assert response.status_code == 200
    assert "it is a derived KPI" in response.text


def test_evidence_panel_tests_one_driver_and_screens_all(viewer: TestClient) -> None:
    form = viewer.get("/kpis/revenue/evidence")
    assert form.status_code == 200
    assert '<option value="social_engagements"' in form.text
    assert '<option value="revenue"' not in form.text
    single = viewer.get("/kpis/revenue/evidence", params={"driver": "spend"})
    assert single.status_code == 200
    assert "not proof of cause" in single.text or "no lead" in single.text.lower()
    screened = viewer.get("/kpis/revenue/evidence", params={"screen": "true"})
    assert screened.status_code == 200
    assert "Benjamini–Hochberg" in screened.text
    assert '<table class="screen">' in screened.text
    # at demo scale 0.05 some weeks have no MQLs: set aside with the reason, not a failure
    assert "Left out:" in screened.text
    assert "mql_to_sql (weeks without a value" in screened.text


def test_unknown_kpi_is_404_not_a_stack_trace(viewer: TestClient) -> None:
    for path in ("/kpis/revnue/monitor", "/api/v1/kpis/revnue/monitor"):
        response = viewer.get(path)
        assert response.status_code == 404
        assert "revenue" in response.text  # the suggestion
    response = viewer.get("/kpis/revenue/evidence", params={"driver": "spnd"})
    assert response.status_code == 404


def test_api_drivers_equal_the_service(
    web_app: FastAPI, client: TestClient, demo_root: Path
) -> None:
    headers = {"Authorization": f"Bearer {web_app.state.tokens['viewer']}"}
    response = client.get(
        "/api/v1/kpis/conversion_rate/drivers",
        params={"from": "2026-08", "to": "2026-09", "by": "device"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    found = response.json()
    with Workspace.open(demo_root) as ws:
        expected = kpi_drivers(ws, "conversion_rate", "2026-08", "2026-09", "device")
    assert found["kind"] == "mix/rate"
    assert found["change"] == pytest.approx(expected.result.change, abs=1e-15)
    assert found["mix"] == pytest.approx(expected.result.mix, abs=1e-15)
    bad = client.get(
        "/api/v1/kpis/nps/drivers",
        params={"from": "2026-08", "to": "2026-09", "by": "channel"},
        headers=headers,
    )
    assert bad.status_code == 400
    assert "derived KPI" in bad.json()["error"]["message"]


def test_api_monitor_and_evidence(web_app: FastAPI, client: TestClient) -> None:
    headers = {"Authorization": f"Bearer {web_app.state.tokens['member']}"}
    watched = client.get("/api/v1/kpis/revenue/monitor", headers=headers).json()
    assert watched["kpi"] == "revenue"
    assert watched["trend"]["direction"] in {"increasing", "decreasing", "no trend"}
    evidence = client.get(
        "/api/v1/kpis/revenue/evidence", params={"driver": "spend"}, headers=headers
    ).json()
    assert evidence["driver"]
    assert "verdict" in evidence
