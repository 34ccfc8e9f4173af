"""Create warehouse tables from the column types models declare."""

from __future__ import annotations

import ibis
from ibis.backends import BaseBackend

from kpibridge.model import ColumnType, SemanticModel

IBIS_TYPES = {
    ColumnType.STRING: "string",
    ColumnType.INTEGER: "int64",
    ColumnType.DOUBLE: "float64",
    ColumnType.BOOLEAN: "boolean",
    ColumnType.DATE: "date",
    ColumnType.TIMESTAMP: "timestamp",
}


def model_schema(model: SemanticModel) -> ibis.Schema | None:
    if not model.columns:
        return None
    return ibis.schema({name: IBIS_TYPES[kind] for name, kind in model.columns.items()})


def create_empty_tables(backend: BaseBackend, models: list[SemanticModel]) -> list[str]:
    """Create each model's table (empty, with its declared columns) when it does not exist."""
    created = []
    existing = set(backend.list_tables())
    for model in models:
        schema = model_schema(model)
        if schema is None or model.table in existing:
            continue
        backend.create_table(model.table, schema=schema)
        existing.add(model.table)
        created.append(model.table)
    return created
