"""Compiled formulas run on a real in-memory DuckDB through Ibis, against hand-computed answers."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import ibis
import ibis.expr.types as ir
import pytest
from ibis.backends.duckdb import Backend

from kpibridge.errors import FormulaError, UnknownNameError
from kpibridge.metrics.formula import Reference, compile_formula, parse_formula

ROWS: dict[str, list[Any]] = {
    "id": [1, 2, 3, 4, 5],
    "month": [datetime.date(2024, month, 1) for month in range(1, 6)],
    "channel": ["display", "search", "display", "social", None],
    "device": ["mobile", "desktop", "tablet", "mobile", "tablet"],
    "name": ["O'Brien", "OBrien", "O''Brien", "Brien", None],
    "promoters": [50, 30, 0, 10, 5],
    "detractors": [10, 30, 0, 20, 5],
    "responses": [100, 60, 0, 40, 10],
    "revenue": [100.0, 120.0, 90.0, None, 90.0],
    "mql_at": [
        datetime.date(2024, 1, 15),
        None,
        datetime.date(2024, 3, 10),
        None,
        datetime.date(2024, 5, 20),
    ],
}


@pytest.fixture
def connection() -> Iterator[Backend]:
    con = ibis.duckdb.connect()
    yield con
    con.disconnect()


@pytest.fixture
def table(connection: Backend) -> ir.Table:
    return connection.create_table("t", ibis.memtable(ROWS))


def column_resolver(table: ir.Table) -> Callable[[Reference], ir.Value]:
    """Names are columns; an offset is a lag over the months (a year is 12 of them)."""

    def resolve(reference: Reference) -> ir.Value:
        name = reference.name.dotted
        if name not in table.columns:
            raise UnknownNameError("column", name, table.columns)
        column = table[name]
        if reference.offset is None:
            return column
        periods = reference.offset.periods * (12 if reference.offset.unit == "year" else 1)
        return column.lag(periods).over(ibis.window(order_by=table.month))

    return resolve


def compute(connection: Backend, table: ir.Table, text: str) -> list[Any]:
    """Evaluate a formula on every row, in id order."""
    value = compile_formula(parse_formula(text), text, column_resolver(table))
    result = table.select("id", value=value).order_by("id")
    return connection.to_pyarrow(result).column("value").to_pylist()


def matching_ids(connection: Backend, table: ir.Table, text: str) -> list[int]:
    """Ids of the rows a filter keeps."""
    condition = compile_formula(parse_formula(text), text, column_resolver(table))
    result = table.filter(condition).select("id").order_by("id")
    return connection.to_pyarrow(result).column("id").to_pylist()


# Expected values worked out by hand from ROWS.
VALUES: list[tuple[str, list[Any]]] = [
    ("1 / 2", [0.5] * 5),
    ("7 - 2 - 1", [4] * 5),
    ("2 + 3 * 4", [14] * 5),
    ("-promoters", [-50, -30, 0, -10, -5]),
    ("promoters / responses", [0.5, 0.5, None, 0.25, 0.5]),  # 0/0 is NaN in DuckDB
    (
        "100 * (promoters - detractors) / nullif(responses, 0)",
        [40.0, 0.0, None, -25.0, 0.0],
    ),
    ("revenue / previous(revenue) - 1", [None, 0.2, -0.25, None, None]),
    ("lag(promoters, 2)", [None, None, 50, 30, 0]),
    ("year_ago(promoters)", [None] * 5),
    ("coalesce(revenue, 0)", [100.0, 120.0, 90.0, 0.0, 90.0]),
    ("coalesce(channel, 'unknown')", ["display", "search", "display", "social", "unknown"]),
    ("if(responses > 0, promoters / responses, 0)", [0.5, 0.5, 0.0, 0.25, 0.5]),
    ("if(channel = 'display', 'yes', 'no')", ["yes", "no", "yes", "no", "no"]),
    ("round(revenue / 7, 2)", [14.29, 17.14, 12.86, None, 12.86]),
    ("round(promoters / 3)", [17, 10, 0, 3, 2]),
    ("abs(promoters - detractors)", [40, 0, 0, 10, 0]),
    ("least(promoters, detractors)", [10, 30, 0, 10, 5]),
    ("greatest(promoters, detractors, 25)", [50, 30, 25, 25, 25]),
    ("sqrt(responses)", [10.0, 60**0.5, 0.0, 40**0.5, 10**0.5]),
    ("ln(exp(2))", [2.0] * 5),
    ("revenue + null", [None] * 5),
    ("revenue + if(promoters > 10, null, null)", [None] * 5),  # typed by the sum around it
    ("coalesce(if(promoters > 10, null, null), revenue)", [100.0, 120.0, 90.0, None, 90.0]),
    ("name = 'O''Brien'", [True, False, False, False, None]),
]


@pytest.mark.parametrize(("text", "expected"), VALUES, ids=[text for text, _ in VALUES])
def test_values(connection: Backend, table: ir.Table, text: str, expected: list[Any]) -> None:
    actual = compute(connection, table, text)
    if text == "promoters / responses":
        assert actual[2] != actual[2]  # NaN
        actual[2] = None
    assert actual == pytest.approx(expected)


FILTERS: list[tuple[str, list[int]]] = [
    ("channel = 'display' and device in ('mobile', 'tablet')", [1, 3]),
    ("channel in ('display', 'social')", [1, 3, 4]),
    ("channel not in ('display')", [2, 4]),  # SQL: null is neither in nor not in
    ("not channel in ('display')", [2, 4]),
    ("mql_at is not null", [1, 3, 5]),
    ("mql_at is null", [2, 4]),
    ("not (channel = 'display') or channel is null", [2, 4, 5]),
    ("channel = 'display' or promoters < detractors and device = 'mobile'", [1, 3, 4]),
    ("(channel = 'display' or promoters < detractors) and device = 'mobile'", [1, 4]),
    ("promoters >= 10 and promoters <> detractors", [1, 4]),
    ("name = 'O''Brien'", [1]),
    ("name = 'O''''Brien'", [3]),
    ("mql_at >= '2024-03-01'", [3, 5]),
    ("month in ('2024-02-01', '2024-04-01')", [2, 4]),
    ("revenue > previous(revenue)", [2]),
    ("true", [1, 2, 3, 4, 5]),
    ("false or null", []),
    ("if(responses > 0, promoters / responses >= 0.5, false)", [1, 2, 5]),
]


@pytest.mark.parametrize(("text", "expected"), FILTERS, ids=[text for text, _ in FILTERS])
def test_filters(connection: Backend, table: ir.Table, text: str, expected: list[int]) -> None:
    assert matching_ids(connection, table, text) == expected


def test_injection_looking_literal_is_just_a_value(connection: Backend, table: ir.Table) -> None:
    text = "channel = '; DROP TABLE t; --'"
    assert matching_ids(connection, table, text) == []
    assert "t" in connection.list_tables()
    assert connection.table("t").count().execute() == len(ROWS["id"])


def test_string_literal_is_quoted_by_ibis(table: ir.Table) -> None:
    text = "name = 'x''); DROP TABLE t; --'"
    condition = compile_formula(parse_formula(text), text, column_resolver(table))
    sql = ibis.to_sql(table.filter(condition), dialect="duckdb")
    assert "'x''); DROP TABLE t; --'" in sql


# (formula, part of the message, column of the caret)
TYPE_ERRORS: list[tuple[str, str, int]] = [
    ("channel + 1", "cannot use '+' on string and int64: numbers are needed", 1),
    ("promoters * (channel = 'x')", "cannot use '*' on int64 and boolean", 1),
    ("-channel", "cannot negate string", 1),
    ("abs(device)", "cannot apply abs() to string", 1),
    ("promoters and detractors", "cannot use 'and' on int64 and int64", 1),
    ("not promoters", "cannot apply 'not' to int64", 1),
    ("channel = 1", "cannot compare string with int64: the types do not match", 1),
    ("1 + (channel = 1)", "cannot compare string with int64", 5),
    ("device in ('mobile', 1)", "cannot compare string with string with int64", 1),
    ("coalesce(channel, 0)", "cannot combine string with int64", 1),
    ("if(promoters, 1, 2)", "cannot use int64 as a condition: true/false values are needed", 4),
    ("if(true, 'a', 1)", "cannot combine string with int64", 1),
    ("channel = null", "a comparison with null is never true; use 'is null'", 1),
    ("channel in ('a', null)", "null never matches in a list", 18),
    ("mql_at >= 'yesterday'", "'yesterday' is not a valid date; write it like '2024-01-31'", 11),
    ("round(revenue, 1.5)", "round() needs a whole number of digits, not float64", 16),
    ("revenu / 2", "unknown column 'revenu'. Did you mean 'revenue'?", 1),
    ("revenue / previous(revenu)", "unknown column 'revenu'", 20),
    ("orders.revenue", "unknown column 'orders.revenue'", 1),
    ("99999999999999999999 + 1", "too large for a whole number", 1),
]


@pytest.mark.parametrize(
    ("text", "message", "column"), TYPE_ERRORS, ids=[text for text, _, _ in TYPE_ERRORS]
)
def test_type_errors(table: ir.Table, text: str, message: str, column: int) -> None:
    with pytest.raises(FormulaError) as info:
        compile_formula(parse_formula(text), text, column_resolver(table))
    assert message in info.value.reason
    assert info.value.column == column


def test_deepest_allowed_formula_compiles_and_runs(connection: Backend, table: ir.Table) -> None:
    """200 chained operators (the parser's limit) stay clear of recursion limits in Ibis."""
    text = " + ".join(["promoters"] * 200)
    assert compute(connection, table, text) == [200 * p for p in ROWS["promoters"]]
