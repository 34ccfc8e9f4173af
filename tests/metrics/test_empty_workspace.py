"""A fresh workspace has empty tables: every KPI computes to an empty result, never an
error, and the scorecard says "no data" for each KPI."""

from __future__ import annotations

from pathlib import Path

import pytest

import kpibridge
from kpibridge.model.status import Status
from kpibridge.services.metrics.setup import create_workspace
from kpibridge.workspace.scaffold import template_path

LIBRARY_KPIS = len(list((template_path() / "kpis").glob("*.yaml")))


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("empty") / "ws"
    create_workspace(root)
    return root


def test_every_kpi_computes_to_an_empty_frame(empty: Path) -> None:
    with kpibridge.Workspace.open(empty) as ws:
        assert len(ws.kpis) == LIBRARY_KPIS > 30
        for kpi in ws.kpis:
            for grain in ("week", "quarter"):
                frame = ws.compute(kpi, grain=grain)
                assert frame.empty, (kpi, grain)
                assert list(frame.columns[:2]) == ["period", "value"], kpi


def test_scorecard_of_empty_tables_says_no_data(empty: Path) -> None:
    with kpibridge.Workspace.open(empty) as ws:
        card = ws.scorecard()
    assert len(card.rows) == LIBRARY_KPIS
    assert {row.status for row in card.rows} == {Status.NO_DATA}
    assert all(row.value is None and row.period is None for row in card.rows)
