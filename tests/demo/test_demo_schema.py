"""The canonical schema, exactly as the spec states it, in Arrow and in DuckDB.

The expected columns are written out here from the spec rather than read from
``kpibridge.demo.schema``, so that the test catches a drift of either from the spec.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from kpibridge.demo import write_warehouse
from kpibridge.errors import WarehouseError

SPEC: dict[str, list[tuple[str, str, bool]]] = {
    "ad_spend": [
        ("date", "DATE", False),
        ("channel", "VARCHAR", False),
        ("campaign", "VARCHAR", False),
        ("spend", "DOUBLE", False),
        ("impressions", "BIGINT", False),
        ("clicks", "BIGINT", False),
    ],
    "sessions": [
        ("session_id", "BIGINT", False),
        ("started_at", "TIMESTAMP", False),
        ("visitor_id", "BIGINT", False),
        ("customer_id", "BIGINT", True),
        ("channel", "VARCHAR", False),
        ("campaign", "VARCHAR", True),
        ("device", "VARCHAR", False),
        ("converted", "BOOLEAN", False),
    ],
    "customers": [
        ("customer_id", "BIGINT", False),
        ("acquired_at", "TIMESTAMP", False),
        ("acquisition_channel", "VARCHAR", False),
        ("region", "VARCHAR", False),
        ("segment", "VARCHAR", False),
    ],
    "orders": [
        ("order_id", "BIGINT", False),
        ("customer_id", "BIGINT", False),
        ("ordered_at", "TIMESTAMP", False),
        ("channel", "VARCHAR", False),
        ("revenue", "DOUBLE", False),
        ("gross_margin", "DOUBLE", False),
    ],
    "leads": [
        ("lead_id", "BIGINT", False),
        ("created_at", "TIMESTAMP", False),
        ("channel", "VARCHAR", False),
        ("mql_at", "TIMESTAMP", True),
        ("sql_at", "TIMESTAMP", True),
        ("won_at", "TIMESTAMP", True),
        ("customer_id", "BIGINT", True),
    ],
    "social": [
        ("date", "DATE", False),
        ("platform", "VARCHAR", False),
        ("impressions", "BIGINT", False),
        ("engagements", "BIGINT", False),
        ("followers", "BIGINT", False),
        ("brand_mentions", "BIGINT", False),
        ("category_mentions", "BIGINT", False),
    ],
    "surveys": [
        ("response_id", "BIGINT", False),
        ("responded_at", "TIMESTAMP", False),
        ("customer_id", "BIGINT", True),
        ("nps", "INTEGER", True),
        ("csat", "INTEGER", True),
        ("aware_of_brand", "BOOLEAN", True),
        ("comment", "VARCHAR", True),
    ],
    "reviews": [
        ("review_id", "BIGINT", False),
        ("posted_at", "TIMESTAMP", False),
        ("customer_id", "BIGINT", False),
        ("product", "VARCHAR", False),
        ("rating", "INTEGER", False),
        ("text", "VARCHAR", False),
    ],
}
ARROW = {
    "DATE": pa.date32(),
    "VARCHAR": pa.string(),
    "DOUBLE": pa.float64(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
}


def test_generate_returns_exactly_the_spec_tables(small_tables: dict[str, pa.Table]) -> None:
    assert list(small_tables) == list(SPEC)


@pytest.mark.parametrize("table", list(SPEC))
def test_arrow_types_match_the_spec(small_tables: dict[str, pa.Table], table: str) -> None:
    schema = small_tables[table].schema
    assert [(f.name, f.type) for f in schema] == [(n, ARROW[t]) for n, t, _ in SPEC[table]]


@pytest.mark.parametrize("table", list(SPEC))
def test_only_nullable_columns_hold_nulls(small_tables: dict[str, pa.Table], table: str) -> None:
    for name, _, nullable in SPEC[table]:
        if not nullable:
            assert small_tables[table].column(name).null_count == 0, name


@pytest.mark.parametrize("table", list(SPEC))
def test_duckdb_types_match_the_spec(small_db: duckdb.DuckDBPyConnection, table: str) -> None:
    described = small_db.execute(f'DESCRIBE "{table}"').fetchall()
    assert [(name, type_, null == "YES") for name, type_, null, *_ in described] == SPEC[table]


def test_every_table_is_written_in_full(
    small_db: duckdb.DuckDBPyConnection, small_tables: dict[str, pa.Table]
) -> None:
    for name, table in small_tables.items():
        count = small_db.execute(f'SELECT count(*) FROM "{name}"').fetchone()
        assert count == (table.num_rows,), name


def test_rewriting_replaces_tables_and_keeps_others(
    small_tables: dict[str, pa.Table], tmp_path: Path
) -> None:
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE TABLE notes AS SELECT 1 AS keep")
    write_warehouse(small_tables, path)
    write_warehouse({"social": small_tables["social"]}, path)
    with duckdb.connect(str(path), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM social").fetchone() == (
            small_tables["social"].num_rows,
        )
        assert connection.execute("SELECT keep FROM notes").fetchone() == (1,)


def test_a_failed_write_leaves_the_file_unchanged(
    small_tables: dict[str, pa.Table], tmp_path: Path
) -> None:
    path = tmp_path / "w.duckdb"
    write_warehouse({"social": small_tables["social"]}, path)
    broken = small_tables["orders"].set_column(
        1, "customer_id", pa.nulls(small_tables["orders"].num_rows, pa.int64())
    )
    with pytest.raises(WarehouseError, match="cannot write"):
        write_warehouse({"reviews": small_tables["reviews"], "orders": broken}, path)
    with duckdb.connect(str(path), read_only=True) as connection:
        tables = {row[0] for row in connection.execute("SHOW TABLES").fetchall()}
    assert tables == {"social"}


def test_a_table_missing_columns_is_refused_with_their_names(
    small_tables: dict[str, pa.Table], tmp_path: Path
) -> None:
    with pytest.raises(WarehouseError, match="lacks columns revenue, gross_margin"):
        write_warehouse(
            {"orders": small_tables["orders"].drop_columns(["revenue", "gross_margin"])},
            tmp_path / "w.duckdb",
        )


def test_other_tables_keep_their_arrow_types(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    write_warehouse({"extra": pa.table({"x": pa.array([1.5, 2.5])})}, path)
    with duckdb.connect(str(path), read_only=True) as connection:
        assert connection.execute("SELECT sum(x) FROM extra").fetchone() == (4.0,)
