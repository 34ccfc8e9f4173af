"""The two translators behind the dbt import, case by case: SQL → formula
(:mod:`kpibridge.workspace.dbt_sql`) and MetricFlow Jinja filters → a filter on one model
(:mod:`kpibridge.workspace.dbt_filters`). Each CASE translation is also checked by running
both the SQL and the translated formula in DuckDB on the same rows."""

from __future__ import annotations

import doctest
import re
from collections.abc import Iterator

import duckdb
import ibis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ibis.backends import BaseBackend

from kpibridge.metrics.compile import ModelScope
from kpibridge.model import SemanticModel
from kpibridge.workspace import dbt_sql
from kpibridge.workspace.dbt_filters import ModelNames, translate_filter
from kpibridge.workspace.dbt_sql import sql_to_formula

SQL_CASES = [  # (SQL, formula) — written by hand
    ("amount", "amount"),
    ("CASE WHEN kind = 'a' THEN amount ELSE 0 END", "if(kind = 'a', amount, 0)"),
    ("case when kind = 'a' then 1 end", "if(kind = 'a', 1, null)"),
    (
        "CASE WHEN kind = 'a' THEN 1 WHEN kind = 'b' THEN 2 ELSE 3 END",
        "if(kind = 'a', 1, if(kind = 'b', 2, 3))",
    ),
    ("CASE kind WHEN 'a' THEN 10 ELSE 20 END", "if(kind = 'a', 10, 20)"),
    (
        "CASE WHEN amount > 5 THEN CASE WHEN kind = 'a' THEN 1 ELSE 2 END ELSE 0 END",
        "if(amount > 5, if(kind = 'a', 1, 2), 0)",
    ),
    (
        "coalesce(CASE WHEN kind = 'a' THEN amount END, 0)",
        "coalesce(if(kind = 'a', amount, null), 0)",
    ),
    ("'it''s a case' = kind", "'it''s a case' = kind"),  # CASE inside a string is text
    ("CASE WHEN kind = 'a' THEN NULL END", "null"),  # if(c, x, x) is x
    ("CASE WHEN kind = 'a' THEN 'A' ELSE 'a' END", "if(kind = 'a', 'A', 'a')"),  # not the same x
    ("amount IS NOT NULL AND kind IN ('a', 'b')", "amount IS NOT NULL AND kind IN ('a', 'b')"),
]
NOT_FORMULAS = [
    "amount::int",
    "CAST(amount AS INT)",
    "a || b",
    "CASE WHEN kind = 'a' THEN 1",  # no END
    "CASE ELSE 1 END",  # no WHEN
    "date_part('dow', ds)",
]


@pytest.mark.parametrize(("sql", "formula"), SQL_CASES)
def test_sql_to_formula(sql: str, formula: str) -> None:
    assert sql_to_formula(sql) == formula


@pytest.mark.parametrize("sql", NOT_FORMULAS)
def test_sql_kpibridge_cannot_say(sql: str) -> None:
    assert sql_to_formula(sql) is None


ROWS = [("a", 7.0), ("b", 3.0), ("c", None), (None, 9.0)]


@pytest.mark.parametrize(("sql", "formula"), [c for c in SQL_CASES if "it''s" not in c[0]])
def test_translation_computes_what_the_sql_computes(sql: str, formula: str) -> None:
    connection = duckdb.connect()
    connection.execute("CREATE TABLE t (kind VARCHAR, amount DOUBLE, a INTEGER, b INTEGER)")
    connection.executemany("INSERT INTO t VALUES (?, ?, 1, 2)", ROWS)
    expected = connection.execute(f"SELECT {sql} FROM t ORDER BY rowid").fetchall()
    backend = ibis.duckdb.from_connection(connection)
    model = SemanticModel.model_validate({"name": "t", "table": "t", "time": "amount"})
    value = ModelScope(model, backend.table("t")).expression(formula)
    computed = backend.execute(backend.table("t").select(value=value))["value"].tolist()
    assert [None if v != v else v for v in computed] == [row[0] for row in expected]  # NaN → None


def test_doctests() -> None:
    failures, tried = doctest.testmod(dbt_sql)
    assert tried > 0
    assert failures == 0


