"""Bulk writes into PostgreSQL: ``COPY … FROM STDIN`` in one transaction.

Ibis inserts an in-memory table row by row (``executemany``); a demo table of millions of
rows needs PostgreSQL's own bulk path. Arrow batches are written as CSV by pyarrow (every
non-null value quoted, so that an empty string stays an empty string and only a missing
value is NULL) and streamed to ``COPY``. Doubles are written in their shortest round-trip
form, so values arrive bit for bit.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Mapping

import ibis
import pyarrow as pa
import pyarrow.csv as pacsv
import sqlglot as sg
from ibis.backends import BaseBackend

from kpibridge.metrics.backends.ddl import create_table_sql

log = logging.getLogger(__name__)


def write_postgres_tables(
    backend: BaseBackend, tables: Mapping[str, Callable[[], pa.RecordBatchReader]]
) -> dict[str, int]:
    """Replace each table with the rows of its reader, all tables in one transaction."""
    connection = backend.con  # type: ignore[attr-defined]
    rows: dict[str, int] = {}
    with connection.transaction(), connection.cursor() as cursor:
        for name, open_table in tables.items():
            reader = open_table()
            schema = ibis.Schema.from_pyarrow(reader.schema)
            quoted = sg.to_identifier(name, quoted=True).sql("postgres")
            cursor.execute(f"DROP TABLE IF EXISTS {quoted}")
            cursor.execute(create_table_sql(name, schema, "postgres"))
            columns = ", ".join(sg.to_identifier(c, quoted=True).sql("postgres") for c in schema)
            count = 0
            options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
            with cursor.copy(f"COPY {quoted} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
                for batch in reader:
                    buffer = io.BytesIO()
                    pacsv.write_csv(pa.Table.from_batches([batch]), buffer, options)
                    copy.write(buffer.getvalue())
                    count += batch.num_rows
            cursor.execute(f"ANALYZE {quoted}")
            rows[name] = count
            log.debug("wrote %s: %d rows", name, count)
    return rows
