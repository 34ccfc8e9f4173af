"""Check text values against column types, in an in-process DuckDB, without changing any.

A value is accepted only when its text form says exactly one thing: an integer is digits
(``7`` or ``7.0``, never ``6.5``, which a cast would round to 7, nor ``1_000`` or ``1e3``); a
double is a finite decimal number (``nan``, ``inf``, ``-Infinity`` and ``1e400`` are not
numbers a KPI can use, and ``1e-400`` would silently become 0); a date is ``YYYY-MM-DD``; a
timestamp is ISO 8601, and one written with a UTC offset is converted to the workspace's
time zone (the conversion is counted and reported, never silent). Every rejected value
becomes a structured problem ``{column, problem, value, detail}`` of its row.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import ibis
import ibis.expr.datatypes as dt
import pyarrow as pa

from kpibridge.errors import LoadError
from kpibridge.metrics.load_read import FIELDS, LINE, RECORD, ROW, quote

PROBLEMS, REASON = "_problems", "_reason"
PROBLEM_TYPE = 'STRUCT("column" VARCHAR, problem VARCHAR, value VARCHAR, detail VARCHAR)'

NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
INTEGER = r"[+-]?[0-9]+(\.0*)?"
DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
MIDNIGHT = r"[ T]00:00(:00(\.0+)?)?"
OFFSET = r"Z|[+-][0-9]{2}(:[0-9]{2})?"
TIMESTAMP = rf"^({DATE})([ T][0-9]{{2}}:[0-9]{{2}}(:[0-9]{{2}}(\.[0-9]+)?)?({OFFSET})?)?$"
TRUE, FALSE = ("true", "t", "yes", "y", "1"), ("false", "f", "no", "n", "0")

_INTEGERS = {
    dt.Int8: "TINYINT",
    dt.Int16: "SMALLINT",
    dt.Int32: "INTEGER",
    dt.Int64: "BIGINT",
    dt.UInt8: "UTINYINT",
    dt.UInt16: "USMALLINT",
    dt.UInt32: "UINTEGER",
    dt.UInt64: "UBIGINT",
}


@dataclass(frozen=True)
class Checked:
    """The rows that passed (typed) and those that did not (raw text and problems)."""

    good: pa.Table
    bad: pa.Table
    converted: int
    """Timestamps written with a UTC offset, converted to the workspace's time zone."""