BOOKINGS = ModelNames(
    name="bookings_source",
    own_entities=frozenset({"booking"}),
    entity_columns={"listing": "listing_id", "guest": "guest_id"},
    dimensions=frozenset({"is_instant", "kind", "year"}),
    time_columns={"ds": "ds", "paid_at": "paid_at"},
)
FILTERS = [  # (MetricFlow filter, kpibridge filter)
    ("{{ Dimension('booking__is_instant') }}", "is_instant"),
    ("NOT {{ Dimension('booking__is_instant') }}", "NOT is_instant"),
    ("{{ Dimension('booking__kind') }} IN ('a', 'b')", "kind IN ('a', 'b')"),
    ("{{Dimension(\"booking__kind\")}} = 'a'", "kind = 'a'"),
    ("{{ Entity('listing') }} IS NOT NULL", "listing_id IS NOT NULL"),
    ("{{ TimeDimension('metric_time', 'day') }} >= '2020-01-02'", "pay_day >= '2020-01-02'"),
    ("{{ TimeDimension('metric_time') }} >= '2020-01-02'", "pay_day >= '2020-01-02'"),
    ("{{ Dimension('metric_time').grain('day') }} >= '2020-01-02'", "pay_day >= '2020-01-02'"),
    ("{{ TimeDimension('booking__paid_at', 'day') }} < '2021-01-01'", "paid_at < '2021-01-01'"),
    ("{{ TimeDimension('metric_time__day') }} < '2021-01-01'", "pay_day < '2021-01-01'"),
    ("{{ Dimension('booking__paid_at__day') }} < '2021-01-01'", "paid_at < '2021-01-01'"),
    ("{{ Dimension('booking__year') }} = 2020", "year = 2020"),  # a dimension named like a grain
    (["{{ Dimension('booking__is_instant') }}", "{{ Dimension('booking__kind') }} = 'a'"],
     "(is_instant) and (kind = 'a')"),
]  # fmt: skip
REFUSED = [  # (MetricFlow filter, part of the reason)
    ("{{ Dimension('listing__is_lux') }}", "needs a join from model bookings_source through"),
    ("{{ Dimension('guest__home_state') }}", "through entity 'guest'"),
    ("{{ Dimension('country__region', entity_path=['listing']) }}", "several joins"),
    ("{{ Dimension('a__b__c') }}", "several joins"),
    ("{{ Dimension('booking__missing') }}", "has no usable dimension 'missing'"),
    ("{{ Entity('host') }} IS NULL", "has no entity 'host' with a column"),
    ("{{ Entity('listing__host') }} IS NULL", "through a join"),
    ("{{ Metric('bookings', group_by=['listing']) }} > 2", "a metric inside a filter"),
    ("{{ TimeDimension('metric_time', 'month') }} = '2020-01-01'", "grain 'month'"),
    ("{{ TimeDimension('metric_time__week') }} = '2020-01-06'", "grain 'week'"),
    ("{{ Dimension('booking__kind') }}::text = 'a'", "is not a kpibridge filter"),
    ("{% if x %}1{% endif %}", "Jinja"),
]


@pytest.mark.parametrize(("text", "formula"), FILTERS)
def test_filter_on_the_measures_own_model(text: str | list[str], formula: str) -> None:
    translated, _ = translate_filter(text, BOOKINGS, "pay_day")
    assert translated == formula


@pytest.mark.parametrize(("text", "reason"), REFUSED)
def test_filter_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        translate_filter(text, BOOKINGS, "pay_day")


def test_time_comparisons_are_noted() -> None:
    _, notes = translate_filter(
        "{{ TimeDimension('metric_time', 'day') }} > '2020-01-01'", BOOKINGS, "ds"
    )
    assert notes == [
        "{{ TimeDimension('metric_time', 'day') }} compares the time column ds itself, not "
        "truncated to the day (the same for DATE columns)"
    ]
    assert translate_filter("{{ Dimension('booking__kind') }} = 'a'", BOOKINGS, "ds")[1] == []


_CONDITIONS = st.sampled_from(
    ["kind = 'a'", "kind IN ('a', 'b')", "amount > 5", "amount IS NULL", "kind <> 'c'"]
)
_VALUES = st.sampled_from(["amount", "0", "1.5", "NULL", "a", "b"])


def _case(depth: int) -> st.SearchStrategy[str]:
    """Searched and simple CASE expressions, nested in THEN and ELSE, with or without ELSE."""
    leaf = _VALUES if depth == 0 else st.one_of(_VALUES, st.deferred(lambda: _case(depth - 1)))
    searched = st.builds(
        lambda whens, otherwise: (
            "CASE "
            + " ".join(f"WHEN {c} THEN {v}" for c, v in whens)
            + (f" ELSE {otherwise}" if otherwise else "")
            + " END"
        ),
        st.lists(st.tuples(_CONDITIONS, leaf), min_size=1, max_size=3),
        st.one_of(st.none(), leaf),
    )
    simple = st.builds(
        lambda whens, otherwise: (
            "CASE kind "
            + " ".join(f"WHEN '{w}' THEN {v}" for w, v in whens)
            + f" ELSE {otherwise} END"
        ),
        st.lists(st.tuples(st.sampled_from("abc"), leaf), min_size=1, max_size=3),
        leaf,
    )
    return st.one_of(searched, simple)


@pytest.fixture(scope="module")
def rows() -> Iterator[tuple[duckdb.DuckDBPyConnection, BaseBackend]]:
    connection = duckdb.connect()
    connection.execute("CREATE TABLE t (kind VARCHAR, amount DOUBLE, a INTEGER, b INTEGER)")
    connection.executemany(
        "INSERT INTO t VALUES (?, ?, ?, ?)",
        [("a", 7.0, 1, 2), ("b", 3.0, 3, 4), ("c", None, 5, 6), (None, 9.0, 7, 8)],
    )
    yield connection, ibis.duckdb.from_connection(connection)
    connection.close()


@settings(max_examples=150, deadline=None)
@given(sql=_case(2))
def test_case_translation_agrees_with_duckdb(
    rows: tuple[duckdb.DuckDBPyConnection, BaseBackend], sql: str
) -> None:
    """Law: for every CASE expression, the translated formula computes what DuckDB computes
    for the SQL, row by row (nulls included)."""
    connection, backend = rows
    formula = sql_to_formula(sql)
    assert formula is not None, sql
    expected = [row[0] for row in connection.execute(f"SELECT {sql} FROM t ORDER BY a").fetchall()]
    model = SemanticModel.model_validate({"name": "t", "table": "t", "time": "amount"})
    table = backend.table("t").order_by("a")
    value = ModelScope(model, table).expression(formula)
    computed = backend.execute(table.select(value=value))["value"].tolist()
    assert [None if v is None or v != v else float(v) for v in computed] == [
        None if v is None else float(v) for v in expected
    ], (sql, formula)
