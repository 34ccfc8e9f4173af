"""Predictive CLV into the warehouse (``kpibridge clv refresh``) and the KPIs that read it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from fixtures_demo import build_small_demo, warehouse_path
from kpibridge.cli.app import app
from kpibridge.errors import KpibridgeError
from kpibridge.evidence.clv import clv_from_orders
from kpibridge.services.metrics.setup import create_workspace
from kpibridge.services.metrics.workspace import Workspace
from kpibridge.services.monitoring.customer_value import refresh_customer_value


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_small_demo(tmp_path_factory, "customer-value")


@pytest.fixture
def demo_copy(demo_root: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(demo_root, tmp_path / "workspace"))


def _query(root: Path, sql: str) -> pd.DataFrame:
    connection = duckdb.connect(str(warehouse_path(root)), read_only=True)
    try:
        return connection.execute(sql).df()
    finally:
        connection.close()


def test_demo_build_values_every_customer_with_the_pipelines_figures(demo_root: Path) -> None:
    orders = _query(demo_root, "SELECT customer_id, ordered_at, gross_margin FROM orders")
    customers = _query(
        demo_root, "SELECT customer_id, acquisition_channel FROM customers ORDER BY customer_id"
    )
    table = _query(demo_root, "SELECT * FROM customer_value ORDER BY customer_id")
    fits = _query(demo_root, "SELECT * FROM customer_value_fits")
    independent = clv_from_orders(orders, customers, value_column="gross_margin")

    assert len(table) == len(customers)
    assert table["customer_id"].tolist() == customers["customer_id"].tolist()
    expected = independent.customers.sort_index()
    np.testing.assert_allclose(table["clv"], expected["clv"], rtol=1e-9)
    np.testing.assert_allclose(table["p_alive"], expected["p_alive"], rtol=1e-9)
    assert (table["frequency"].to_numpy() == expected["frequency"].to_numpy()).all()
    assert len(fits) == 1
    assert fits["bgnbd_r"].iloc[0] == pytest.approx(independent.purchases.parameters.r)
    assert fits["gamma_gamma_gamma"].iloc[0] == pytest.approx(independent.spend.parameters.gamma)
    assert fits["value_column"].iloc[0] == "gross_margin"


def test_predicted_clv_kpi_reads_the_table_by_acquisition_quarter(demo_root: Path) -> None:
    expected = _query(
        demo_root,
        """
        SELECT date_trunc('quarter', acquired_at) AS period, sum(clv) / count(*) AS value
        FROM customer_value GROUP BY ALL ORDER BY period
        """,
    )
    with Workspace.open(demo_root) as ws:
        actual = ws.compute("predicted_clv", grain="quarter")
        by_channel = ws.compute("predicted_clv_to_cac", grain="quarter", by=["channel"])
    np.testing.assert_allclose(actual["value"], expected["value"], rtol=1e-9)
    paid = by_channel[by_channel["channel"] == "paid_search"]["value"].dropna()
    assert len(paid) > 0
    assert (paid > 0).all()


def test_refresh_replaces_the_table_and_keeps_every_fit(demo_copy: Path) -> None:
    with Workspace.open(demo_copy) as ws:
        done = refresh_customer_value(ws, horizon_months=6)
    table = _query(
        demo_copy, "SELECT count(*) AS n, count(DISTINCT customer_id) AS d FROM customer_value"
    )
    fits = _query(demo_copy, "SELECT horizon_months FROM customer_value_fits ORDER BY fitted_at")
    assert table["n"].iloc[0] == table["d"].iloc[0] == done.customers
    assert fits["horizon_months"].tolist() == [12, 6]


def test_bad_input_changes_nothing(demo_copy: Path) -> None:
    before = _query(demo_copy, "SELECT sum(clv) AS total FROM customer_value")["total"].iloc[0]
    with Workspace.open(demo_copy) as ws:
        with pytest.raises(KpibridgeError, match="value column 'margin'"):
            refresh_customer_value(ws, value_column="margin")
        ws.backend.raw_sql(
            "INSERT INTO orders (order_id, customer_id, ordered_at, channel, revenue, gross_margin)"
            " VALUES (-1, -42, TIMESTAMP '2026-10-30 10:00:00', 'direct', 10, 4)"
        )
        with pytest.raises(KpibridgeError, match="customer_id -42"):
            refresh_customer_value(ws)
    after = _query(demo_copy, "SELECT sum(clv) AS total FROM customer_value")["total"].iloc[0]
    assert after == before
    fits = _query(demo_copy, "SELECT count(*) AS n FROM customer_value_fits")
    assert fits["n"].iloc[0] == 1


def test_empty_workspace_says_to_load_orders(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    create_workspace(root)
    with Workspace.open(root) as ws, pytest.raises(KpibridgeError, match="no orders"):
        refresh_customer_value(ws)


def test_cli_refresh_prints_parameters_and_channels(demo_copy: Path) -> None:
    runner = CliRunner()
    table = runner.invoke(app, ["clv", "refresh", "-w", str(demo_copy)])
    assert table.exit_code == 0, table.output
    assert "BG/NBD r =" in table.output
    assert "paid_search" in table.output
    result = runner.invoke(app, ["clv", "refresh", "--format", "json", "-w", str(demo_copy)])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["table"] == "customer_value"
    assert found["purchases"]["converged"] is True
    bad = runner.invoke(app, ["clv", "refresh", "--value", "profit", "-w", str(demo_copy)])
    assert bad.exit_code == 1
    assert "value column 'profit'" in bad.output
