"""Spark through Ibis: a session built from the workspace settings, tables kept as Parquet.

``warehouse: {backend: pyspark, master: "local[2]", path: data/spark}`` runs Spark inside
this process (PySpark from PyPI on Java 17) with every table a Parquet folder under ``path``:
Spark's default catalog lives in memory and forgets tables when the session ends, so each
connection registers the folders again (external tables, ``CREATE TABLE … LOCATION``).
Without ``path`` the session's own catalog is used as it is — on a cluster, its Hive
metastore or Unity Catalog. ``conf:`` holds Spark options (``spark.executor.memory`` …).

A local session gets settings for small machines unless ``conf`` overrides them: two shuffle
partitions instead of 200 (each costs a task per query), no web UI, UTC session time zone
(Ibis assumes it), and timestamps read from Parquet as plain ``TIMESTAMP``.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from ibis.backends import BaseBackend

from kpibridge.errors import WarehouseError

log = logging.getLogger(__name__)

LOCAL_DEFAULTS = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.memory": "1g",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.inferTimestampNTZ.enabled": "false",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
}
PARQUET_FILE = "part-00000.parquet"


def connect_spark(options: dict[str, Any], directory: Path | None) -> BaseBackend:
    """A PySpark Ibis backend; ``options`` are the workspace keys (``master``, ``conf`` …)."""
    import ibis

    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise WarehouseError(
            f"the pyspark backend is not installed: pip install 'ibis-framework[pyspark]' ({error})"
        ) from None
    master = str(options.pop("master", "local[2]"))
    conf = {str(k): str(v) for k, v in dict(options.pop("conf", None) or {}).items()}
    app_name = str(options.pop("app_name", "kpibridge"))
    if options:
        raise WarehouseError(
            f"unknown pyspark warehouse setting(s) {', '.join(sorted(options))}: "
            "use master, app_name, path and conf"
        )
    local = master.startswith("local")
    settings = {**(LOCAL_DEFAULTS if local else {}), **conf}
    if local and "spark.sql.warehouse.dir" not in settings:
        # Spark would create ./spark-warehouse wherever the command runs
        place = directory if directory is not None else Path(tempfile.gettempdir())
        settings["spark.sql.warehouse.dir"] = str(place / "spark-managed")
    if local:  # else Spark warns that the host name resolves to a loopback address
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    for key, value in settings.items():  # a session reused from earlier keeps its settings
        if not _static(key):
            session.conf.set(key, value)
    backend = ibis.pyspark.connect(session)
    if directory is not None:
        register_tables(backend, directory)
    return backend


def _static(key: str) -> bool:
    """Options that only a new session takes (the rest can change at run time)."""
    return key.startswith(
        (
            "spark.driver.",
            "spark.ui.",
            "spark.default.",
            "spark.executor.",
            "spark.sql.warehouse.dir",
            "spark.sql.catalogImplementation",
        )
    )


def register_tables(backend: BaseBackend, directory: Path) -> list[str]:
    """Make every Parquet table folder under ``directory`` a table of the session."""
    names = []
    if directory.is_dir():
        for folder in sorted(directory.iterdir()):
            if folder.is_dir() and (folder / PARQUET_FILE).is_file():
                _register(backend, folder.name, folder)
                names.append(folder.name)
    return names


def _register(backend: BaseBackend, name: str, folder: Path) -> None:
    session = backend._session  # type: ignore[attr-defined]
    table = _identifier(name)
    session.sql(f"DROP TABLE IF EXISTS {table}")
    location = str(folder.resolve()).replace("'", "\\'")
    session.sql(f"CREATE TABLE {table} USING parquet LOCATION '{location}'")


def _identifier(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def write_spark_tables(
    backend: BaseBackend, directory: Path, tables: Mapping[str, Callable[[], pa.RecordBatchReader]]
) -> dict[str, int]:
    """Write each table as one Parquet file in ``directory/<name>/`` and register it.

    Every table is written to a new folder first; only when all are written do they replace
    the old folders, so a failure part-way leaves the warehouse as it was.
    """
    directory.mkdir(parents=True, exist_ok=True)
    staging = directory / f".staging-{uuid.uuid4().hex}"
    rows: dict[str, int] = {}
    try:
        for name, open_table in tables.items():
            reader = open_table()
            folder = staging / name
            folder.mkdir(parents=True)
            count = 0
            # Arrow batches may differ from the stream's schema in nullability only
            schema = pa.schema([field.with_nullable(True) for field in reader.schema])
            with pq.ParquetWriter(folder / PARQUET_FILE, schema) as writer:
                for batch in reader:
                    writer.write_table(pa.Table.from_batches([batch]).cast(schema))
                    count += batch.num_rows
            rows[name] = count
            log.debug("wrote %s: %d rows", name, count)
        for name in tables:
            target = directory / name
            if target.exists():
                shutil.rmtree(target)
            (staging / name).rename(target)
            _register(backend, name, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return rows
