"""``CREATE TABLE`` statements from Ibis schemas, in any engine's dialect (via sqlglot)."""

from __future__ import annotations

import ibis
import sqlglot as sg
import sqlglot.expressions as sge


def create_table_sql(name: str, schema: ibis.Schema, dialect: str) -> str:
    """``CREATE TABLE`` with ``schema``'s columns, types and NOT NULL, in ``dialect``."""
    return sge.Create(
        kind="TABLE",
        this=sge.Schema(
            this=sg.to_identifier(name, quoted=True),
            expressions=schema.to_sqlglot_column_defs(dialect),
        ),
    ).sql(dialect)
