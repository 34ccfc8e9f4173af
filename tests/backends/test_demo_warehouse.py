"""``kpibridge demo --warehouse URL``: the demo built in another warehouse, read from there."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import kpibridge
from kpibridge.cli.app import app


@pytest.mark.parametrize(
    "target",
    [
        pytest.param("duckdb", id="duckdb-file"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ],
)
def test_demo_builds_in_the_named_warehouse(
    target: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        "duckdb://data/elsewhere.duckdb"
        if target == "duckdb"
        else str(request.getfixturevalue("parity_postgres_url"))
    )
    root = tmp_path / "demo"
    result = CliRunner().invoke(
        app,
        [
            *("demo", "--dir", str(root), "--scale", "0.02", "--seed", "5", "--no-serve"),
            *("--warehouse", url),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Scorecard" in result.output
    with kpibridge.Workspace.open(root) as ws:
        expected_backend = "duckdb" if target == "duckdb" else "postgres"
        assert ws.settings.warehouse.backend == expected_backend
        if target == "duckdb":
            assert ws.settings.warehouse.path == "data/elsewhere.duckdb"
        orders = ws.backend.table("orders").count().execute()
        assert orders > 0
        assert len(ws.compute("revenue", "month")) > 0
