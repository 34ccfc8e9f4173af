"""The one place that knows how to reach a warehouse through Ibis.

Everything else in kpibridge talks to ``ibis.BaseBackend`` and never to a driver, so a
new engine is a configuration change: ``warehouse: {backend: postgres, host: …}``. What
differs between engines lives in this package and nowhere else:

* connecting (:func:`connect`): a file path for DuckDB and SQLite, a Spark session built from
  the settings for PySpark (:mod:`.spark`), keyword arguments for every other Ibis backend;
* bulk writing (:func:`write_tables`): ``COPY`` for PostgreSQL (:mod:`.postgres`), Parquet
  folders for Spark, Ibis ``create_table`` elsewhere;
* warehouse URLs (:mod:`.urls`);
* a fix of how Ibis renders SQL for every connection (:mod:`.compiling`).

Backends tested by the shared parity suite (``tests/backends``): DuckDB, PostgreSQL, Spark.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path

import ibis
import ibis.expr.datatypes as dt
import pyarrow as pa
import sqlglot as sg
from ibis.backends import BaseBackend

from kpibridge.errors import WarehouseError
from kpibridge.metrics.backends.compiling import compile_with_copy
from kpibridge.metrics.backends.ddl import create_table_sql
from kpibridge.metrics.backends.urls import describe, parse_warehouse_url, redact
from kpibridge.model import WarehouseConfig

__all__ = [
    "FILE_BACKENDS",
    "TESTED_BACKENDS",
    "TableSource",
    "connect",
    "describe",
    "parse_warehouse_url",
    "quiet",
    "read_table",
    "redact",
    "table_columns",
    "write_tables",
]

log = logging.getLogger(__name__)

FILE_BACKENDS = frozenset({"duckdb", "sqlite"})
TESTED_BACKENDS = ("duckdb", "postgres", "pyspark")
BATCH_ROWS = 250_000

TableSource = Callable[[], pa.RecordBatchReader]
"""Opens one table's rows; called when that table is written, so that only one source
stream is open at a time (DuckDB ends a result stream when the connection starts another)."""


def connect(config: WarehouseConfig, root: Path, *, read_only: bool = False) -> BaseBackend:
    """Open the warehouse described by ``config``; file paths are relative to ``root``."""
    options = config.connection_options()
    if config.backend == "pyspark":
        from kpibridge.metrics.backends.spark import connect_spark

        try:
            spark = connect_spark(options, spark_directory(config, root))
            compile_with_copy(spark)
            return spark
        except WarehouseError:
            raise
        except ImportError as error:
            raise missing_driver("pyspark", error) from None
        except Exception as error:  # Py4J and Spark raise their own types
            raise WarehouseError(f"cannot start the pyspark warehouse: {error}") from None
    try:
        backend_module = getattr(ibis, config.backend)
    except ImportError as error:  # Ibis knows the backend; its driver is not installed
        raise missing_driver(config.backend, error) from None
    except AttributeError:
        raise WarehouseError(
            f"unknown warehouse backend {config.backend!r}: use an Ibis backend name such as "
            "duckdb, postgres, pyspark, bigquery, snowflake, trino"
        ) from None
    if config.backend in FILE_BACKENDS and config.path is not None:
        path = (root / config.path).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        options.setdefault("database", str(path))
        if config.backend == "duckdb" and read_only and path.exists():
            options.setdefault("read_only", True)
    log.debug("connecting to %s warehouse", config.backend)
    try:
        backend = backend_module.connect(**options)
        compile_with_copy(backend)
        if config.backend == "duckdb":
            quiet(backend)
        return backend
    except ImportError as error:
        raise missing_driver(config.backend, error) from None
    except Exception as error:  # drivers raise their own types; the user needs the reason
        raise WarehouseError(f"cannot connect to the {config.backend} warehouse: {error}") from None


WAREHOUSES_EXTRA = frozenset({"postgres", "pyspark"})
"""The backends ``pip install 'kpibridge[warehouses]'`` brings (pyproject.toml)."""


def missing_driver(backend: str, error: ImportError) -> WarehouseError:
    """The error for a backend whose Python driver is missing, saying what to ``pip install``
    (Ibis's own message advises conda, which a pip-installed kpibridge does not use)."""
    module = error.name or getattr(error.__cause__, "name", None)
    missing = f" (missing module: {module})" if module else ""
    if backend in WAREHOUSES_EXTRA:
        command = "pip install 'kpibridge[warehouses]'"
    else:
        command = f"pip install 'ibis-framework[{backend}]'"
    return WarehouseError(
        f"the {backend} warehouse needs a driver that is not installed{missing}: {command}"
    )


def spark_directory(config: WarehouseConfig, root: Path) -> Path | None:
    """The Parquet folder of a Spark warehouse, or None to use the session's own catalog.

    Only an explicit ``path`` counts: the default path names the DuckDB file.
    """
    if config.backend != "pyspark" or "path" not in config.model_fields_set or not config.path:
        return None
    return (root / config.path).resolve()


def quiet(backend: BaseBackend) -> None:
    """Stop DuckDB drawing progress bars on the terminal: a library does not print."""
    backend.raw_sql("SET enable_progress_bar = false")


def table_columns(backend: BaseBackend, table: str) -> dict[str, dt.DataType] | None:
    """Column names and Ibis types of ``table``, or None when the table does not exist."""
    if table not in backend.list_tables():
        return None
    return dict(backend.table(table).schema().items())


def read_table(backend: BaseBackend, table: str) -> pa.RecordBatchReader:
    """All rows of ``table`` as Arrow batches (streamed: a large table is never whole in
    memory), typed by the table's Ibis schema so that NOT NULL columns stay NOT NULL."""
    expression = backend.table(table)
    reader = backend.to_pyarrow_batches(expression, chunk_size=BATCH_ROWS)
    return reader.cast(expression.schema().to_pyarrow())


def write_tables(
    backend: BaseBackend,
    config: WarehouseConfig,
    root: Path,
    tables: Mapping[str, TableSource],
) -> dict[str, int]:
    """Replace (or create) each table with the rows ``tables[name]()`` reads; returns the
    rows written per table.

    PostgreSQL and Spark with a Parquet folder write all tables or none; other engines write
    table by table through Ibis, and a failure can leave earlier tables replaced.
    """
    if config.backend == "postgres":
        from kpibridge.metrics.backends.postgres import write_postgres_tables

        return write_postgres_tables(backend, tables)
    directory = spark_directory(config, root)
    if directory is not None:
        from kpibridge.metrics.backends.spark import write_spark_tables

        return write_spark_tables(backend, directory, tables)
    if config.backend == "duckdb":
        return _write_duckdb(backend, tables)
    rows = {}
    for name, source in tables.items():
        table = source().read_all()
        backend.create_table(name, obj=table, overwrite=True)
        rows[name] = table.num_rows
    return rows


def _write_duckdb(
    backend: BaseBackend, tables: Mapping[str, pa.RecordBatchReader]
) -> dict[str, int]:
    """All tables in one DuckDB transaction, streamed from Arrow."""
    connection = backend.con  # type: ignore[attr-defined]
    rows = {}
    connection.execute("BEGIN TRANSACTION")
    try:
        for name, open_table in tables.items():
            source = "__kpibridge_copy_source"
            try:
                reader = open_table()
                quoted = sg.to_identifier(name, quoted=True).sql("duckdb")
                connection.execute(f"DROP TABLE IF EXISTS {quoted}")
                schema = ibis.Schema.from_pyarrow(reader.schema)
                connection.execute(create_table_sql(name, schema, "duckdb"))
                connection.register(source, reader)
                connection.execute(f"INSERT INTO {quoted} SELECT * FROM {source}")
                rows[name] = int(connection.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0])
            finally:
                connection.unregister(source)
        connection.execute("COMMIT")
    except Exception:
        connection.execute("ROLLBACK")
        raise
    return rows