def duckdb_type(dtype: dt.DataType) -> str:
    """The DuckDB type of an Ibis type, NOT NULL or not (Ibis writes those ``!int64``)."""
    for kind, name in _INTEGERS.items():
        if isinstance(dtype, kind):
            return name
    if dtype.is_timestamp():
        return "TIMESTAMPTZ" if dtype.timezone is not None else "TIMESTAMP"  # type: ignore[attr-defined]
    simple = {
        dt.String: "VARCHAR",
        dt.Float32: "FLOAT",
        dt.Float64: "DOUBLE",
        dt.Boolean: "BOOLEAN",
        dt.Date: "DATE",
    }
    for kind, name in simple.items():
        if isinstance(dtype, kind):
            return name
    raise LoadError(f"cannot load columns of type {dtype.copy(nullable=True)}")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _value_check(dtype: dt.DataType, s: str, timezone: str) -> tuple[str, str]:
    """SQL for (problem text or NULL, typed value) of the trimmed text ``s``."""
    target = duckdb_type(dtype)
    if dtype.is_integer():
        digits = f"TRY_CAST(regexp_extract({s}, '^[+-]?[0-9]+') AS {target})"
        problem = (
            f"CASE WHEN NOT regexp_full_match({s}, '{INTEGER}') THEN "
            f"CASE WHEN regexp_full_match({s}, '[+-]?[0-9]*\\.[0-9]+') "
            "THEN 'not a whole number' ELSE 'not an integer' END "
            f"WHEN {digits} IS NULL THEN 'out of range for {target}' END"
        )
        return problem, digits
    if dtype.is_floating():
        cast = f"TRY_CAST({s} AS {target})"
        mantissa = f"regexp_extract({s}, '^[^eE]*')"
        problem = (
            f"CASE WHEN regexp_full_match(lower({s}), '[+-]?nan') THEN 'not a number (NaN)' "
            f"WHEN regexp_full_match(lower({s}), '[+-]?inf(inity)?') THEN 'infinite' "
            f"WHEN NOT regexp_full_match({s}, '{NUMBER}') THEN 'not a number' "
            f"WHEN coalesce(NOT isfinite({cast}), true) THEN 'out of range for {target}' "
            f"WHEN {cast} = 0 AND regexp_matches({mantissa}, '[1-9]') "
            f"THEN 'too small for {target} (would become 0)' END"
        )
        return problem, cast
    if dtype.is_boolean():
        lowered = f"lower({s})"
        value = (
            f"CASE WHEN {lowered} IN ({', '.join(map(_literal, TRUE))}) THEN true "
            f"WHEN {lowered} IN ({', '.join(map(_literal, FALSE))}) THEN false END"
        )
        return f"CASE WHEN ({value}) IS NULL THEN 'not true or false' END", value
    if dtype.is_date():
        cast = f"TRY_CAST(left({s}, 10) AS DATE)"
        problem = (
            f"CASE WHEN regexp_full_match({s}, '{DATE}[ T].*') "
            f"AND NOT regexp_full_match({s}, '{DATE}{MIDNIGHT}') "
            "THEN 'has a time of day (the column holds dates)' "
            f"WHEN NOT regexp_full_match({s}, '{DATE}({MIDNIGHT})?') "
            "THEN 'not a date (YYYY-MM-DD)' "
            f"WHEN {cast} IS NULL THEN 'not a calendar date' END"
        )
        return problem, cast
    if dtype.is_timestamp():
        zone = _literal(timezone)
        offset = f"regexp_extract({s}, '{TIMESTAMP}', 5) <> ''"
        with_offset = f"TRY_CAST({s} AS TIMESTAMPTZ)"
        naive = f"TRY_CAST({s} AS TIMESTAMP)"
        if target == "TIMESTAMPTZ":
            value = f"CASE WHEN {offset} THEN {with_offset} ELSE timezone({zone}, {naive}) END"
        else:
            value = f"CASE WHEN {offset} THEN timezone({zone}, {with_offset}) ELSE {naive} END"
        problem = (
            f"CASE WHEN NOT regexp_full_match({s}, '{TIMESTAMP}') "
            "THEN 'not a timestamp (YYYY-MM-DD HH:MM:SS, optionally with a UTC offset)' "
            f"WHEN regexp_matches({s}, '\\.[0-9]{{7,}}') THEN 'more precise than microseconds' "
            f"WHEN ({value}) IS NULL THEN 'not a calendar date and time' END"
        )
        return problem, value
    if dtype.is_string():
        return "NULL", s
    raise LoadError(f"cannot load columns of type {dtype.copy(nullable=True)}")


def check(
    raw: pa.Table,
    schema: ibis.Schema,
    required: tuple[str, ...],
    key: tuple[str, ...],
    timezone: str,
) -> Checked:
    """Split ``raw`` (text columns named like ``schema``, with bookkeeping) into good and
    bad rows."""
    local = duckdb.connect()
    try:
        local.execute("SET TimeZone = 'UTC'")
        local.register("raw", raw)
        values, problems, offsets = [], [], []
        for name, dtype in schema.items():
            text = quote(name)
            present = f"({text} IS NOT NULL AND trim({text}) <> '')"
            if dtype.is_string():
                present = f"({text} IS NOT NULL)"
            problem, value = _value_check(dtype, f"trim({text})", timezone)
            if dtype.is_string():
                value = text  # strings are kept exactly, spaces and all
            values.append(f"CASE WHEN {present} THEN {value} END AS {text}")
            problems.append(
                f"CASE WHEN {present} AND ({problem}) IS NOT NULL THEN "
                f"{{'column': {_literal(name)}, 'problem': {problem}, 'value': {text}, "
                "'detail': NULL} END"
            )
            if name in required or name in key:
                problems.append(
                    f"CASE WHEN NOT {present} THEN {{'column': {_literal(name)}, "
                    f"'problem': 'missing', 'value': NULL, 'detail': "
                    f"{_literal('key' if name in key else 'required')}}} END"
                )
            if dtype.is_timestamp():
                offsets.append(
                    f"({present} AND regexp_extract(trim({text}), '{TIMESTAMP}', 5) <> '')"
                )
        ragged = (
            "[{'column': NULL, 'problem': 'ragged row', 'value': " + RECORD + ", 'detail': "
            f"{FIELDS} || ' fields, the header has {len(raw.column_names) - 4}'}}]"
        )
        checks = f"list_filter([{', '.join(problems)}], p -> p IS NOT NULL)"
        local.execute(
            f"CREATE TABLE checked AS SELECT {ROW}, {LINE}, "
            f"CAST(CASE WHEN {FIELDS} IS NOT NULL THEN {ragged} ELSE {checks} END "
            f"AS {PROBLEM_TYPE}[]) AS {PROBLEMS}, "
            f"{' + '.join(f'CAST({o} AS INTEGER)' for o in offsets) or '0'} AS _offsets, "
            f"{', '.join(values)}, "
            + ", ".join(f"{quote(n)} AS {quote('_raw_' + n)}" for n in schema.names)
            + " FROM raw"
        )
        if key:
            _flag_duplicate_keys(local, key)
        return _split(local, schema)
    finally:
        local.close()


