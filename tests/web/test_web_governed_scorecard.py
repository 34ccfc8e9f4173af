"""The web scorecard, KPI values and review pack apply the KPI versions of the app store, and
forget what they remembered when a version is recorded (even with no YAML file touched; the
store is polled at most every ``STORE_POLL_SECONDS``)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from web_gov_helpers import apply_as, build_governance_app, edit_kpi, get_json, signed_in

from kpibridge.model.governance import Restatement
from kpibridge.services.governance.governance_apply import apply_workspace
from kpibridge.services.governance.governed_compute import governed_compute
from kpibridge.services.governance.live import STORE_POLL_SECONDS
from kpibridge.services.governance.versions import acting_account
from kpibridge.services.metrics.workspace import Workspace


@pytest.fixture
def app(demo_root: Path, tmp_path: Path) -> Iterator[FastAPI]:
    built = build_governance_app(demo_root, tmp_path)
    yield built
    built.state.context.store.close()
    built.state.context.live.close()


def scorecard_rows(app: FastAPI) -> dict[str, dict[str, Any]]:
    body = get_json(app, "/api/v1/scorecard")
    return {row["kpi"]: row for group in body["groups"] for row in group["kpis"]}


def test_rows_are_stamped_and_a_retirement_takes_the_kpi_off(app: FastAPI) -> None:
    rows = scorecard_rows(app)
    assert (rows["cac"]["definition_version"], rows["cac"]["target_version"]) == (1, 1)
    client = signed_in(app, "viewer")
    page = client.get("/").text
    stamp = re.search(r'<tr data-kpi="cac">.*?</tr>', page, re.S)
    assert stamp is not None
    assert '<span class="kpi-id version" title="definition version 1, targets version 1' in (
        stamp.group(0)
    )
    computed_before = app.state.context.live.computed
    context = app.state.context
    apply_workspace(  # a retirement: the store changes, no YAML file does
        context.live.workspace.definition,
        context.store,
        acting_account(context.store, "admin"),
        message="replaced",
        effective_from=date(2026, 1, 1),
        restatement=Restatement.AS_REPORTED,
        only="cac",
        retire=True,
    )
    time.sleep(STORE_POLL_SECONDS)  # the app asks the store at most this often
    assert "cac" not in scorecard_rows(app)
    assert app.state.context.live.computed > computed_before
    assert 'data-kpi="cac"' not in client.get("/").text
    client.close()


def test_kpi_values_follow_the_definition_in_force_per_month(app: FastAPI) -> None:
    """v2 of CAC (display filtered out) from 2026-04, history kept as reported: the values
    API gives each month from its own definition, the same as ``kpibridge compute``."""
    edit_kpi(app, "cac", filter="channel != 'display'")
    apply_as(
        app,
        "admin",
        "display is brand",
        only="cac",
        effective=date(2026, 4, 1),
        restatement=Restatement.AS_REPORTED,
    )
    body = get_json(app, "/api/v1/kpis/cac/values?start=2025-10-01&end=2026-09-30")
    values = {row["period"][:10]: row for row in body["values"]}
    with Workspace.open(app.state.context.live.root) as ws:
        frame = governed_compute(
            ws,
            app.state.context.store,
            "cac",
            ws.kpis["cac"].review_every,
            start=date(2025, 10, 1),
            end=date(2026, 9, 30),
        )
        yaml_alone = ws.compute("cac", "month", start="2025-10-01", end="2026-09-30")
    assert len(values) == len(frame) == 12
    for period, value, version in zip(
        frame["period"], frame["value"], frame["definition_version"], strict=True
    ):
        row = values[period.strftime("%Y-%m-%d")]
        assert row["definition_version"] == version == (2 if period.month in range(4, 10) else 1)
        assert row["value"] == pytest.approx(value, rel=1e-12)
    earlier = [
        row for period, row in values.items() if period < "2026-04-01"
    ]  # v1 keeps them: not what the YAML (now v2) alone computes
    yaml_values = {
        p.strftime("%Y-%m-%d"): v
        for p, v in zip(yaml_alone["period"], yaml_alone["value"], strict=True)
    }
    assert any(
        row["value"] != pytest.approx(yaml_values[row["period"][:10]], rel=1e-9) for row in earlier
    )
