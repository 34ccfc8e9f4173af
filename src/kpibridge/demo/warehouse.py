"""Write the demo tables into a DuckDB warehouse file.

All tables are written in one transaction: a failure part-way leaves the file as it was.
Canonical tables (``schema.TABLES``) are created from their declared DDL — exact types and
NOT NULL constraints — and filled by a bulk insert straight from Arrow; any other table is
created with the types DuckDB infers from its Arrow schema. Existing tables of the same
names are replaced; other tables in the file are left alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path

import duckdb
import pyarrow as pa

from kpibridge.demo import schema
from kpibridge.errors import WarehouseError

logger = logging.getLogger(__name__)

_SOURCE = "__kpibridge_demo_source"


def write_warehouse(
    tables: Mapping[str, pa.Table],
    path: Path,
    *,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Write ``tables`` into the DuckDB file at ``path`` (created if missing).

    Raises:
        WarehouseError: a canonical table lacks columns, or DuckDB refuses the write; the
            file is then unchanged.
    """
    for name, table in tables.items():
        _check_columns(name, table)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        connection = duckdb.connect(str(path))
    except duckdb.Error as error:
        raise WarehouseError(f"cannot open the warehouse {path}: {error}") from error
    try:
        connection.execute("BEGIN TRANSACTION")
        for name, table in tables.items():
            _write_table(connection, name, table)
            message = f"wrote {name}: {table.num_rows:,} rows"
            logger.debug(message)
            if progress is not None:
                progress(message)
        connection.execute("COMMIT")
    except duckdb.Error as error:
        connection.execute("ROLLBACK")
        raise WarehouseError(f"cannot write the warehouse {path}: {error}") from error
    finally:
        connection.close()


def _check_columns(name: str, table: pa.Table) -> None:
    if name not in schema.TABLES:
        return
    missing = [c.name for c in schema.TABLES[name] if c.name not in table.column_names]
    if missing:
        raise WarehouseError(
            f"table {name!r} lacks column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}; the demo schema needs "
            f"{', '.join(c.name for c in schema.TABLES[name])}"
        )


def _write_table(connection: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    connection.register(_SOURCE, table)
    try:
        if name in schema.TABLES:
            columns = ", ".join(schema.quote(c.name) for c in schema.TABLES[name])
            connection.execute(schema.create_table_sql(name))
            connection.execute(
                f"INSERT INTO {schema.quote(name)} ({columns}) SELECT {columns} FROM {_SOURCE}"
            )
        else:
            connection.execute(
                f"CREATE OR REPLACE TABLE {schema.quote(name)} AS SELECT * FROM {_SOURCE}"
            )
    finally:
        connection.unregister(_SOURCE)
