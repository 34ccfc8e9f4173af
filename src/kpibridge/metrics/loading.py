"""Load a CSV or Parquet file into a warehouse table, row by row checked, all or nothing.

Every row is checked against the target columns and types (``load_read`` reads records
with their line numbers, ``load_check`` checks values without changing them,
``load_write`` writes). Good rows go into the table, bad rows into ``<table>__quarantine``
with their line and structured problems — in one transaction, so a failure leaves both
tables as they were. Nothing is silently dropped, rounded or shifted in time.

Values are checked by an in-process DuckDB; column names come from the file and the model
and are always quoted as identifiers; no value from the file is ever put into SQL text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import ibis
import pyarrow as pa
from ibis.backends import BaseBackend

from kpibridge.errors import LoadError
from kpibridge.metrics.load_check import PROBLEMS, check
from kpibridge.metrics.load_read import read_raw
from kpibridge.metrics.load_write import QUARANTINE_SUFFIX, LoadMode, write

__all__ = ["QUARANTINE_SUFFIX", "LoadMode", "LoadResult", "load_file"]


@dataclass(frozen=True)
class LoadResult:
    table: str
    inserted: int
    """Rows whose key was new (or all good rows, for a table without a key)."""
    replaced: int
    """Rows that replaced a stored row with the same key (``--mode upsert``)."""
    quarantined: int
    quarantine_table: str
    reasons: tuple[tuple[str, int], ...]
    """The most common problems of quarantined rows (``column: problem``), with counts."""
    converted: int = 0
    """Timestamps written with a UTC offset and converted to the workspace's time zone."""
    timezone: str = "UTC"
    key: tuple[str, ...] = ()

    @property
    def loaded(self) -> int:
        return self.inserted + self.replaced


def load_file(
    backend: BaseBackend,
    path: Path,
    table: str,
    schema: ibis.Schema,
    required: tuple[str, ...] = (),
    key: tuple[str, ...] = (),
    timezone: str = "UTC",
    mode: LoadMode = LoadMode.APPEND,
) -> LoadResult:
    """Check ``path`` against ``schema`` and write its rows to ``table``.

    ``required`` columns must not be empty; ``key`` columns must be present and unique in
    the file, and (unless ``mode`` is upsert) not yet in the table.
    """
    unknown = [k for k in key if k not in schema.names]
    if unknown:
        raise LoadError(f"table {table!r} has no key column(s) {', '.join(unknown)}")
    raw = read_raw(path, tuple(schema.names))
    missing = [c for c in schema.names if c not in raw.columns]
    extra = [c for c in raw.columns if c not in schema.names]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if extra:
            parts.append(f"unexpected column(s) {', '.join(extra)}")
        raise LoadError(
            f"{path}: the header does not match table {table!r}: {'; '.join(parts)} "
            f"(expected: {', '.join(schema.names)})"
        )
    checked = check(raw.table, schema, required, key, timezone)
    count = checked.bad.num_rows
    loaded_at = datetime.now(UTC).replace(tzinfo=None)
    bad = checked.bad.append_column("_file", pa.array([str(path)] * count, pa.string()))
    bad = bad.append_column("_loaded_at", pa.array([loaded_at] * count, pa.timestamp("us")))
    written = write(backend, table, schema, key, checked.good, bad, mode)
    return LoadResult(
        table=table,
        inserted=written.inserted,
        replaced=written.replaced,
        quarantined=bad.num_rows,
        quarantine_table=table + QUARANTINE_SUFFIX,
        reasons=top_reasons(checked.bad),
        converted=checked.converted,
        timezone=timezone,
        key=key,
    )


def top_reasons(bad: pa.Table, limit: int = 5) -> tuple[tuple[str, int], ...]:
    """Most common problems, by column and kind ("revenue: not a number", "ragged row")."""
    counts: Counter[str] = Counter()
    for problems in bad.column(PROBLEMS).to_pylist() if bad.num_rows else []:
        for problem in problems:
            column = problem["column"]
            counts[f"{column}: {problem['problem']}" if column else problem["problem"]] += 1
    return tuple(counts.most_common(limit))