def _flag_duplicate_keys(local: duckdb.DuckDBPyConnection, key: tuple[str, ...]) -> None:
    """Rows that pass every check but share a key with another such row: neither can be
    trusted to be the right one, so all of them are quarantined, each naming the others."""
    columns = ", ".join(quote(k) for k in key)
    shown = " || ', ' || ".join(
        f"{_literal(k + '=')} || CAST(checked.{quote(k)} AS VARCHAR)" for k in key
    )
    where = f"coalesce({LINE}, {ROW})"
    local.execute(
        # the ordered list only for the (few) repeated keys: ordered aggregates are slow
        f"CREATE TEMP TABLE duplicates AS WITH repeated AS (SELECT {columns} FROM checked "
        f"WHERE len({PROBLEMS}) = 0 GROUP BY {columns} HAVING count(*) > 1) "
        f"SELECT {columns}, count(*) AS _n, "
        f"list_slice(list({where} ORDER BY {ROW}), 1, 6) AS _first FROM checked "
        f"SEMI JOIN repeated USING ({columns}) "
        f"WHERE len({PROBLEMS}) = 0 GROUP BY {columns}"
    )
    mine = f"coalesce(checked.{LINE}, checked.{ROW})"
    others = f"list_slice(list_filter(d._first, x -> x <> {mine}), 1, 5)"
    same = " AND ".join(f"checked.{quote(k)} = d.{quote(k)}" for k in key)
    local.execute(
        f"UPDATE checked SET {PROBLEMS} = [{{'column': {_literal(', '.join(key))}, "
        f"'problem': 'duplicate key in the file', 'value': {shown}, "
        f"'detail': 'also on ' || CASE WHEN checked.{LINE} IS NULL THEN 'row ' ELSE 'line ' END "
        f"|| array_to_string({others}, ', ') || CASE WHEN d._n > 6 THEN ', ...' ELSE '' END}}] "
        f"FROM duplicates AS d WHERE {same} AND len(checked.{PROBLEMS}) = 0"
    )


def _split(local: duckdb.DuckDBPyConnection, schema: ibis.Schema) -> Checked:
    typed = ", ".join(quote(n) for n in schema.names)
    good = local.execute(
        f"SELECT {typed}, {ROW}, {LINE} FROM checked WHERE len({PROBLEMS}) = 0 ORDER BY {ROW}"
    ).fetch_arrow_table()
    reason = (
        f"array_to_string(list_transform({PROBLEMS}, p -> coalesce(p.column || ': ', '') "
        "|| p.problem || coalesce(' ' || p.detail, '') "
        "|| coalesce(' (' || CASE WHEN length(p.value) > 80 THEN left(p.value, 77) || '...' "
        "ELSE p.value END || ')', '')), '; ')"
    )
    raw_columns = ", ".join(f"{quote('_raw_' + n)} AS {quote(n)}" for n in schema.names)
    bad = local.execute(
        f"SELECT {raw_columns}, {ROW}, {LINE}, {reason} AS {REASON}, {PROBLEMS} "
        f"FROM checked WHERE len({PROBLEMS}) > 0 ORDER BY {ROW}"
    ).fetch_arrow_table()
    converted = local.execute(
        f"SELECT coalesce(sum(_offsets), 0) FROM checked WHERE len({PROBLEMS}) = 0"
    ).fetchone()
    return Checked(good, bad, int(converted[0]) if converted else 0)
