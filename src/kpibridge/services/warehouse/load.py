"""Load a data file into the table of a semantic model."""

from __future__ import annotations

from pathlib import Path

from kpibridge.errors import LoadError, UnknownNameError
from kpibridge.metrics.backends import table_columns
from kpibridge.metrics.loading import LoadMode, LoadResult, load_file
from kpibridge.metrics.tables import model_schema
from kpibridge.services.metrics.workspace import Workspace


def load_into(
    ws: Workspace, path: Path, table: str, mode: LoadMode = LoadMode.APPEND
) -> LoadResult:
    """Check ``path`` against ``table``'s columns and types (the warehouse table's own when it
    exists, else those its model declares) and load it, keyed by the model's ``key``."""
    models = [m for m in ws.models.values() if m.table == table]
    existing = table_columns(ws.backend, table)
    if existing is not None:
        schema = ws.backend.table(table).schema()
    elif models and (declared := model_schema(models[0])) is not None:
        schema = declared
    elif models:
        raise LoadError(
            f"table {table!r} does not exist and model {models[0].name!r} declares no "
            "`columns:`; declare them so kpibridge knows the types"
        )
    else:
        raise UnknownNameError("table", table, [m.table for m in ws.models.values()])
    key = next((m.key for m in models if m.key), ())
    # the time column, the key (else the primary entity) and NOT NULL columns must be present
    required = [n for n, t in schema.items() if not t.nullable]
    if models:
        required += [models[0].time, *(key or list(models[0].entities.values())[:1])]
    return load_file(
        ws.backend,
        path,
        table,
        schema,
        required=tuple(dict.fromkeys(required)),
        key=key,
        timezone=ws.settings.timezone,
        mode=mode,
    )
