"""The KPI page and its API twins show the definition in force in the app store, not the
YAML: CAC's version 2 (display filtered out) approved and not exported, then an open
proposal renaming CAC in the YAML; the monitor panel's status is the scorecard's; a retired
KPI leaves the KPI list and the evidence panel's candidates."""

from __future__ import annotations

import html
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from web_gov_helpers import apply_as, build_governance_app, edit_kpi, get_json, propose, signed_in

from kpibridge.model.governance import Restatement
from kpibridge.services.governance.governance_apply import apply_workspace
from kpibridge.services.governance.live import STORE_POLL_SECONDS
from kpibridge.services.governance.versions import acting_account

FILTER = "channel != 'display'"


@pytest.fixture
def app(demo_root: Path, tmp_path: Path) -> Iterator[FastAPI]:
    """Every KPI at version 1; CAC's version 2 with the display filter approved by the admin,
    then ``kpis/cac.yaml`` put back as it was (the version is not exported)."""
    built = build_governance_app(demo_root, tmp_path)
    cac = Path(built.state.context.live.root) / "kpis" / "cac.yaml"
    yaml_text = cac.read_text()
    edit_kpi(built, "cac", filter=FILTER)
    assert apply_as(built, "admin", "display is brand", only="cac").direct
    cac.write_text(yaml_text)
    time.sleep(STORE_POLL_SECONDS)  # the app asks the store for its versions at most this often
    yield built
    built.state.context.store.close()
    built.state.context.live.close()


def check_definition(app: FastAPI, name: str) -> None:
    detail = get_json(app, "/api/v1/kpis/cac")
    assert detail["definition"]["filter"] == FILTER
    assert detail["definition"]["name"] == name
    assert f"only where {FILTER}" in detail["explanation"]["words"]
    client = signed_in(app, "viewer")
    response = client.get("/kpis/cac")
    assert response.status_code == 200, response.text
    page = html.unescape(response.text)
    client.close()
    assert f"only where {FILTER}" in page  # the definition panel, in words
    assert "'display'" in page  # and in the SQL


def test_the_kpi_page_shows_the_approved_definition(app: FastAPI) -> None:
    yaml_cac = app.state.context.live.workspace.definition.kpis["cac"]
    assert getattr(yaml_cac, "filter", None) is None  # the premise: the YAML has no filter
    check_definition(app, "Customer acquisition cost")
    # the monitor panel's status is the scorecard's (version 2)
    monitor = get_json(app, "/api/v1/kpis/cac/monitor")
    scorecard = get_json(app, "/api/v1/scorecard")
    (row,) = [r for g in scorecard["groups"] for r in g["kpis"] if r["kpi"] == "cac"]
    assert row["definition_version"] == 2
    assert monitor["status"]["value"] == pytest.approx(row["value"], rel=1e-12)
    assert monitor["status"]["status"] == row["status"]


def test_an_open_proposal_does_not_change_the_page(app: FastAPI) -> None:
    number = propose(app, "growth", "cac", "a plainer name", name="Cost per customer")
    assert number > 0
    yaml_cac = app.state.context.live.workspace.definition.kpis["cac"]
    assert yaml_cac.name == "Cost per customer"  # the YAML has the proposal's edit
    check_definition(app, "Customer acquisition cost")


def test_a_retired_kpi_leaves_the_list_and_the_candidates(app: FastAPI) -> None:
    assert "cpc" in [kpi["id"] for kpi in get_json(app, "/api/v1/kpis")]
    context = app.state.context
    apply_workspace(
        context.live.workspace.definition,
        context.store,
        acting_account(context.store, "admin"),
        message="replaced",
        effective_from=date(2026, 1, 1),
        restatement=Restatement.AS_REPORTED,
        only="cpc",
        retire=True,
    )
    time.sleep(STORE_POLL_SECONDS)
    assert "cpc" not in [kpi["id"] for kpi in get_json(app, "/api/v1/kpis")]
    assert get_json(app, "/api/v1/kpis/cpc")["definition"]["id"] == "cpc"  # history stays
    client = signed_in(app, "viewer")
    panel = client.get("/kpis/revenue/evidence").text
    client.close()
    assert 'value="cac"' in panel  # the premise: candidates are listed by id
    assert 'value="cpc"' not in panel
