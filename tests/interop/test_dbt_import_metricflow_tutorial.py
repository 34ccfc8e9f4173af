"""``kpibridge import dbt`` on MetricFlow's own tutorial project (the dbt-metricflow 0.15.0
wheel's ``dbt_metricflow/cli/sample_dbt_models`` and ``sample_models/project_configuration.yaml``).

Every expectation below was read by hand from those YAML files (quoted in the comments), not
computed by the importer. Then a small DuckDB warehouse with the tutorial's three tables —
a few synthetic rows written here, with the columns the YAML names — is computed by the
metric engine and compared with hand-written SQL.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import metricflow_wheels
import pytest
import typer
from metricflow_wheels import DBT_METRICFLOW_WHEEL, TUTORIAL, extract
from typer.testing import CliRunner

from helpers import Table, write_workspace
from kpibridge.cli import interop
from kpibridge.services.interop.dbt_import import import_dbt
from kpibridge.services.metrics.workspace import Workspace

MODELS = "sample_dbt_models/sample_models"

TRANSACTIONS = Table(
    "id_transaction VARCHAR, id_order VARCHAR, id_customer VARCHAR, "
    "transaction_amount_usd DOUBLE, transaction_type_name VARCHAR, ds DATE",
    [
        ("t1", "o1", "c1", 100.0, "quick-buy", "2022-03-01"),
        ("t2", "o2", "c2", 40.0, "purchase", "2022-03-03"),
        ("t3", "o1", "c1", 100.0, "cancellation", "2022-03-05"),
        ("t4", "o3", "c3", 25.0, "quick-buy", "2022-03-20"),
        ("t5", "o2", "c2", 10.0, "alteration", "2022-04-01"),
        ("t6", "o4", "c1", 60.0, "purchase", "2022-04-04"),
        ("t7", "o5", "c3", 30.0, "quick-buy", "2022-04-06"),
    ],
)
CUSTOMERS = Table(
    "id_customer VARCHAR, country VARCHAR, ds DATE",
    [("c1", "US", "2022-03-01"), ("c2", "MX", "2022-03-15"), ("c3", "FR", "2022-04-02")],
)
COUNTRIES = Table("country VARCHAR, region VARCHAR", [("US", "NA"), ("MX", "NA"), ("FR", "EU")])

# metrics.yml: the metrics that map, and to what
EXPECTED_KPIS = {
    "new_customers": {"type": "simple", "measure": "customers.new_customers"},
    "quick_buy_transactions": {
        "type": "simple",
        "measure": "transactions.quick_buy_transactions",
    },
    "quick_buy_amount_usd": {"type": "simple", "measure": "transactions.quick_buy_amount_usd"},
    "cancellations": {"type": "simple", "measure": "transactions.cancellations_usd"},
    "transactions": {"type": "simple", "measure": "transactions.transactions"},
    "alterations": {"type": "simple", "measure": "transactions.alterations_usd"},
    "transaction_amount": {"type": "simple", "measure": "transactions.transaction_amount_usd"},
    "cancellation_rate": {
        "type": "ratio",
        "numerator": "cancellations",
        "denominator": "transaction_amount",
    },
    "revenue_usd": {"type": "derived", "expr": "transaction_amount - cancellations + alterations"},
    "cumulative_transactions_in_last_7_days": {
        "type": "cumulative",
        "measure": "transactions.transactions",
        "window": "7 days",
    },
}
EXPECTED_LABELS = {  # `label:` becomes the KPI's name
    "new_customers": "New Customer",
    "cancellation_rate": "Cancellation Rate",
    "revenue_usd": "Revenue (USD)",
    "cumulative_transactions_in_last_7_days": "Total Transaction in the Last 7 Days",
}
# transactions.yml: `expr: "1"` + SUM counts rows; CASE WHEN … END becomes if(…); SUM_BOOLEAN
# sums if(condition, 1, 0)
EXPECTED_TRANSACTION_MEASURES = {
    "transaction_amount_usd": ("sum", "transaction_amount_usd"),
    "transactions": ("count", None),
    "quick_buy_amount_usd": (
        "sum",
        "if(transaction_type_name = 'quick-buy', transaction_amount_usd, 0)",
    ),
    "quick_buy_transactions": (
        "sum",
        "if(if(transaction_type_name = 'quick-buy', TRUE, FALSE), 1, 0)",
    ),
    "cancellations_usd": (
        "sum",
        "if(transaction_type_name = 'cancellation', transaction_amount_usd, 0)",
    ),
    "alterations_usd": (
        "sum",
        "if(transaction_type_name = 'alteration', transaction_amount_usd, 0)",
    ),
    "transacting_customers": ("count_distinct", "id_customer"),
}
EXPECTED_TRANSACTION_DIMENSIONS = {
    "is_large": "if(transaction_amount_usd >= 30, TRUE, FALSE)",
    "quick_buy_transaction": (
        "if(transaction_type_name = 'quick-buy', 'Quick Buy', 'Not Quick Buy')"
    ),
}
# (file:line, item, dropped, part of the reason) — every line counted in the wheel's files
EXPECTED_GAPS = {
    (f"{MODELS}/countries.yml:2", "semantic model countries", True, "without measures"),
    (
        f"{MODELS}/customers.yml:11",
        "semantic model customers: foreign entities country",
        False,
        "does not join",
    ),
    (
        f"{MODELS}/transactions.yml:17",
        "semantic model transactions: foreign entities customer, id_order",
        False,
        "does not join",
    ),
    (
        f"{MODELS}/metrics.yml:57",
        "metric cancellations_mx",
        True,
        "{{ Dimension('customer__customer_country') }}: needs a join from model transactions "
        "through entity 'customer'",
    ),
    (
        f"{MODELS}/metrics.yml:64",
        "metric transaction_usd_na",
        True,
        "entity_path=['customer']) }}: a dimension reached through several joins",
    ),
    (f"{MODELS}/metrics.yml:70", "metric cumulative_transactions", True, "over all of time"),
    (
        f"{MODELS}/metrics.yml:75",
        "metric cumulative_transactions_in_last_7_days",
        False,
        "period_agg 'first' (the default)",
    ),
    (
        f"{MODELS}/saved_queries.yml:3",
        "saved query core_transaction_metrics",
        True,
        "no kpibridge equivalent",
    ),
    (
        f"{MODELS}/saved_queries.yml:12",
        "saved query cumulative_transaction_metrics",
        True,
        "no kpibridge equivalent",
    ),
    (
        "sample_models/project_configuration.yaml:3",
        "project configuration: time spine $system_schema.mf_time_spine",
        True,
        "builds its own calendar",
    ),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return extract(DBT_METRICFLOW_WHEEL, TUTORIAL, tmp_path_factory.mktemp("tutorial"))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    tables = {"transactions": TRANSACTIONS, "customers": CUSTOMERS, "countries": COUNTRIES}
    return write_workspace(tmp_path / "ws", tables=tables)


def test_tutorial_maps_as_read_by_hand(project: Path, root: Path) -> None:
    report = import_dbt(root, project)
    assert set(report.models) == {"customers", "transactions"}
    assert set(report.kpis) == set(EXPECTED_KPIS)
    gaps = {(f"{u.file}:{u.line}", u.item, u.dropped): u.reason for u in report.unmapped}
    assert set(gaps) == {gap[:3] for gap in EXPECTED_GAPS}
    for *key, reason in EXPECTED_GAPS:
        assert reason in gaps[tuple(key)], (key, gaps[tuple(key)])
    with Workspace.open(root) as ws:
        assert ws.validate() == []  # the warehouse has every column the imported YAML names
        for kpi_id, expected in EXPECTED_KPIS.items():
            kpi = ws.kpis[kpi_id].model_dump(mode="json")
            assert {key: kpi[key] for key in expected} == expected, kpi_id
        for kpi_id, label in EXPECTED_LABELS.items():
            assert ws.kpis[kpi_id].name == label
        customers, transactions = ws.models["customers"], ws.models["transactions"]
    # customers.yml: primary entity customer (expr id_customer), foreign country, time ds
    assert customers.table == "customers"
    assert customers.time == "ds"
    assert customers.entities == {"customer": "id_customer", "country": "country"}
    assert [(d.name, d.expr) for d in customers.dimensions] == [("customer_country", "country")]
    assert {n: (m.agg.value, m.expr) for n, m in customers.measures.items()} == {
        "new_customers": ("count", None)
    }
    assert transactions.table == "transactions"
    assert transactions.time == "ds"
    assert transactions.entities == {
        "transaction": "id_transaction",
        "customer": "id_customer",
        "id_order": "id_order",
    }
    measures = {n: (m.agg.value, m.expr) for n, m in transactions.measures.items()}
    assert measures == EXPECTED_TRANSACTION_MEASURES
    assert {d.name: d.expr for d in transactions.dimensions} == EXPECTED_TRANSACTION_DIMENSIONS
    assert transactions.description.startswith("Each row represents one transaction. There will")


def _series(frame: object) -> dict[date, float]:
    periods, values = frame["period"], frame["value"]  # type: ignore[index]
    return {p.date(): float(v) for p, v in zip(periods, values, strict=True)}


def _sql(connection: duckdb.DuckDBPyConnection, query: str) -> dict[date, float]:
    return {period: float(value) for period, value in connection.execute(query).fetchall()}


MONTHLY_SQL = {  # hand-written from the tutorial's measure SQL, one query per KPI
    "transactions": "SELECT date_trunc('month', ds)::DATE, count(*) FROM transactions GROUP BY 1",
    "quick_buy_transactions": (
        "SELECT date_trunc('month', ds)::DATE, count(*) FILTER (WHERE transaction_type_name = "
        "'quick-buy') FROM transactions GROUP BY 1"
    ),
    "cancellation_rate": (
        "SELECT date_trunc('month', ds)::DATE, sum(CASE WHEN transaction_type_name = "
        "'cancellation' THEN transaction_amount_usd ELSE 0 END) / sum(transaction_amount_usd) "
        "FROM transactions GROUP BY 1"
    ),
    "revenue_usd": (
        "SELECT date_trunc('month', ds)::DATE, sum(transaction_amount_usd) "
        "- sum(CASE WHEN transaction_type_name = 'cancellation' THEN transaction_amount_usd "
        "ELSE 0 END) + sum(CASE WHEN transaction_type_name = 'alteration' "
        "THEN transaction_amount_usd ELSE 0 END) FROM transactions GROUP BY 1"
    ),
    "new_customers": "SELECT date_trunc('month', ds)::DATE, count(*) FROM customers GROUP BY 1",
}
BY_HAND = {  # the same numbers worked out from the rows above, as a check on the SQL
    "revenue_usd": {date(2022, 3, 1): 265 - 100 + 0, date(2022, 4, 1): 100 - 0 + 10},
    "cancellation_rate": {date(2022, 3, 1): 100 / 265, date(2022, 4, 1): 0.0},
    "quick_buy_transactions": {date(2022, 3, 1): 2, date(2022, 4, 1): 1},
}


def test_tutorial_kpis_compute_what_hand_written_sql_says(project: Path, root: Path) -> None:
    import_dbt(root, project)
    with Workspace.open(root) as ws:
        computed = {kpi: _series(ws.compute(kpi, grain="month")) for kpi in MONTHLY_SQL}
        trailing = _series(ws.compute("cumulative_transactions_in_last_7_days", grain="day"))
    connection = duckdb.connect(str(root / "data" / "warehouse.duckdb"), read_only=True)
    try:
        expected = {kpi: _sql(connection, query) for kpi, query in MONTHLY_SQL.items()}
        # a trailing 7-day count for every day from the first to the last transaction; days
        # whose window holds no transaction have no value (kpibridge leaves them empty)
        expected_trailing = _sql(
            connection,
            "SELECT * FROM (SELECT day::DATE AS day, (SELECT count(*) FROM transactions t "
            "WHERE t.ds > day::DATE - 7 AND t.ds <= day::DATE) AS value FROM range(DATE "
            "'2022-03-01', DATE '2022-04-07', INTERVAL 1 DAY) AS days(day)) WHERE value > 0",
        )
    finally:
        connection.close()
    assert len(expected_trailing) == 24  # 37 days, 13 of them (03-12 … 03-19, 03-27 … 03-31) empty
    for kpi, by_hand in BY_HAND.items():
        assert expected[kpi] == pytest.approx(by_hand)
    for kpi, values in expected.items():
        assert computed[kpi] == pytest.approx(values), kpi
    assert trailing == pytest.approx(expected_trailing)


def test_import_command_on_the_tutorial(project: Path, root: Path) -> None:
    app = typer.Typer()
    interop.register(app)
    result = CliRunner().invoke(app, ["import", "dbt", str(project), "-w", str(root), "-f", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload["kpis"]) == set(EXPECTED_KPIS)
    assert {gap["item"] for gap in payload["unmapped"]} == {gap[1] for gap in EXPECTED_GAPS}


def test_a_missing_wheel_fails_and_says_how_to_fetch_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metricflow_wheels, "CACHE", tmp_path / "empty")
    with pytest.raises(pytest.fail.Exception, match=r"run `bash scripts/metricflow_examples\.sh`"):
        metricflow_wheels.extract(DBT_METRICFLOW_WHEEL, TUTORIAL, tmp_path / "out")
