"""Load a CSV or Parquet file into a warehouse table, row by row checked, all or nothing.

Every row is checked against the target columns and types. Good rows go into the table,
bad rows into ``<table>__quarantine`` with the reason and their row number — in one
transaction, so a failure leaves both tables as they were. Nothing is silently dropped.

The file is read and checked by an in-process DuckDB (all values first read as text, then
cast with ``TRY_CAST``: a value that does not cast is a bad row, not a crash). Column names
come from the file and the model and are always quoted as identifiers; no value from the
file is ever put into SQL text.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ibis
import ibis.expr.datatypes as dt
import pyarrow as pa
from ibis.backends import BaseBackend

from kpibridge.errors import LoadError

QUARANTINE_SUFFIX = "__quarantine"

_DUCKDB_TYPES = {
    "string": "VARCHAR",
    "int8": "TINYINT",
    "int16": "SMALLINT",
    "int32": "INTEGER",
    "int64": "BIGINT",
    "float32": "FLOAT",
    "float64": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
}


@dataclass(frozen=True)
class LoadResult:
    table: str
    loaded: int
    quarantined: int
    quarantine_table: str
    reasons: tuple[tuple[str, int], ...]
    """The most common reasons rows were quarantined, with their counts."""


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def load_file(
    backend: BaseBackend,
    path: Path,
    table: str,
    schema: ibis.Schema,
    required: tuple[str, ...] = (),
) -> LoadResult:
    """Check ``path`` against ``schema`` and append its rows to ``table``.

    ``required`` columns (time column, keys) must not be empty.
    """
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    reader = _reader(path)
    local = duckdb.connect()
    try:
        try:
            local.execute(f"CREATE TABLE raw AS SELECT * FROM {reader}", [str(path)])
        except duckdb.Error as error:
            raise LoadError(f"{path}: cannot read the file: {error}") from None
        file_columns = [row[0] for row in local.execute("DESCRIBE raw").fetchall()]
        missing = [c for c in schema.names if c not in file_columns]
        extra = [c for c in file_columns if c not in schema.names]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing column(s) {', '.join(missing)}")
            if extra:
                parts.append(f"unexpected column(s) {', '.join(extra)}")
            raise LoadError(
                f"{path}: the file does not match table {table!r}: {'; '.join(parts)} "
                f"(expected: {', '.join(schema.names)})"
            )
        good, bad = _check(local, schema, required, path)
    finally:
        local.close()
    _write(backend, table, schema, good, bad)
    reasons = _top_reasons(bad)
    return LoadResult(table, good.num_rows, bad.num_rows, table + QUARANTINE_SUFFIX, reasons)


def _reader(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return "read_parquet(?)"
    if suffix in {".csv", ".tsv", ".txt"}:
        return "read_csv(?, all_varchar = true, header = true)"
    raise LoadError(f"{path}: unsupported file type {suffix!r}; use .csv or .parquet")


def _check(
    local: duckdb.DuckDBPyConnection, schema: ibis.Schema, required: tuple[str, ...], path: Path
) -> tuple[pa.Table, pa.Table]:
    casts, problems = [], []
    for name, dtype in schema.items():
        target = _duckdb_type(dtype)
        text = f"CAST({quote(name)} AS VARCHAR)"
        cast = f"TRY_CAST({text} AS {target})"
        casts.append(f"{cast} AS {quote(name)}")
        problems.append(
            f"CASE WHEN {text} IS NOT NULL AND trim({text}) <> '' AND {cast} IS NULL "
            f"THEN '{_sql_text(name)}: cannot read ' || {text} || ' as {dtype}' END"
        )
        if name in required:
            problems.append(
                f"CASE WHEN {text} IS NULL OR trim({text}) = '' "
                f"THEN '{_sql_text(name)}: missing (required)' END"
            )
    raw_text = [f"CAST({quote(n)} AS VARCHAR) AS {quote('_raw_' + n)}" for n in schema.names]
    local.execute(
        "CREATE TABLE checked AS SELECT row_number() OVER () AS _row, "
        f"concat_ws('; ', {', '.join(problems)}) AS _reason, "
        f"{', '.join(casts)}, {', '.join(raw_text)} FROM raw"
    )
    columns = ", ".join(quote(n) for n in schema.names)
    good = local.execute(
        f"SELECT {columns} FROM checked WHERE _reason = '' ORDER BY _row"
    ).fetch_arrow_table()
    raw_columns = ", ".join(f"{quote('_raw_' + n)} AS {quote(n)}" for n in schema.names)
    bad = local.execute(
        f"SELECT {raw_columns}, _row, _reason, ? AS _file, now()::TIMESTAMP AS _loaded_at "
        "FROM checked WHERE _reason <> '' ORDER BY _row",
        [str(path)],
    ).fetch_arrow_table()
    return good, bad


def _write(
    backend: BaseBackend, table: str, schema: ibis.Schema, good: pa.Table, bad: pa.Table
) -> None:
    """Create the tables if needed and insert both sets of rows in one transaction."""
    quarantine = table + QUARANTINE_SUFFIX
    existing = set(backend.list_tables())
    if backend.name == "duckdb":
        con = backend.con  # type: ignore[attr-defined]
        con.execute("BEGIN TRANSACTION")
        try:
            if table not in existing:
                columns = ", ".join(f"{quote(n)} {_duckdb_type(t)}" for n, t in schema.items())
                con.execute(f"CREATE TABLE {quote(table)} ({columns})")
            con.register("_kpibridge_good", good)
            con.execute(f"INSERT INTO {quote(table)} BY NAME SELECT * FROM _kpibridge_good")
            if bad.num_rows:
                con.register("_kpibridge_bad", bad)
                if quarantine not in existing:
                    con.execute(
                        f"CREATE TABLE {quote(quarantine)} AS SELECT * FROM _kpibridge_bad LIMIT 0"
                    )
                con.execute(f"INSERT INTO {quote(quarantine)} BY NAME SELECT * FROM _kpibridge_bad")
            con.execute("COMMIT")
        except Exception as error:
            con.execute("ROLLBACK")
            raise LoadError(
                f"loading into {table!r} failed, nothing was written: {error}"
            ) from None
        finally:
            for view in ("_kpibridge_good", "_kpibridge_bad"):
                with contextlib.suppress(duckdb.Error):
                    con.unregister(view)
        return
    # other engines: one INSERT per table (each statement is atomic)
    if table not in existing:
        backend.create_table(table, schema=schema)
    if bad.num_rows:
        if quarantine not in existing:
            backend.create_table(quarantine, obj=bad)
        else:
            backend.insert(quarantine, bad)
    backend.insert(table, good)


def _duckdb_type(dtype: dt.DataType) -> str:
    name = "timestamp" if dtype.is_timestamp() else str(dtype).rstrip("!").lower()
    try:
        return _DUCKDB_TYPES[name]
    except KeyError:
        raise LoadError(f"cannot load columns of type {dtype}") from None


def _sql_text(text: str) -> str:
    """A column name inside a SQL string literal (quotes doubled)."""
    return text.replace("'", "''")


def _top_reasons(bad: pa.Table, limit: int = 5) -> tuple[tuple[str, int], ...]:
    """Most common problems, by column and kind ("revenue: cannot read", "date: missing")."""
    counts: Counter[str] = Counter()
    for reason in bad.column("_reason").to_pylist() if bad.num_rows else []:
        for part in reason.split("; "):
            column, _, problem = part.partition(": ")
            kind = "cannot read" if problem.startswith("cannot read") else problem
            counts[f"{column}: {kind}"] += 1
    return tuple(counts.most_common(limit))
