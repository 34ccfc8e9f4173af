"""``kpibridge load`` into every table of the demo warehouse (NOT NULL columns, which Ibis
writes ``!int64``), and the declared keys: the same in the models and the canonical schema,
and unique in the generated data.

Round trip as oracle: 40 rows of each table are written to CSV by DuckDB, deleted, and
loaded back; the table's content hash must be what it was before.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from load_helpers import load
from typer.testing import CliRunner

from cli_output import assert_user_error, flat
from fixtures_demo import DEMO_TABLES, table_checksums, warehouse_path
from helpers import table_rows
from kpibridge.demo.schema import KEYS, TABLES, quote
from kpibridge.workspace.scaffold import template_path
from kpibridge.workspace.source import read_yaml

SAMPLE = 40


def test_the_models_declare_the_keys_of_the_canonical_schema() -> None:
    template = template_path()
    for table in TABLES:
        source, issues = read_yaml(template / "models" / f"{table}.yaml", template)
        assert not issues
        assert source is not None
        assert tuple(source.node["key"]) == KEYS[table], table


def test_the_keys_are_unique_in_the_demo_data(demo_root: Path) -> None:
    for table, key in KEYS.items():
        columns = ", ".join(quote(k) for k in key)
        duplicated = table_rows(
            demo_root,
            f"SELECT count(*) FROM (SELECT {columns} FROM {table} GROUP BY ALL "
            "HAVING count(*) > 1)",
        )
        assert duplicated == [(0,)], table


@pytest.mark.parametrize("table", DEMO_TABLES)
def test_a_good_file_loads_into_every_demo_table_unchanged(
    runner: CliRunner, demo_root: Path, tmp_path: Path, table: str
) -> None:
    before = table_checksums(demo_root)[table]
    key = ", ".join(quote(k) for k in KEYS[table])
    path = tmp_path / f"{table}.csv"
    connection = duckdb.connect(str(warehouse_path(demo_root)))
    try:
        sample = f"SELECT * FROM {table} ORDER BY {key} LIMIT {SAMPLE}"
        connection.execute(f"COPY ({sample}) TO '{path}' (HEADER, DELIMITER ',')")
        connection.execute(f"DELETE FROM {table} WHERE ({key}) IN (SELECT ({key}) FROM ({sample}))")
    finally:
        connection.close()

    result = load(runner, demo_root, path, table)

    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert f"loaded {SAMPLE} rows into {table} (inserted {SAMPLE}); quarantined 0 rows" in text
    assert table_checksums(demo_root)[table] == before

    again = load(runner, demo_root, path, table)  # the same file once more: refused
    assert_user_error(again, f"{SAMPLE} row(s) have a key already in table {table!r}")
    assert table_checksums(demo_root)[table] == before

    upsert = load(runner, demo_root, path, table, "--mode", "upsert")
    assert upsert.exit_code == 0, upsert.output
    assert f"(inserted 0, replaced {SAMPLE})" in flat(upsert.output)
    assert table_checksums(demo_root)[table] == before


def test_an_empty_value_in_a_not_null_column_is_quarantined(
    runner: CliRunner, demo_root: Path, tmp_path: Path
) -> None:
    """``orders.channel`` is NOT NULL in the demo warehouse (no model marks it required):
    an empty one goes to quarantine instead of failing the whole insert."""
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,customer_id,ordered_at,channel,revenue,gross_margin\n"
        "990000001,1,2025-01-05 10:00:00,,10,1\n",
        encoding="utf-8",
    )
    result = load(runner, demo_root, path, "orders")
    assert result.exit_code == 0, result.output
    assert "1 channel: missing" in flat(result.output)
