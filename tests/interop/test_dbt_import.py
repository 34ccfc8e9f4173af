"""``kpibridge import dbt`` on the hand-written MetricFlow project in tests/data/dbt_shop:
every metric type maps, everything that cannot map is reported with file and line, the
imported workspace validates, and imported KPIs compute what hand-written SQL says."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from helpers import Table, write_workspace
from kpibridge.cli import interop
from kpibridge.errors import KpibridgeError, WorkspaceError
from kpibridge.services.interop.dbt_import import import_dbt
from kpibridge.services.metrics.workspace import Workspace

PROJECT = Path(__file__).resolve().parents[1] / "data" / "dbt_shop"
ORDERS = Table(
    "order_id INTEGER, customer_id INTEGER, ordered_at TIMESTAMP, order_total DOUBLE, "
    "tax_paid DOUBLE, is_food_order BOOLEAN, channel VARCHAR",
    [
        (1, 10, "2025-01-03 09:00", 12.0, 1.0, True, "web"),
        (2, 11, "2025-01-20 12:00", 30.0, 2.5, False, "store"),
        (3, 10, "2025-02-02 08:00", 8.5, 0.5, True, "web"),
        (4, 12, "2025-02-14 18:00", 41.0, 3.0, True, "store"),
        (5, 13, "2025-02-27 10:00", 19.5, 1.5, False, "web"),
    ],
)
SESSIONS = Table(
    "session_id INTEGER, customer_id INTEGER, session_at TIMESTAMP",
    [(1, 10, "2025-01-01 08:00"), (2, 11, "2025-01-19 11:00"), (3, 13, "2025-02-01 09:00")],
)

EXPECTED_KPIS = {
    "tax_paid",
    "revenue",
    "orders",
    "food_orders",
    "revenue_per_order",
    "food_revenue_share",  # its numerator's filter goes into an added, filtered measure
    "revenue_growth_yoy",
    "revenue_mtd",
    "revenue_l7d",
    "visit_to_order",
}
EXPECTED_GAPS = {  # (file:line, item, dropped) — lines counted in the fixture files
    ("models/marts/orders.yml:16", "semantic model orders: foreign entities customer", False),
    ("models/marts/orders.yml:42", "semantic model orders: measure median_order", True),
    ("models/marts/sessions.yml:9", "semantic model sessions: foreign entities customer", False),
    ("models/metrics/shop_metrics.yml:11", "metric orders", False),
    ("models/metrics/shop_metrics.yml:20", "metric food_orders", False),  # empty filter: 0
    ("models/metrics/shop_metrics.yml:31", "metric food_revenue_share", False),
    ("models/metrics/shop_metrics.yml:49", "metric revenue_growth_mom", True),
    ("models/metrics/shop_metrics.yml:59", "metric revenue_mtd", False),  # period_agg first
    ("models/metrics/shop_metrics.yml:66", "metric revenue_l7d", False),  # period_agg first
    ("models/metrics/shop_metrics.yml:72", "metric revenue_all_time", True),
    ("models/metrics/shop_metrics.yml:77", "metric visit_to_order", False),  # counting rule
    ("models/metrics/shop_metrics.yml:88", "metric visit_to_order_same_channel", True),
    ("models/metrics/shop_metrics.yml:102", "metric big_customer_orders", True),
    ("models/metrics/shop_metrics.yml:107", "metric order_size_mix", True),
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_workspace(tmp_path / "ws", tables={"orders": ORDERS, "sessions": SESSIONS})


def test_import_maps_every_type_and_reports_the_rest(root: Path) -> None:
    report = import_dbt(root, PROJECT)
    assert set(report.models) == {"orders", "sessions"}
    assert set(report.kpis) == EXPECTED_KPIS  # target/ (build output) was skipped
    assert {(f"{u.file}:{u.line}", u.item, u.dropped) for u in report.unmapped} == EXPECTED_GAPS
    with Workspace.open(root) as ws:
        assert ws.validate() == []
        assert {kpi.type for kpi in ws.kpis.values()} == {
            "simple",
            "ratio",
            "derived",
            "cumulative",
            "conversion",
        }
        assert ws.kpis["food_orders"].filter == "is_food_order = true"  # type: ignore[union-attr]
        size = ws.models["orders"].dimension("order_size")  # SQL CASE → if(), exactly
        assert size is not None
        assert size.expr == "if(order_total > 20, 'large', 'small')"
        assert (
            (root / "kpis" / "revenue.yaml")
            .read_text()
            .startswith("# imported from dbt: dbt_shop/models/metrics/shop_metrics.yml:2\n")
        )
        assert ws.kpis["food_revenue_share"].numerator == (  # type: ignore[union-attr]
            "orders.revenue_for_food_revenue_share"
        )
        assert ws.models["orders"].measures["revenue_for_food_revenue_share"].filter == (
            "is_food_order = true"
        )
        food = ws.compute("food_orders", grain="month")
        share = ws.compute("food_revenue_share", grain="month")
        per_order = ws.compute("revenue_per_order", grain="month")
    connection = duckdb.connect(str(root / "data" / "warehouse.duckdb"), read_only=True)
    hand_food = dict(
        connection.execute(
            "SELECT date_trunc('month', ordered_at)::DATE, count(*) FROM orders "
            "WHERE is_food_order GROUP BY 1"
        ).fetchall()
    )
    hand_ratio = dict(
        connection.execute(
            "SELECT date_trunc('month', ordered_at)::DATE, sum(order_total) / count(*) FROM orders "
            "GROUP BY 1"
        ).fetchall()
    )
    hand_share = dict(
        connection.execute(
            "SELECT date_trunc('month', ordered_at)::DATE, sum(order_total) FILTER "
            "(WHERE is_food_order) / sum(order_total) FROM orders GROUP BY 1"
        ).fetchall()
    )
    connection.close()
    assert {p.date(): v for p, v in zip(food["period"], food["value"], strict=True)} == hand_food
    computed_share = dict(zip(share["period"], share["value"], strict=True))
    assert {p.date(): pytest.approx(v) for p, v in computed_share.items()} == hand_share
    computed = dict(zip(per_order["period"], per_order["value"], strict=True))
    assert {p.date(): pytest.approx(v) for p, v in computed.items()} == hand_ratio


def test_existing_names_are_not_overwritten(root: Path) -> None:
    import_dbt(root, PROJECT)
    before = (root / "kpis" / "revenue.yaml").read_text()
    with pytest.raises(WorkspaceError, match="KPI 'revenue' exists already"):
        import_dbt(root, PROJECT)
    assert (root / "kpis" / "revenue.yaml").read_text() == before
    assert import_dbt(root, PROJECT, force=True).kpis


def test_not_a_project(root: Path, tmp_path: Path) -> None:
    with pytest.raises(KpibridgeError, match="not a folder"):
        import_dbt(root, tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(KpibridgeError, match="no semantic_models or metrics"):
        import_dbt(root, tmp_path / "empty")


def test_import_command(root: Path) -> None:
    app = typer.Typer()
    interop.register(app)
    result = CliRunner().invoke(app, ["import", "dbt", str(PROJECT), "-w", str(root), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)["kpis"]) == EXPECTED_KPIS
    again = CliRunner().invoke(app, ["import", "dbt", str(PROJECT), "-w", str(root)])
    assert again.exit_code == 1
    assert "exists already" in again.output
