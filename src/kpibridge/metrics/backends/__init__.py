"""The one place that knows how to reach a warehouse through Ibis.

Everything else in kpibridge talks to ``ibis.BaseBackend`` and never to a driver, so a
new engine is a configuration change: ``warehouse: {backend: postgres, host: …}``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import ibis
import ibis.expr.datatypes as dt
from ibis.backends import BaseBackend

from kpibridge.errors import WarehouseError
from kpibridge.model import WarehouseConfig

log = logging.getLogger(__name__)

FILE_BACKENDS = frozenset({"duckdb", "sqlite"})


def connect(config: WarehouseConfig, root: Path, *, read_only: bool = False) -> BaseBackend:
    """Open the warehouse described by ``config``; file paths are relative to ``root``."""
    options = config.connection_options()
    try:
        backend_module = getattr(ibis, config.backend)
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
        if config.backend == "duckdb":
            quiet(backend)
        return backend
    except ImportError as error:
        raise WarehouseError(
            f"the {config.backend} backend is not installed: "
            f"pip install 'ibis-framework[{config.backend}]' ({error})"
        ) from None
    except Exception as error:  # drivers raise their own types; the user needs the reason
        raise WarehouseError(f"cannot connect to the {config.backend} warehouse: {error}") from None


def quiet(backend: BaseBackend) -> None:
    """Stop DuckDB drawing progress bars on the terminal: a library does not print."""
    backend.raw_sql("SET enable_progress_bar = false")


def table_columns(backend: BaseBackend, table: str) -> dict[str, dt.DataType] | None:
    """Column names and Ibis types of ``table``, or None when the table does not exist."""
    if table not in backend.list_tables():
        return None
    return dict(backend.table(table).schema().items())
