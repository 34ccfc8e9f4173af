"""The canonical schema of the demo warehouse: tables, columns, DuckDB and Arrow types.

One declaration serves both sides: ``arrow_schema`` is what ``generate`` returns and
``create_table_sql`` is what ``write_warehouse`` creates, so the two cannot drift apart.
Columns are NOT NULL unless declared nullable.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

ARROW_TYPES: dict[str, pa.DataType] = {
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "VARCHAR": pa.string(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
}


@dataclass(frozen=True)
class Column:
    """One column: its name, DuckDB type and whether it may hold NULL."""

    name: str
    type: str
    nullable: bool = False


def _columns(spec: str) -> tuple[Column, ...]:
    """Parse ``"name TYPE, name TYPE NULL, …"`` (the notation of the spec) into columns."""
    columns = []
    for item in spec.split(","):
        name, type_, *rest = item.split()
        columns.append(Column(name, type_, nullable=rest == ["NULL"]))
    return tuple(columns)


TABLES: dict[str, tuple[Column, ...]] = {
    "ad_spend": _columns(
        "date DATE, channel VARCHAR, campaign VARCHAR, spend DOUBLE, impressions BIGINT,"
        " clicks BIGINT"
    ),
    "sessions": _columns(
        "session_id BIGINT, started_at TIMESTAMP, visitor_id BIGINT, customer_id BIGINT NULL,"
        " channel VARCHAR, campaign VARCHAR NULL, device VARCHAR, converted BOOLEAN"
    ),
    "customers": _columns(
        "customer_id BIGINT, acquired_at TIMESTAMP, acquisition_channel VARCHAR,"
        " region VARCHAR, segment VARCHAR"
    ),
    "orders": _columns(
        "order_id BIGINT, customer_id BIGINT, ordered_at TIMESTAMP, channel VARCHAR,"
        " revenue DOUBLE, gross_margin DOUBLE"
    ),
    "leads": _columns(
        "lead_id BIGINT, created_at TIMESTAMP, channel VARCHAR, mql_at TIMESTAMP NULL,"
        " sql_at TIMESTAMP NULL, won_at TIMESTAMP NULL, customer_id BIGINT NULL"
    ),
    "social": _columns(
        "date DATE, platform VARCHAR, impressions BIGINT, engagements BIGINT, followers BIGINT,"
        " brand_mentions BIGINT, category_mentions BIGINT"
    ),
    "surveys": _columns(
        "response_id BIGINT, responded_at TIMESTAMP, customer_id BIGINT NULL, nps INTEGER NULL,"
        " csat INTEGER NULL, aware_of_brand BOOLEAN NULL, comment VARCHAR NULL"
    ),
    "reviews": _columns(
        "review_id BIGINT, posted_at TIMESTAMP, customer_id BIGINT, product VARCHAR,"
        " rating INTEGER, text VARCHAR"
    ),
}


KEYS: dict[str, tuple[str, ...]] = {
    "ad_spend": ("date", "channel", "campaign"),
    "sessions": ("session_id",),
    "customers": ("customer_id",),
    "orders": ("order_id",),
    "leads": ("lead_id",),
    "social": ("date", "platform"),
    "surveys": ("response_id",),
    "reviews": ("review_id",),
}
"""The columns that identify a row of each table (the models' ``key:``): unique in the
generated data, and what ``kpibridge load`` checks so that a file loaded twice is refused."""


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of a canonical table."""
    return pa.schema(
        [pa.field(c.name, ARROW_TYPES[c.type], nullable=c.nullable) for c in TABLES[table]]
    )


def quote(identifier: str) -> str:
    """A DuckDB identifier in double quotes (so ``date`` and ``text`` are safe)."""
    return '"' + identifier.replace('"', '""') + '"'


def create_table_sql(table: str) -> str:
    """``CREATE OR REPLACE TABLE`` statement of a canonical table."""
    columns = ", ".join(
        f"{quote(c.name)} {c.type}{'' if c.nullable else ' NOT NULL'}" for c in TABLES[table]
    )
    return f"CREATE OR REPLACE TABLE {quote(table)} ({columns})"
