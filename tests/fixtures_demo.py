"""A small demo workspace (the Acme Outdoor company of ``kpibridge demo``) for tests that need
realistic data in every table: the KPI library oracles, the CLI and the demo service.

Scale 0.05 keeps the warehouse at ≈50k rows and the build near one second; seed 3 is
arbitrary but fixed, so failures reproduce. Test modules wrap :func:`build_small_demo` in a
fixture of the scope they need (``tmp_path_factory`` gives each build its own folder).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from kpibridge.services.demo.build import build_demo

DEMO_SEED = 3
DEMO_SCALE = 0.05
WAREHOUSE = Path("data") / "warehouse.duckdb"
DEMO_TABLES = (
    "ad_spend",
    "customers",
    "leads",
    "orders",
    "reviews",
    "sessions",
    "social",
    "surveys",
)


def build_small_demo(
    tmp_path_factory: pytest.TempPathFactory,
    name: str = "demo",
    *,
    seed: int = DEMO_SEED,
    scale: float = DEMO_SCALE,
) -> Path:
    """Build the demo workspace in a fresh temporary folder and return the folder."""
    root = tmp_path_factory.mktemp(name) / "workspace"
    build_demo(root, seed=seed, scale=scale)
    return root


def warehouse_path(root: Path) -> Path:
    return root / WAREHOUSE


def table_checksums(root: Path) -> dict[str, tuple[int, str]]:
    """Row count and content hash of every demo table, computed in DuckDB.

    The hash is the MD5 of all rows in their text form, sorted, so it changes with any value
    of any row but not with the physical row order.
    """
    connection = duckdb.connect(str(warehouse_path(root)), read_only=True)
    try:
        checksums = {}
        for table in DEMO_TABLES:
            row = connection.execute(
                "SELECT count(*), md5(string_agg(CAST(x AS VARCHAR), chr(10) "
                f"ORDER BY CAST(x AS VARCHAR))) FROM {table} AS x"
            ).fetchone()
            assert row is not None
            checksums[table] = (int(row[0]), str(row[1]))
        return checksums
    finally:
        connection.close()
