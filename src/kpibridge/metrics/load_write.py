"""Write checked rows to the warehouse: keys checked against the table, all or nothing.

In ``append`` mode a row whose key is already in the table refuses the whole file (the
same file loaded twice would otherwise count its revenue twice); in ``upsert`` mode such
rows replace the stored ones. On DuckDB the key check, the delete, both inserts and the
quarantine happen in one transaction, so a failure leaves every table as it was.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

import duckdb
import ibis
import pyarrow as pa
from ibis.backends import BaseBackend

from kpibridge.errors import LoadError
from kpibridge.metrics.load_check import PROBLEM_TYPE, PROBLEMS, duckdb_type
from kpibridge.metrics.load_read import LINE, ROW, quote
from kpibridge.model.choices import LoadMode

QUARANTINE_SUFFIX = "__quarantine"
SHOWN_CLASHES = 5


@dataclass(frozen=True)
class Written:
    inserted: int
    replaced: int


def write(
    backend: BaseBackend,
    table: str,
    schema: ibis.Schema,
    key: tuple[str, ...],
    good: pa.Table,
    bad: pa.Table,
    mode: LoadMode,
) -> Written:
    """Insert ``good`` into ``table`` and ``bad`` into its quarantine table."""
    if backend.name == "duckdb":
        return _write_duckdb(backend.con, table, schema, key, good, bad, mode)  # type: ignore[attr-defined]
    return _write_other(backend, table, schema, key, good, bad, mode)


def _clash_message(table: str, key: tuple[str, ...], clashes: list[tuple[Any, ...]]) -> str:
    """``clashes``: (line, row, *key values) of file rows whose key is in the table."""
    shown = []
    for line, row, *values in clashes[:SHOWN_CLASHES]:
        where = f"line {line}" if line is not None else f"row {row}"
        pairs = ", ".join(f"{k}={v}" for k, v in zip(key, values, strict=True))
        shown.append(f"{pairs} ({where})")
    more = f" and {len(clashes) - SHOWN_CLASHES} more" if len(clashes) > SHOWN_CLASHES else ""
    return (
        f"{len(clashes)} row(s) have a key already in table {table!r}: {'; '.join(shown)}{more}. "
        "Nothing was written. Was this file loaded before? Load with `--mode upsert` to "
        "replace those rows, or remove them from the file."
    )


def _write_duckdb(
    con: duckdb.DuckDBPyConnection,
    table: str,
    schema: ibis.Schema,
    key: tuple[str, ...],
    good: pa.Table,
    bad: pa.Table,
    mode: LoadMode,
) -> Written:
    quarantine = table + QUARANTINE_SUFFIX
    names = ", ".join(quote(n) for n in schema.names)
    con.execute("BEGIN TRANSACTION")
    try:
        existing = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
        if table not in existing:
            columns = ", ".join(f"{quote(n)} {duckdb_type(t)}" for n, t in schema.items())
            con.execute(f"CREATE TABLE {quote(table)} ({columns})")
        con.register("_kpibridge_good", good)
        replaced = 0
        if key:
            same = " AND ".join(f"t.{quote(k)} = g.{quote(k)}" for k in key)
            clashes = con.execute(
                f"SELECT g.{LINE}, g.{ROW}, {', '.join(f'g.{quote(k)}' for k in key)} "
                f"FROM _kpibridge_good AS g WHERE EXISTS (SELECT 1 FROM {quote(table)} AS t "
                f"WHERE {same}) ORDER BY g.{ROW}"
            ).fetchall()
            if clashes and mode is LoadMode.APPEND:
                raise LoadError(_clash_message(table, key, clashes))
            if clashes:
                con.execute(
                    f"DELETE FROM {quote(table)} AS t WHERE EXISTS "
                    f"(SELECT 1 FROM _kpibridge_good AS g WHERE {same})"
                )
                replaced = len(clashes)
        con.execute(f"INSERT INTO {quote(table)} BY NAME SELECT {names} FROM _kpibridge_good")
        if bad.num_rows:
            con.register("_kpibridge_bad", bad)
            if quarantine not in existing:
                con.execute(
                    f"CREATE TABLE {quote(quarantine)} AS SELECT * FROM _kpibridge_bad LIMIT 0"
                )
            else:
                _add_bookkeeping_columns(con, quarantine)
            con.execute(f"INSERT INTO {quote(quarantine)} BY NAME SELECT * FROM _kpibridge_bad")
        con.execute("COMMIT")
    except Exception as error:
        con.execute("ROLLBACK")
        if isinstance(error, LoadError):
            raise
        raise LoadError(f"loading into {table!r} failed, nothing was written: {error}") from None
    finally:
        for view in ("_kpibridge_good", "_kpibridge_bad"):
            with contextlib.suppress(duckdb.Error):
                con.unregister(view)
    return Written(good.num_rows - replaced, replaced)


def _add_bookkeeping_columns(con: duckdb.DuckDBPyConnection, quarantine: str) -> None:
    """A quarantine table written by an older kpibridge (``_reason`` only) gets the
    structured problems and line columns; any other mismatch fails the insert, loudly."""
    have = {row[0] for row in con.execute(f"DESCRIBE {quote(quarantine)}").fetchall()}
    if "_reason" not in have:
        return
    for name, kind in ((LINE, "BIGINT"), (PROBLEMS, f"{PROBLEM_TYPE}[]")):
        if name not in have:
            con.execute(f"ALTER TABLE {quote(quarantine)} ADD COLUMN {quote(name)} {kind}")


def _write_other(
    backend: BaseBackend,
    table: str,
    schema: ibis.Schema,
    key: tuple[str, ...],
    good: pa.Table,
    bad: pa.Table,
    mode: LoadMode,
) -> Written:
    """Engines other than DuckDB: keys are checked before writing; the two inserts are each
    atomic but not one transaction, and ``upsert`` is not offered."""
    if mode is LoadMode.UPSERT:
        raise LoadError(
            f"--mode upsert needs a DuckDB warehouse (this one is {backend.name}); "
            "load the file with the default mode, or remove the rows already loaded"
        )
    existing = set(backend.list_tables())
    if table not in existing:
        backend.create_table(table, schema=schema)
    elif key and good.num_rows:
        stored = backend.table(table).select(*key)
        incoming = ibis.memtable(good.select([*key, LINE, ROW]))
        clashes = (
            incoming.inner_join(stored, list(key))
            .select(LINE, ROW, *key)
            .order_by(ROW)
            .to_pyarrow()
        )
        if clashes.num_rows:
            raise LoadError(
                _clash_message(table, key, [tuple(r.values()) for r in clashes.to_pylist()])
            )
    quarantine = table + QUARANTINE_SUFFIX
    if bad.num_rows:
        as_json = pa.array([json.dumps(p) for p in bad.column(PROBLEMS).to_pylist()], pa.string())
        bad = bad.set_column(bad.schema.get_field_index(PROBLEMS), PROBLEMS, as_json)
        if quarantine not in existing:  # from the schema: some backends cannot from Arrow
            backend.create_table(quarantine, schema=ibis.Schema.from_pyarrow(bad.schema))
        backend.insert(quarantine, bad)
    backend.insert(table, good.select(list(schema.names)))
    return Written(good.num_rows, 0)
