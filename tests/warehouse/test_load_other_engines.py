"""``load_file`` into a warehouse other than DuckDB (SQLite through Ibis): the same checks,
keys checked against the table before writing, problems stored as JSON text, and
``--mode upsert`` refused with a clear message (it needs DuckDB's transaction)."""

from __future__ import annotations

import json
from pathlib import Path

import ibis
import pytest
from load_helpers import ORDER_COLUMNS

from kpibridge.errors import LoadError
from kpibridge.metrics.loading import LoadMode, load_file

SCHEMA = ibis.schema(
    {
        "order_id": "int64",
        "customer_id": "int64",
        "ordered_at": "timestamp",
        "channel": "string",
        "revenue": "float64",
        "gross_margin": "float64",
    }
)


def test_sqlite_warehouse(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(
        f"{ORDER_COLUMNS}\n1,10,2025-01-05,email,nan,1\n2,11,2025-01-06,app,20.5,2\n",
        encoding="utf-8",
    )
    backend = ibis.sqlite.connect(str(tmp_path / "warehouse.sqlite"))
    try:
        result = load_file(backend, path, "orders", SCHEMA, key=("order_id",))
        assert (result.inserted, result.quarantined) == (1, 1)
        assert backend.table("orders").select("order_id", "revenue").to_pyarrow().to_pylist() == [
            {"order_id": 2, "revenue": 20.5}
        ]
        [bad] = backend.table("orders__quarantine").to_pyarrow().to_pylist()
        assert bad["_line"] == 2
        assert json.loads(bad["_problems"]) == [
            {"column": "revenue", "problem": "not a number (NaN)", "value": "nan", "detail": None}
        ]

        with pytest.raises(LoadError, match=r"order_id=2 \(line 3\)"):
            load_file(backend, path, "orders", SCHEMA, key=("order_id",))
        with pytest.raises(LoadError, match="--mode upsert needs a DuckDB warehouse"):
            load_file(backend, path, "orders", SCHEMA, key=("order_id",), mode=LoadMode.UPSERT)
        assert backend.table("orders").count().execute() == 1
        assert backend.table("orders__quarantine").count().execute() == 1
    finally:
        backend.disconnect()
