"""Shared demo data for the tests: generated once per session, small and full-size."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from kpibridge.demo import generate, write_warehouse

SMALL_SCALE = 0.1


@pytest.fixture(scope="session")
def small_tables() -> dict[str, pa.Table]:
    """Seed 7 at scale 0.1 (≈40k sessions, ≈10k orders)."""
    return generate(seed=7, scale=SMALL_SCALE)


@pytest.fixture(scope="session")
def full_tables() -> dict[str, pa.Table]:
    """Seed 7 at scale 1, the size the realism targets and planted effects are stated for."""
    return generate(seed=7, scale=1.0)


@pytest.fixture(scope="session")
def small_warehouse(
    small_tables: dict[str, pa.Table], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The small tables written to a DuckDB file."""
    path = tmp_path_factory.mktemp("demo") / "warehouse.duckdb"
    write_warehouse(small_tables, path)
    return path


@pytest.fixture
def small_db(small_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the small warehouse."""
    connection = duckdb.connect(str(small_warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def full_db(full_tables: dict[str, pa.Table]) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB holding the full-size tables as views over Arrow."""
    connection = duckdb.connect(":memory:")
    for name, table in full_tables.items():
        connection.register(name, table)
    yield connection
    connection.close()
