"""Alembic environment: runs on the connection :meth:`Store.migrate` passes in."""

from __future__ import annotations

from alembic import context

from kpibridge.store.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only through Store.migrate
    raise RuntimeError("run migrations through kpibridge.store.Store.migrate")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
